// Log in, sign up, log out and settings as server-rendered forms. Each POST answers a redirect
// on success (post/redirect/get) and re-renders the form with messages and values on error.
import {
  authenticate,
  deleteAccount,
  getSite,
  register,
  revokeLoginToken,
  SORT_TYPES,
  type SortType,
  saveUserSettings,
} from "@plenum/core";
import { renderLoginPage, renderRegisterPage, renderSettingsPage } from "@plenum/web";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AUTH_COOKIE, tokenOf } from "../api/auth.ts";
import type { ApiContext } from "../api/v3/context.ts";
import { issueToken, setAuthCookie } from "../api/v3/user.ts";
import { pageRequest, safeNext, sendPage } from "./context.ts";
import { type Form, field, fields } from "./forms.ts";
import { ERROR_MESSAGES } from "./messages.ts";

const message = (code: string) => ERROR_MESSAGES[code] ?? `Something went wrong (${code}).`;

export function registerAccountPages(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;
  const { db } = runtime.database;
  const csrf = { preHandler: app.csrfProtection };

  app.get<{ Querystring: { next?: string } }>("/login", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    if (viewer) return reply.redirect(safeNext(request.query.next));
    return sendPage(
      reply,
      renderLoginPage(ctx, { usernameOrEmail: "", next: safeNext(request.query.next), errors: [] }),
    );
  });

  app.post("/login", { ...csrf, config: api.rateLimit("login") }, async (request, reply) => {
    const form = request.body as Form;
    const next = safeNext(field(form, "next"));
    const result = await authenticate(db, field(form, "username_or_email"), field(form, "password"));
    if (!result.ok) {
      const { ctx } = await pageRequest(runtime, request, reply);
      const page = renderLoginPage(ctx, {
        usernameOrEmail: field(form, "username_or_email"),
        next,
        errors: [message(result.error.type)],
      });
      return sendPage(reply, page, result.error.type === "incorrect_login" ? 401 : 403);
    }
    setAuthCookie(api, reply, await issueToken(api, request, result.value.person.id));
    return reply.redirect(next, 303);
  });

  app.get("/register", async (request, reply) => {
    const { ctx } = await pageRequest(runtime, request, reply);
    const site = await getSite(db);
    return sendPage(
      reply,
      renderRegisterPage(ctx, {
        username: "",
        email: "",
        answer: "",
        errors: [],
        registrationMode: site.registration_mode,
        applicationQuestion: site.application_question,
      }),
    );
  });

  app.post("/register", { ...csrf, config: api.rateLimit("register") }, async (request, reply) => {
    const form = request.body as Form;
    const site = await getSite(db);
    const result = await register(db, runtime.contextData.urls, site, {
      username: field(form, "username"),
      password: field(form, "password"),
      passwordVerify: field(form, "password_verify"),
      email: field(form, "email") || null,
      answer: field(form, "answer") || null,
    });
    if (result.ok && !result.value.applicationCreated) {
      setAuthCookie(api, reply, await issueToken(api, request, result.value.account.person.id));
      return reply.redirect("/", 303);
    }
    const { ctx } = await pageRequest(runtime, request, reply);
    const page = renderRegisterPage(ctx, {
      username: field(form, "username"),
      email: field(form, "email"),
      answer: field(form, "answer"),
      errors: result.ok ? [] : [message(result.error.type)],
      registrationMode: site.registration_mode,
      applicationQuestion: site.application_question,
      applicationSubmitted: result.ok,
    });
    return sendPage(reply, page, result.ok ? 200 : 400);
  });

  app.post("/logout", csrf, async (request, reply) => {
    const token = tokenOf(request);
    if (token) await revokeLoginToken(db, token);
    reply.clearCookie(AUTH_COOKIE, { path: "/" });
    return reply.redirect("/", 303);
  });

  async function settingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: string[],
    saved: boolean,
    form?: Form,
  ) {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent("/settings")}`);
    const site = await getSite(db);
    const p = viewer.person;
    const u = viewer.localUser;
    const page = renderSettingsPage(ctx, {
      displayName: form ? field(form, "display_name") : (p.display_name ?? ""),
      bio: form ? field(form, "bio") : (p.bio ?? ""),
      avatarUrl: form ? field(form, "avatar") : (p.avatar_url ?? ""),
      bannerUrl: form ? field(form, "banner") : (p.banner_url ?? ""),
      email: form ? field(form, "email") : (u.email ?? ""),
      botAccount: form ? field(form, "bot_account") === "true" : p.bot,
      showNsfw: form ? field(form, "show_nsfw") === "true" : u.show_nsfw,
      pronouns: form ? fields(form, "pronouns") : p.pronouns,
      pronounChoices: site.pronouns,
      defaultSortType: form ? field(form, "default_sort_type") : u.default_sort_type,
      sortTypes: SORT_TYPES,
      errors,
      saved,
    });
    return sendPage(reply, page, errors.length > 0 ? 400 : 200);
  }

  app.get<{ Querystring: { saved?: string } }>("/settings", async (request, reply) =>
    settingsPage(request, reply, [], request.query.saved === "1"),
  );

  app.post("/settings", csrf, async (request, reply) => {
    const viewer = await api.viewer(request);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent("/settings")}`, 303);
    const form = request.body as Form;
    const sort = field(form, "default_sort_type");
    const result = await saveUserSettings(db, await getSite(db), viewer.person.id, {
      displayName: field(form, "display_name"),
      bio: field(form, "bio"),
      avatarUrl: field(form, "avatar"),
      bannerUrl: field(form, "banner"),
      email: field(form, "email"),
      botAccount: field(form, "bot_account") === "true",
      showNsfw: field(form, "show_nsfw") === "true",
      pronouns: fields(form, "pronouns"),
      defaultSortType: (SORT_TYPES as readonly string[]).includes(sort) ? (sort as SortType) : undefined,
    });
    if (!result.ok) return settingsPage(request, reply, [message(result.error.type)], false, form);
    return reply.redirect("/settings?saved=1", 303);
  });

  app.post("/settings/delete_account", csrf, async (request, reply) => {
    const viewer = await api.viewer(request);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent("/settings")}`, 303);
    const form = request.body as Form;
    const result = await deleteAccount(db, viewer.person.id, {
      password: field(form, "password"),
      deleteContent: field(form, "delete_content") === "true",
    });
    if (!result.ok) return settingsPage(request, reply, [message(result.error.type)], false);
    reply.clearCookie(AUTH_COOKIE, { path: "/" });
    return reply.redirect("/", 303);
  });
}
