// The server-rendered web UI: security headers, CSRF, assets and pages.
import csrfProtection from "@fastify/csrf-protection";
import helmet from "@fastify/helmet";
import { getLocalCommunityPage, listLocalCommunities } from "@plenum/core";
import { ASSETS, renderCommunityPage, renderHomePage, renderNotFoundPage } from "@plenum/web";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { registerAccountPages } from "./account-pages.ts";
import { pageRequest, sendPage } from "./context.ts";

/** Communities listed on the home page until feeds land. */
const HOME_COMMUNITY_LIMIT = 50;
/** Hashed asset names change with their content, so browsers may keep them for a year. */
const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

export async function registerWeb(app: FastifyInstance, api: ApiContext): Promise<void> {
  const { runtime } = api;
  const { db } = runtime.database;
  const secure = runtime.config.origin.startsWith("https:");

  await app.register(helmet, {
    // No inline scripts or styles anywhere: the one script and stylesheet come from /assets.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "https:", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    // Remote servers and apps fetch our JSON and images; only pages need the strict policies.
    crossOriginResourcePolicy: false,
    hsts: secure,
  });
  await app.register(csrfProtection, {
    cookieOpts: { path: "/", httpOnly: true, sameSite: "strict", secure },
  });
  app.setErrorHandler(async (error: { code?: string; statusCode?: number }, request, reply) => {
    if (error.code?.startsWith("FST_CSRF")) {
      const { ctx } = await pageRequest(runtime, request, reply);
      return sendPage(
        reply,
        renderNotFoundPage(ctx, "This form has expired. Go back, reload the page and try again.").replace(
          "<h1>Not found</h1>",
          "<h1>Form expired</h1>",
        ),
        403,
      );
    }
    throw error;
  });

  for (const asset of ASSETS) {
    app.get(asset.path, async (_request, reply) =>
      reply.type(asset.contentType).header("cache-control", ASSET_CACHE_CONTROL).send(asset.body),
    );
  }

  app.get("/", async (request, reply) => {
    const { ctx } = await pageRequest(runtime, request, reply);
    const communities = await listLocalCommunities(db, HOME_COMMUNITY_LIMIT);
    return sendPage(reply, renderHomePage(ctx, communities));
  });

  app.get<{ Params: { name: string } }>("/c/:name", async (request, reply) => {
    const { ctx } = await pageRequest(runtime, request, reply);
    const view = await getLocalCommunityPage(db, request.params.name);
    reply.header("vary", "Accept");
    if (!view) {
      return sendPage(reply, renderNotFoundPage(ctx, `There is no community called ${request.params.name} here.`), 404);
    }
    return sendPage(reply, renderCommunityPage(ctx, view, new URL(runtime.config.origin).host));
  });

  registerAccountPages(app, api);
}
