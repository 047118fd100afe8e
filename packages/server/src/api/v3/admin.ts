// /api/v3/admin: registration applications.
import {
  countUnreadRegistrationApplications,
  decideRegistrationApplication,
  findLocalAccount,
  findPersonById,
  findRegistrationApplication,
  listRegistrationApplications,
  type RegistrationApplicationRow,
} from "@plenum/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { iso, num, opt, toApiLocalUser, toApiPerson } from "./serialize.ts";

/** Applications per page when the client does not say (Lemmy's default page size). */
const DEFAULT_LIMIT = 20;

const ListApplications = z.object({
  unread_only: z.stringbool().optional(),
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

const Approve = z.object({
  id: z.number().int().positive(),
  approve: z.boolean(),
  deny_reason: z.string().max(1000).optional(),
});

export function registerAdminRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;

  async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
    const me = await api.requireViewer(request, reply);
    if (!me) return null;
    if (!me.localUser.admin) {
      fail(reply, "not_an_admin");
      return null;
    }
    return me;
  }

  async function toView(application: RegistrationApplicationRow) {
    const [creator, admin] = await Promise.all([
      findLocalAccount(db, application.person_id),
      application.admin_id ? findPersonById(db, application.admin_id) : undefined,
    ]);
    if (!creator) throw new Error(`application ${application.id} has no account`);
    return {
      registration_application: {
        id: num(application.id),
        local_user_id: num(application.person_id),
        answer: application.answer,
        admin_id: application.admin_id ? num(application.admin_id) : undefined,
        deny_reason: opt(application.deny_reason),
        published: iso(application.published_at),
      },
      creator_local_user: toApiLocalUser(creator),
      creator: toApiPerson(creator.person),
      admin: admin ? toApiPerson(admin) : undefined,
    };
  }

  app.get("/admin/registration_application/count", async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    return { registration_applications: await countUnreadRegistrationApplications(db) };
  });

  app.get("/admin/registration_application/list", async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const input = parseInput(ListApplications, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const limit = input.value.limit ?? DEFAULT_LIMIT;
    const rows = await listRegistrationApplications(db, {
      unreadOnly: input.value.unread_only ?? false,
      limit,
      offset: ((input.value.page ?? 1) - 1) * limit,
    });
    return { registration_applications: await Promise.all(rows.map(toView)) };
  });

  app.get("/admin/registration_application", async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const input = parseInput(z.object({ person_id: z.coerce.number().int().positive() }), request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const row = await db
      .selectFrom("registration_applications")
      .selectAll()
      .where("person_id", "=", String(input.value.person_id))
      .executeTakeFirst();
    if (!row) return fail(reply, "couldnt_find_registration_application");
    return { registration_application: await toView(row) };
  });

  app.put("/admin/registration_application/approve", async (request, reply) => {
    const me = await requireAdmin(request, reply);
    if (!me) return reply;
    const input = parseInput(Approve, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    if (!(await findRegistrationApplication(db, String(input.value.id)))) {
      return fail(reply, "couldnt_find_registration_application");
    }
    const result = await decideRegistrationApplication(db, {
      id: String(input.value.id),
      adminId: me.person.id,
      approve: input.value.approve,
      denyReason: input.value.deny_reason ?? null,
    });
    if (!result.ok) return fail(reply, result.error.type);
    return { registration_application: await toView(result.value) };
  });
}
