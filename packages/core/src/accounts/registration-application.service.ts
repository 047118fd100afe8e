// Registration applications: with registration mode RequireApplication, a new account waits
// until an admin approves (it can log in) or denies (login says why).
import type { Db, DbLike } from "../db/connect.ts";
import type { RegistrationApplicationRow } from "../db/schema.ts";
import { err, ok, type Result } from "../result.ts";

export async function listRegistrationApplications(
  db: DbLike,
  options: { unreadOnly: boolean; limit: number; offset: number },
): Promise<RegistrationApplicationRow[]> {
  return db
    .selectFrom("registration_applications")
    .selectAll()
    .$if(options.unreadOnly, (q) => q.where("admin_id", "is", null))
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}

export async function countUnreadRegistrationApplications(db: DbLike): Promise<number> {
  const row = await db
    .selectFrom("registration_applications")
    .where("admin_id", "is", null)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findRegistrationApplication(db: DbLike, id: string) {
  return db.selectFrom("registration_applications").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Approves (the account may log in) or denies (with an optional reason) an application. */
export async function decideRegistrationApplication(
  db: Db,
  input: { id: string; adminId: string; approve: boolean; denyReason?: string | null },
): Promise<Result<RegistrationApplicationRow, { type: "couldnt_find_registration_application" }>> {
  return db.transaction().execute(async (trx) => {
    const application = await trx
      .updateTable("registration_applications")
      .set({ admin_id: input.adminId, deny_reason: input.approve ? null : (input.denyReason ?? null) })
      .where("id", "=", input.id)
      .returningAll()
      .executeTakeFirst();
    if (!application) return err({ type: "couldnt_find_registration_application" as const });
    await trx
      .updateTable("local_users")
      .set({ accepted_application: input.approve })
      .where("person_id", "=", application.person_id)
      .execute();
    return ok(application);
  });
}
