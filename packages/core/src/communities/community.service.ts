import type { LocalAccount } from "../accounts/account.service.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommunityFollowRow, CommunityRow, CommunityUpdate, SiteRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { ensureInstance } from "../instances/instance.repository.ts";
import { createKeyPairs } from "../keys/key-pairs.ts";
import { parseHttpUrl } from "../links/http-url.ts";
import { type BanError, checkBan } from "../moderation/bans.ts";
import { withModAction } from "../moderation/modlog.ts";
import { findLocalPersonByName, findPersonById } from "../persons/person.repository.ts";
import { ACTOR_NAME_PATTERN, isUniqueViolation } from "../persons/person.service.ts";
import { err, exhaustiveCheck, ok, type Result } from "../result.ts";
import { hostOf, type LocalUrls } from "../urls.ts";
import {
  addModerator,
  deleteFollow,
  findCommunityById,
  findFollow,
  findLocalCommunityByName,
  insertCommunity,
  isModerator,
  removeModerator,
  updateCommunity,
  upsertFollow,
} from "./community.repository.ts";

/** Lemmy's limit on a community title, in characters. */
export const MAX_COMMUNITY_TITLE_LENGTH = 100;
/**
 * Longest description and sidebar, in characters: Lemmy 0.19's limit for Markdown fields other
 * than post bodies. Lemmy 0.19 clients edit the sidebar through `description`, so it cannot be
 * held to a one-line summary's length.
 */
export const MAX_COMMUNITY_TEXT_LENGTH = 10_000;

export type CreateCommunityError =
  | { type: "invalid_name"; name: string }
  | { type: "invalid_title" }
  | { type: "name_taken"; name: string }
  | { type: "moderator_not_found"; name: string };

export interface CreateCommunityInput {
  name: string;
  title: string;
  description?: string | null;
  sidebar?: string | null;
  iconUrl?: string | null;
  bannerUrl?: string | null;
  nsfw?: boolean;
  postingRestrictedToMods?: boolean;
  /** Name of the local person who becomes the first moderator. */
  moderatorName: string;
  /** The moderator also follows the community (as Lemmy's createCommunity does). */
  moderatorFollows?: boolean;
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
        sidebar: input.sidebar ?? null,
        icon_url: input.iconUrl ?? null,
        banner_url: input.bannerUrl ?? null,
        nsfw: input.nsfw ?? false,
        posting_restricted_to_mods: input.postingRestrictedToMods ?? false,
        inbox_url: urls.inbox(apId),
        shared_inbox_url: urls.sharedInbox(),
        outbox_url: urls.outbox(apId),
        followers_url: urls.followers(apId),
        moderators_url: urls.moderators(apId),
        featured_url: urls.featured(apId),
      });
      await addModerator(trx, community.id, moderator.id);
      if (input.moderatorFollows) {
        await upsertFollow(trx, {
          communityId: community.id,
          personId: moderator.id,
          state: "accepted",
          followActivityId: null,
        });
      }
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

// ---- The API's community calls: site policy, permissions and Lemmy's error codes. ----

export type CommunitySettingsError =
  | { type: "invalid_community_title" }
  | { type: "invalid_body_field"; field: "description" | "sidebar" }
  | { type: "invalid_url"; field: "icon" | "banner" }
  | { type: "nsfw_not_allowed" };

export type CreateCommunityApiError =
  | CommunitySettingsError
  | { type: "only_admins_can_create_communities" }
  | { type: "invalid_name" }
  | { type: "community_already_exists" }
  | BanError;

/**
 * Community settings as a caller gives them: undefined leaves a field alone (on edit), and an
 * empty string clears an optional one, as in Lemmy.
 */
export interface CommunitySettingsInput {
  title?: string;
  description?: string;
  sidebar?: string;
  icon?: string;
  banner?: string;
  nsfw?: boolean;
  postingRestrictedToMods?: boolean;
}

/** Checks settings against Lemmy's limits and the site's policy; returns the columns to write. */
function checkCommunitySettings(
  site: SiteRow,
  input: CommunitySettingsInput,
): Result<CommunityUpdate, CommunitySettingsError> {
  const changes: CommunityUpdate = {};
  if (input.title !== undefined) {
    const title = input.title.trim();
    if (title.length === 0 || [...title].length > MAX_COMMUNITY_TITLE_LENGTH) {
      return err({ type: "invalid_community_title" });
    }
    changes.title = title;
  }
  for (const field of ["description", "sidebar"] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if ([...value].length > MAX_COMMUNITY_TEXT_LENGTH) return err({ type: "invalid_body_field", field });
    changes[field] = value.trim() === "" ? null : value;
  }
  for (const [field, column] of [
    ["icon", "icon_url"],
    ["banner", "banner_url"],
  ] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value.trim() === "") {
      changes[column] = null;
      continue;
    }
    const url = parseHttpUrl(value);
    if (!url) return err({ type: "invalid_url", field });
    changes[column] = url;
  }
  if (input.nsfw !== undefined) {
    if (input.nsfw && !site.enable_nsfw) return err({ type: "nsfw_not_allowed" });
    changes.nsfw = input.nsfw;
  }
  if (input.postingRestrictedToMods !== undefined) changes.posting_restricted_to_mods = input.postingRestrictedToMods;
  return ok(changes);
}

/**
 * A local member creates a community, becomes its first moderator and follows it, as on Lemmy.
 * Follows the site's policy (community_creation_admin_only, enable_nsfw).
 */
