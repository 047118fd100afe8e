// What every page needs: the site's name, who is looking, and a CSRF token for its forms.
import { getCachedSite, type LocalAccount, moderatesAnything } from "@plenum/core";
import type { PageContext } from "@plenum/web";
import type { FastifyReply, FastifyRequest } from "fastify";
import { viewerOf } from "../api/auth.ts";
import type { Runtime } from "../runtime.ts";

export interface PageRequest {
  ctx: PageContext;
  viewer: LocalAccount | null;
}

export async function pageRequest(
  runtime: Runtime,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PageRequest> {
  const [site, viewer] = await Promise.all([getCachedSite(runtime.database.db), viewerOf(runtime, request)]);
  const moderator = viewer ? await moderatesAnything(runtime.database.db, viewer) : false;
  return {
    viewer,
    ctx: {
      siteName: site.name,
      viewer: viewer
        ? {
            name: viewer.person.name,
            displayName: viewer.person.display_name,
            admin: viewer.localUser.admin,
            moderator,
          }
        : null,
      csrfToken: reply.generateCsrf(),
      path: request.url,
    },
  };
}

/** A local path to return to after a form, never another site (no open redirects). */
export function safeNext(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}

export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(html);
}
