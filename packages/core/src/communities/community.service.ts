import type { Db } from "../db/connect.ts";
import type { CommunityFollowRow, CommunityRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { ensureInstance } from "../instances/instance.repository.ts";
import { createKeyPairs } from "../keys/key-pairs.ts";
import { findLocalPersonByName, findPersonById } from "../persons/person.repository.ts";
import { ACTOR_NAME_PATTERN, isUniqueViolation } from "../persons/person.service.ts";
import { err, ok, type Result } from "../result.ts";
import { hostOf, type LocalUrls } from "../urls.ts";
import {
  addModerator,
  deleteFollow,
  findCommunityById,
  findFollow,
  findLocalCommunityByName,
  insertCommunity,
  upsertFollow,
} from "./community.repository.ts";

/** Lemmy's limit on a community title, in characters. */
export const MAX_COMMUNITY_TITLE_LENGTH = 100;

export type CreateCommunityError =
  | { type: "invalid_name"; name: string }
  | { type: "invalid_title" }
  | { type: "name_taken"; name: string }
  | { type: "moderator_not_found"; name: string };

export interface CreateCommunityInput {
  name: string;
  title: string;
  description?: string | null;
  /** Name of the local person who becomes the first moderator. */
  moderatorName: string;
}

export async function createLocalCommunity(
  db: Db,
  urls: LocalUrls,
  input: CreateCommunityInput,
): Promise<Result<CommunityRow, CreateCommunityError>> {
  const title = input.title.trim();
  if (!ACTOR_NAME_PATTERN.test(input.name)) return err({ type: "invalid_name", name: input.name });
  if (title.length === 0 || title.length > MAX_COMMUNITY_TITLE_LENGTH) return err({ type: "invalid_title" });
  const moderator = await findLocalPersonByName(db, input.moderatorName);
  if (!moderator) return err({ type: "moderator_not_found", name: input.moderatorName });
  if (await findLocalCommunityByName(db, input.name)) return err({ type: "name_taken", name: input.name });
  const apId = urls.community(input.name);
  try {
    const community = await db.transaction().execute(async (trx) => {
      const community = await insertCommunity(trx, {
        ap_id: apId,
        local: true,
        instance_id: await ensureInstance(trx, hostOf(urls.origin)),
        name: input.name,
        title,
        description: input.description ?? null,
        inbox_url: urls.inbox(apId),
        shared_inbox_url: urls.sharedInbox(),
        outbox_url: urls.outbox(apId),
        followers_url: urls.followers(apId),
        moderators_url: urls.moderators(apId),
        featured_url: urls.featured(apId),
      });
      await addModerator(trx, community.id, moderator.id);
      await createKeyPairs(trx, { communityId: community.id });
      return community;
    });
    return ok(community);
  } catch (error) {
    if (isUniqueViolation(error)) return err({ type: "name_taken", name: input.name });
    throw error;
  }
}

export type FollowError = { type: "community_not_found" } | { type: "person_not_found" } | { type: "not_local_person" };

/**
 * A local person follows a community. A local community accepts at once; a remote one is
 * pending until its Accept arrives, and a Follow is sent through the events queue.
 */
export async function followCommunity(
  db: Db,
  urls: LocalUrls,
  personId: string,
  communityId: string,
): Promise<Result<CommunityFollowRow, FollowError>> {
  const [person, community] = await Promise.all([findPersonById(db, personId), findCommunityById(db, communityId)]);
  if (!person) return err({ type: "person_not_found" });
  if (!person.local) return err({ type: "not_local_person" });
  if (!community) return err({ type: "community_not_found" });
  if (community.local) {
    return ok(await upsertFollow(db, { communityId, personId, state: "accepted", followActivityId: null }));
  }
  const existing = await findFollow(db, communityId, personId);
  if (existing?.state === "accepted") return ok(existing);
  // Re-sending a pending Follow is harmless and lets a user retry one that was lost.
  const followActivityId = `${urls.origin}/activities/follow/${crypto.randomUUID()}`;
  const follow = await db.transaction().execute(async (trx) => {
    const follow = await upsertFollow(trx, { communityId, personId, state: "pending", followActivityId });
    await recordEvent(trx, { type: "community_follow_requested", communityId, personId, followActivityId });
    return follow;
  });
  eventsCommitted();
  return ok(follow);
}

export async function unfollowCommunity(db: Db, personId: string, communityId: string): Promise<boolean> {
  const community = await findCommunityById(db, communityId);
  if (!community) return false;
  const removed = await db.transaction().execute(async (trx) => {
    const follow = await findFollow(trx, communityId, personId);
    if (!follow) return false;
    await deleteFollow(trx, communityId, personId);
    if (!community.local) {
      await recordEvent(trx, {
        type: "community_unfollowed",
        communityId,
        personId,
        followActivityId: follow.follow_activity_id,
      });
    }
    return true;
  });
  eventsCommitted();
  return removed;
}

/** The Accept of a remote community arrived for a local person's pending follow. */
export async function markFollowAccepted(db: Db, communityId: string, personId: string): Promise<boolean> {
  const result = await db
    .updateTable("community_follows")
    .set({ state: "accepted", accepted_at: new Date() })
    .where("community_id", "=", communityId)
    .where("person_id", "=", personId)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * A remote person follows a local community: public communities accept at once (as Lemmy does),
 * and the Accept goes out through the events queue.
 */
export async function acceptRemoteFollow(
  db: Db,
  communityId: string,
  personId: string,
  followActivityId: string,
): Promise<CommunityFollowRow> {
  const follow = await db.transaction().execute(async (trx) => {
    const follow = await upsertFollow(trx, { communityId, personId, state: "accepted", followActivityId });
    await recordEvent(trx, { type: "community_follow_accepted", communityId, personId, followActivityId });
    return follow;
  });
  eventsCommitted();
  return follow;
}