export async function createCommunity(
  db: Db,
  urls: LocalUrls,
  site: SiteRow,
  actor: LocalAccount,
  input: CommunitySettingsInput & { name: string; title: string },
): Promise<Result<CommunityRow, CreateCommunityApiError>> {
  if (site.community_creation_admin_only && !actor.localUser.admin) {
    return err({ type: "only_admins_can_create_communities" });
  }
  const ban = await checkBan(db, actor.person.id, null);
  if (ban) return err(ban);
  if (!ACTOR_NAME_PATTERN.test(input.name)) return err({ type: "invalid_name" });
  const checked = checkCommunitySettings(site, input);
  if (!checked.ok) return checked;
  const settings = checked.value;
  const created = await createLocalCommunity(db, urls, {
    name: input.name,
    title: settings.title ?? input.title,
    description: settings.description ?? null,
    sidebar: settings.sidebar ?? null,
    iconUrl: settings.icon_url ?? null,
    bannerUrl: settings.banner_url ?? null,
    nsfw: settings.nsfw ?? false,
    postingRestrictedToMods: settings.posting_restricted_to_mods ?? false,
    moderatorName: actor.person.name,
    moderatorFollows: true,
  });
  if (created.ok) return created;
  switch (created.error.type) {
    case "invalid_name":
      return err({ type: "invalid_name" });
    case "invalid_title":
      return err({ type: "invalid_community_title" });
    case "name_taken":
      return err({ type: "community_already_exists" });
    case "moderator_not_found":
      // The actor is a logged-in local account, so this is a bug, not an expected failure.
      throw new Error(`local account ${actor.person.name} has no person row`);
    default:
      return exhaustiveCheck(created.error);
  }
}

/** Whether a local account may moderate a community: one of its moderators, or an admin. */
export async function canModerate(db: DbLike, actor: LocalAccount, communityId: string): Promise<boolean> {
  return actor.localUser.admin || (await isModerator(db, communityId, actor.person.id));
}

export type EditCommunityError =
  | CommunitySettingsError
  | { type: "couldnt_find_community" }
  | { type: "object_not_local" }
  | { type: "not_a_mod_or_admin" };

/** A moderator or admin changes a local community's settings; its followers' servers are told (Update(Group)). */
export async function editCommunity(
  db: Db,
  site: SiteRow,
  actor: LocalAccount,
  communityId: string,
  input: CommunitySettingsInput,
): Promise<Result<CommunityRow, EditCommunityError>> {
  const community = await findCommunityById(db, communityId);
  if (!community) return err({ type: "couldnt_find_community" });
  // Changes to a remote community would have to be sent to its instance (not yet supported).
  if (!community.local) return err({ type: "object_not_local" });
  if (!(await canModerate(db, actor, communityId))) return err({ type: "not_a_mod_or_admin" });
  const checked = checkCommunitySettings(site, input);
  if (!checked.ok) return checked;
  const updated = await db.transaction().execute(async (trx) => {
    const row = await updateCommunity(trx, communityId, { ...checked.value, updated_at: new Date() });
    await recordEvent(trx, { type: "community_updated", communityId, actorId: actor.person.id });
    return row;
  });
  eventsCommitted();
  return ok(updated);
}

export type SetModeratorError =
  | { type: "couldnt_find_community" }
  | { type: "couldnt_find_person" }
  | { type: "object_not_local" }
  | { type: "not_a_mod_or_admin" };

/**
 * A moderator or admin appoints or removes a moderator of a local community. Idempotent:
 * adding a moderator twice or removing a non-moderator changes nothing.
 */
export async function setCommunityModerator(
  db: Db,
  actor: LocalAccount,
  input: { communityId: string; personId: string; added: boolean },
): Promise<Result<void, SetModeratorError>> {
  const [community, person] = await Promise.all([
    findCommunityById(db, input.communityId),
    findPersonById(db, input.personId),
  ]);
  if (!community) return err({ type: "couldnt_find_community" });
  if (!community.local) return err({ type: "object_not_local" });
  if (!(await canModerate(db, actor, community.id))) return err({ type: "not_a_mod_or_admin" });
  if (!person || person.deleted) return err({ type: "couldnt_find_person" });
  // Logged in the modlog when something changes (ModAddCommunity).
  if ((await isModerator(db, community.id, person.id)) === input.added) return ok(undefined);
  const entry = { action: "ModAddCommunity" as const, modPersonId: actor.person.id, otherPersonId: person.id };
  await withModAction(db, { ...entry, communityId: community.id, state: input.added }, async (trx) => {
    await (input.added ? addModerator(trx, community.id, person.id) : removeModerator(trx, community.id, person.id));
    await recordEvent(trx, {
      type: "moderation_action",
      communityId: community.id,
      actorId: actor.person.id,
      action: { kind: "moderator", personId: person.id, added: input.added },
    });
  });
  eventsCommitted();
  return ok(undefined);
}

export type SetFollowError = { type: "couldnt_find_community" };

/**
 * A local account follows (or stops following) a community through followCommunity and
 * unfollowCommunity. Deleted and removed communities cannot be followed; leaving them works.
 */
export async function setCommunityFollow(
  db: Db,
  urls: LocalUrls,
  actor: LocalAccount,
  communityId: string,
  follow: boolean,
): Promise<Result<void, SetFollowError>> {
  const community = await findCommunityById(db, communityId);
  if (!community) return err({ type: "couldnt_find_community" });
  if (!follow) {
    await unfollowCommunity(db, actor.person.id, communityId);
    return ok(undefined);
  }
  if (community.deleted || community.removed) return err({ type: "couldnt_find_community" });
  const followed = await followCommunity(db, urls, actor.person.id, communityId);
  if (followed.ok) return ok(undefined);
  switch (followed.error.type) {
    case "community_not_found":
      return err({ type: "couldnt_find_community" });
    case "person_not_found":
    case "not_local_person":
      throw new Error(`local account ${actor.person.id} cannot follow: ${followed.error.type}`);
    default:
      return exhaustiveCheck(followed.error);
  }
}
