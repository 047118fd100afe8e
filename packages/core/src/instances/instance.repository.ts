import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";

/** The id of the instance row for host, created on first sight. */
export async function ensureInstance(db: DbLike, host: string): Promise<string> {
  const normalized = host.toLowerCase();
  const existing = await db.selectFrom("instances").select("id").where("host", "=", normalized).executeTakeFirst();
  if (existing) return existing.id;
  const inserted = await db
    .insertInto("instances")
    .values({ host: normalized })
    .onConflict((oc) => oc.column("host").doUpdateSet({ host: normalized }))
    .returning("id")
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/** Someone on a remote instance to deliver to: the actor and its inboxes. */
export interface InstanceInbox {
  apId: string;
  inboxUrl: string;
  sharedInboxUrl: string | null;
}

/**
 * One inbox on every remote instance known here (through any person or community stored from
 * it), a shared inbox where one is known: where activities for all instances go, as Lemmy sends
 * a site ban to all the instances it knows.
 */
export async function listInstanceInboxes(db: DbLike): Promise<InstanceInbox[]> {
  const result = await sql<InstanceInbox>`
    select distinct on (instance_id) ap_id as "apId", inbox_url as "inboxUrl", shared_inbox_url as "sharedInboxUrl"
    from (
      select instance_id, ap_id, inbox_url, shared_inbox_url from persons where not local
      union all
      select instance_id, ap_id, inbox_url, shared_inbox_url from communities where not local
    ) as actors
    order by instance_id, shared_inbox_url is null, ap_id`.execute(db);
  return result.rows;
}
