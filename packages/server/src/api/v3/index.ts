// Lemmy API v3 under /api/v3, as lemmy-js-client 0.19 speaks it. docs/api.md lists every call
// and every difference from Lemmy.
import type { FastifyInstance } from "fastify";
import { fail } from "../errors.ts";
import { registerAdminRoutes } from "./admin.ts";
import { registerBlockRoutes } from "./block.ts";
import { registerCommentRoutes } from "./comment.ts";
import { registerCommunityRoutes } from "./community.ts";
import type { ApiContext } from "./context.ts";
import { registerDeliveryRoutes } from "./delivery.ts";
import { registerMegathreadRoutes } from "./megathread.ts";
import { registerModerationRoutes } from "./moderation.ts";
import { registerPostRoutes } from "./post.ts";
import { registerResolveRoutes } from "./resolve.ts";
import { registerSearchRoutes } from "./search.ts";
import { registerSiteRoutes } from "./site.ts";
import { registerUserRoutes } from "./user.ts";

export async function registerApiV3(app: FastifyInstance, context: ApiContext): Promise<void> {
  await app.register(
    async (api) => {
      // Unknown fields and malformed JSON get Lemmy-style errors too.
      api.setNotFoundHandler((_request, reply) => fail(reply, "not_found"));
      api.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
        if (error.statusCode === 429) return reply.code(429).send({ error: "rate_limit_error" });
        if (error.statusCode === 413) return fail(reply, "payload_too_large");
        if (error.statusCode && error.statusCode < 500) return fail(reply, "invalid_request", error.message);
        request.log.error({ err: error }, "API handler failed");
        return reply.code(500).send({ error: "internal_server_error" });
      });
      registerUserRoutes(api, context);
      registerSiteRoutes(api, context);
      registerAdminRoutes(api, context);
      registerCommentRoutes(api, context);
      registerCommunityRoutes(api, context);
      registerPostRoutes(api, context);
      registerResolveRoutes(api, context);
      registerMegathreadRoutes(api, context);
      registerBlockRoutes(api, context);
      registerSearchRoutes(api, context);
      registerModerationRoutes(api, context);
      registerDeliveryRoutes(api, context);
    },
    { prefix: "/api/v3" },
  );
}
