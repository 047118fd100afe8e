// The admin's delivery page (/admin/delivery), the page form of GET /api/v3/admin/federation/delivery.
import { getDeliveryHealth } from "@plenum/federation";
import { renderDeliveryPage, renderMessagePage } from "@plenum/web";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { pageRequest, sendPage } from "./context.ts";
import { ERROR_MESSAGES } from "./messages.ts";

export function registerDeliveryPages(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;

  app.get("/admin/delivery", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    if (!viewer.localUser.admin) {
      const message = ERROR_MESSAGES.not_an_admin ?? "Only admins can do that.";
      return sendPage(reply, renderMessagePage(ctx, { title: "Not for you", message }), 403);
    }
    const servers = await getDeliveryHealth(runtime.database.db);
    return sendPage(reply, renderDeliveryPage(ctx, { servers }));
  });
}
