// /api/v3/user: register, login, logout.
import { authenticate, exhaustiveCheck, getSite, issueLoginToken, register, revokeLoginToken } from "@plenum/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { AUTH_COOKIE, tokenContext, tokenOf } from "../auth.ts";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";

const Register = z.object({
  username: z.string(),
  password: z.string(),
  password_verify: z.string(),
  show_nsfw: z.boolean().optional(),
  email: z.string().max(255).optional(),
  captcha_uuid: z.string().optional(),
  captcha_answer: z.string().optional(),
  honeypot: z.string().optional(),
  answer: z.string().max(10_000).optional(),
});

const Login = z.object({
  username_or_email: z.string().min(1).max(255),
  password: z.string().min(1).max(255),
  totp_2fa_token: z.string().optional(),
});

/** Web sessions last as long as the token is on record; the cookie itself expires after a year. */
const COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;

export function setAuthCookie(api: ApiContext, reply: FastifyReply, jwt: string): void {
  reply.setCookie(AUTH_COOKIE, jwt, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: api.runtime.config.origin.startsWith("https:"),
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
}

export async function issueToken(api: ApiContext, request: FastifyRequest, personId: string): Promise<string> {
  const { db } = api.runtime.database;
  const site = await getSite(db);
  return issueLoginToken(db, tokenContext(api.runtime, site.jwt_secret), personId, {
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
  });
}

export function registerUserRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const { urls } = api.runtime.contextData;

  app.post("/user/register", { config: api.rateLimit("register") }, async (request, reply) => {
    const input = parseInput(Register, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    // A filled honeypot field means a bot filled in every field it saw (Lemmy's check).
    if (input.value.honeypot) return fail(reply, "honeypot_failed");
    const site = await getSite(db);
    const result = await register(db, urls, site, {
      username: input.value.username,
      password: input.value.password,
      passwordVerify: input.value.password_verify,
      email: input.value.email ?? null,
      showNsfw: input.value.show_nsfw ?? false,
      answer: input.value.answer ?? null,
    });
    if (!result.ok) return fail(reply, result.error.type);
    if (result.value.applicationCreated) {
      return { registration_created: true, verify_email_sent: false };
    }
    const jwt = await issueToken(api, request, result.value.account.person.id);
    setAuthCookie(api, reply, jwt);
    return { jwt, registration_created: false, verify_email_sent: false };
  });

  app.post("/user/login", { config: api.rateLimit("login") }, async (request, reply) => {
    const input = parseInput(Login, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await authenticate(db, input.value.username_or_email, input.value.password);
    if (!result.ok) {
      switch (result.error.type) {
        case "incorrect_login":
        case "registration_application_is_pending":
        case "deleted":
          return fail(reply, result.error.type);
        case "registration_denied":
          return fail(reply, "registration_denied", result.error.reason ?? undefined);
        default:
          return exhaustiveCheck(result.error);
      }
    }
    const jwt = await issueToken(api, request, result.value.person.id);
    setAuthCookie(api, reply, jwt);
    return { jwt, registration_created: false, verify_email_sent: false };
  });

  app.post("/user/logout", async (request, reply) => {
    const token = tokenOf(request);
    if (token) await revokeLoginToken(db, token);
    reply.clearCookie(AUTH_COOKIE, { path: "/" });
    return { success: true };
  });
}
