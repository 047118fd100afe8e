import type { LocalAccount } from "@plenum/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RateLimitedAction } from "../../config.ts";
import type { Runtime } from "../../runtime.ts";
import { viewerOf } from "../auth.ts";
import { fail } from "../errors.ts";

/** Route config for @fastify/rate-limit; without `rateLimit` a route is not limited. */
export interface RouteRateLimit {
  rateLimit?: { max: number; timeWindow: number };
}

/** What every API route module gets. */
export interface ApiContext {
  runtime: Runtime;
  /** Route config that applies the configured per-IP limit of an action (none when limits are off). */
  rateLimit(action: RateLimitedAction): RouteRateLimit;
  /** The logged-in account, or null. */
  viewer(request: FastifyRequest): Promise<LocalAccount | null>;
  /**
   * The logged-in account, or null after answering `not_logged_in`; use as
   * `const me = await api.requireViewer(request, reply); if (!me) return reply;`
   */
  requireViewer(request: FastifyRequest, reply: FastifyReply): Promise<LocalAccount | null>;
}

export function createApiContext(runtime: Runtime): ApiContext {
  return {
    runtime,
    rateLimit(action) {
      const limit = runtime.config.rateLimits?.[action];
      return limit ? { rateLimit: { max: limit.max, timeWindow: limit.perSeconds * 1000 } } : {};
    },
    viewer: (request) => viewerOf(runtime, request),
    async requireViewer(request, reply) {
      const viewer = await viewerOf(runtime, request);
      if (!viewer) fail(reply, "not_logged_in");
      return viewer;
    },
  };
}
