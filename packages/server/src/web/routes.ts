// The server-rendered web UI: security headers, CSRF, assets and pages.
import csrfProtection from "@fastify/csrf-protection";
import helmet from "@fastify/helmet";
import { ASSETS, renderMessagePage } from "@plenum/web";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { registerAccountPages } from "./account-pages.ts";
import { registerActions } from "./actions.ts";
import { registerContentPages } from "./content-pages.ts";
import { pageRequest, sendPage } from "./context.ts";
import { registerDeliveryPages } from "./delivery-pages.ts";
import { registerFeeds } from "./feeds.ts";
import { registerMegathreadPages } from "./megathread-pages.ts";
import { registerModerationPages } from "./moderation-pages.ts";

/** Hashed asset names change with their content, so browsers may keep them for a year. */
const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

export async function registerWeb(app: FastifyInstance, api: ApiContext): Promise<void> {
  const { runtime } = api;
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
      const page = renderMessagePage(ctx, {
        title: "Form expired",
        message: "This form has expired. Go back, reload the page and try again.",
      });
      return sendPage(reply, page, 403);
    }
    throw error;
  });

  for (const asset of ASSETS) {
    app.get(asset.path, async (_request, reply) =>
      reply.type(asset.contentType).header("cache-control", ASSET_CACHE_CONTROL).send(asset.body),
    );
  }

  registerAccountPages(app, api);
  registerContentPages(app, api);
  registerActions(app, api);
  registerFeeds(app, api);
  registerMegathreadPages(app, api);
  registerModerationPages(app, api);
  registerDeliveryPages(app, api);
}
