// What outbound federation remembers: the public activities this instance sent, so each can be
// fetched at its id (federation: sent-activities.ts records them, the object dispatcher serves
// them). Rows are kept SENT_ACTIVITY_RETENTION_MS and then deleted by the worker in batches.
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";

/**
 * How long sent activities stay fetchable, in milliseconds: 7 days, as Lemmy keeps its
 * sent_activity rows (src/scheduled_tasks.rs, clear_old_activities; earlier releases kept 3
 * months). Servers fetch an activity when it reaches them (Mastodon re-fetches the activity an
 * Announce wraps at once); Fedify's retries of a delivery end within hours (10 attempts doubling
 * from 1 s, plus its circuit breaker's 30-minute holds), so a week covers late deliveries by a wide
 * margin. Inbound activity ids are kept as long (INBOUND_STATE_RETENTION_MS).
 */
export const SENT_ACTIVITY_RETENTION_MS = 7 * 24 * 3600_000;

/** Milliseconds between purges of sent activities past the retention (hourly, as Lemmy's
 *  scheduled tasks run; a row lives at most this much longer than the retention). */
export const SENT_ACTIVITY_PURGE_INTERVAL_MS = 60 * 60_000;

/** Rows deleted per statement: Lemmy's DB_BATCH_SIZE (crates/utils/src/lib.rs), 1,000, as in the
 *  rank refresh; each statement holds its locks briefly however many rows are due. */
export const SENT_ACTIVITY_PURGE_BATCH_SIZE = 1000;

export interface SentActivity {
  apId: string;
  /** The complete document as delivered, @context included. */
  activity: Record<string, unknown>;
}

/**
 * Stores activities as sent. An id sent again (the same Announce of a post, when the post is
 * restored) keeps the newer copy and its time.
 */
export async function recordSentActivities(db: DbLike, activities: readonly SentActivity[]): Promise<void> {
  if (activities.length === 0) return;
  await db
    .insertInto("sent_activities")
    .values(activities.map(({ apId, activity }) => ({ ap_id: apId, activity: JSON.stringify(activity) })))
    .onConflict((oc) =>
      oc.column("ap_id").doUpdateSet((eb) => ({ activity: eb.ref("excluded.activity"), sent_at: sql`now()` })),
    )
    .execute();
}

/** A sent activity by its id, or undefined (never sent, or past the retention). */
export async function findSentActivity(db: DbLike, apId: string): Promise<Record<string, unknown> | undefined> {
  const row = await db.selectFrom("sent_activities").select("activity").where("ap_id", "=", apId).executeTakeFirst();
  return row?.activity;
}

/** Deletes sent activities older than `olderThan`, `batchSize` rows per statement; returns how many. */
export async function purgeSentActivities(
  db: DbLike,
  olderThan: Date = new Date(Date.now() - SENT_ACTIVITY_RETENTION_MS),
  batchSize: number = SENT_ACTIVITY_PURGE_BATCH_SIZE,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from sent_activities
      where ap_id in (
        select ap_id from sent_activities where sent_at < ${olderThan} limit ${batchSize}
      )`.execute(db);
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
