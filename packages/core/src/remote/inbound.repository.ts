// What inbound federation remembers: ids of activities already applied, tombstones of objects
// deleted before they arrived, and votes found by the id of the activity that cast them.
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { VoteTarget } from "../votes/vote.service.ts";

/**
 * How long applied activity ids and tombstones are kept. Senders retry for about a day (Lemmy,
 * Mastodon and Fedify back off over hours; Mastodon keeps its tombstones 6 hours); a week covers
 * late retries and slow relays by a wide margin while bounding the tables.
 */
export const INBOUND_STATE_RETENTION_MS = 7 * 24 * 3600_000;

export async function wasActivityReceived(db: DbLike, apId: string): Promise<boolean> {
  const row = await db.selectFrom("received_activities").select("ap_id").where("ap_id", "=", apId).executeTakeFirst();
  return row !== undefined;
}

/** Records an applied activity; false if it was recorded already (a concurrent duplicate). */
export async function markActivityReceived(db: DbLike, apId: string): Promise<boolean> {
  const inserted = await db
    .insertInto("received_activities")
    .values({ ap_id: apId })
    .onConflict((oc) => oc.column("ap_id").doNothing())
    .returning("ap_id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Forgets applied activity ids and tombstones older than the retention; the worker calls this
 *  periodically. */
export async function purgeInboundState(
  db: DbLike,
  olderThan: Date = new Date(Date.now() - INBOUND_STATE_RETENTION_MS),
): Promise<number> {
  const activities = await db.deleteFrom("received_activities").where("received_at", "<", olderThan).executeTakeFirst();
  const tombstones = await db.deleteFrom("tombstones").where("deleted_at", "<", olderThan).executeTakeFirst();
  return Number(activities.numDeletedRows) + Number(tombstones.numDeletedRows);
}

export async function hasTombstone(db: DbLike, apId: string): Promise<boolean> {
  const row = await db.selectFrom("tombstones").select("ap_id").where("ap_id", "=", apId).executeTakeFirst();
  return row !== undefined;
}

/** Leaves a tombstone for an object deleted before it arrived (idempotent). */
export async function addTombstone(db: DbLike, apId: string, deletedBy: string): Promise<void> {
  await db
    .insertInto("tombstones")
    .values({ ap_id: apId, deleted_by: deletedBy })
    .onConflict((oc) => oc.column("ap_id").doNothing())
    .execute();
}

/** A vote by the id of the Like or Dislike that cast it. */
export async function findVoteByApId(
  db: DbLike,
  apId: string,
): Promise<{ target: VoteTarget; itemId: string; personId: string } | undefined> {
  const result = await sql<{ target: VoteTarget; item_id: string; person_id: string }>`
    select 'post' as target, post_id::text as item_id, person_id::text as person_id from post_votes where ap_id = ${apId}
    union all
    select 'comment', comment_id::text, person_id::text from comment_votes where ap_id = ${apId}
    limit 1`.execute(db);
  const row = result.rows[0];
  return row ? { target: row.target, itemId: row.item_id, personId: row.person_id } : undefined;
}

/** Whether a person's vote on an item stands (an Undo of a vote that is gone changes nothing). */
export async function hasVote(db: DbLike, target: VoteTarget, itemId: string, personId: string): Promise<boolean> {
  const row =
    target === "post"
      ? await db
          .selectFrom("post_votes")
          .select("person_id")
          .where("post_id", "=", itemId)
          .where("person_id", "=", personId)
          .executeTakeFirst()
      : await db
          .selectFrom("comment_votes")
          .select("person_id")
          .where("comment_id", "=", itemId)
          .where("person_id", "=", personId)
          .executeTakeFirst();
  return row !== undefined;
}

/** Forgets applied activity ids, so that the same ids may be applied again (see CompletedActivity.reusable). */
export async function forgetActivitiesReceived(db: DbLike, apIds: readonly string[]): Promise<void> {
  if (apIds.length === 0) return;
  await db.deleteFrom("received_activities").where("ap_id", "in", apIds).execute();
}

/**
 * Whether anyone here follows a community (pending follows count): content of a remote community
 * nobody here follows is not taken in (Lemmy's can_accept_activity_in_community).
 */
export async function hasLocalFollowers(db: DbLike, communityId: string): Promise<boolean> {
  const row = await db
    .selectFrom("community_follows as f")
    .innerJoin("persons as p", "p.id", "f.person_id")
    .where("f.community_id", "=", communityId)
    .where("p.local", "=", true)
    .select("f.person_id")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
