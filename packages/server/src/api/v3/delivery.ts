// GET /api/v3/admin/federation/delivery: delivery health per receiving server, for admins
// (docs/api.md, "Federation delivery health"). Not a Lemmy call; shaped like Lemmy's admin views.
import { getDeliveryHealth } from "@plenum/federation";
import type { FastifyInstance } from "fastify";
import { fail } from "../errors.ts";
import type { ApiContext } from "./context.ts";
import { isoOrUndefined } from "./serialize.ts";

export function registerDeliveryRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;

  app.get("/admin/federation/delivery", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    if (!me.localUser.admin) return fail(reply, "not_an_admin");
    const servers = await getDeliveryHealth(db);
    return {
      instances: servers.map((server) => ({
        host: server.host,
        last_success: isoOrUndefined(server.lastSuccessAt),
        last_failure: isoOrUndefined(server.lastFailureAt),
        last_error: server.lastError ?? undefined,
        consecutive_failures: server.consecutiveFailures,
        failing_since: isoOrUndefined(server.failingSince),
        total_successes: server.totalSuccesses,
        total_failures: server.totalFailures,
        skipped: server.skippedDeliveries,
        backlog: server.backlog,
        dead: server.dead,
        dead_since: isoOrUndefined(server.deadSince),
        next_probe: isoOrUndefined(server.nextProbeAt),
      })),
    };
  });
}
