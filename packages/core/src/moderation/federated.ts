// Moderation received from other servers (packages/federation/src/inbox/moderation.ts): the same
// changes local moderators make, with the same modlog entries, made on the word of a moderator
// the inbox has already checked. Nothing here checks permissions or records domain events: a
// local community announces what it accepted verbatim (community_activity_received), and what
// a remote community did is not ours to send on.
import { addModerator, isModerator, removeModerator } from "../communities/community.repository.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommentReportRow, CommentRow, PostReportRow, PostRow } from "../db/schema.ts";
import { updatePost } from "../posts/post.repository.ts";
import { writeCommunityBan } from "./bans.ts";
import {
  setContentRemovedByCreator,
  writeCommentRemoval,
  writePostRemoval,
  writeSiteBanAction,
} from "./moderation.service.ts";
import { recordModAction, withModAction } from "./modlog.ts";
import { writeCommentReport, writePostReport } from "./reports.ts";

/** Removes or restores a post or comment; answers whether anything changed. */
export async function applyFederatedRemoval(
  db: Db,
  input: {
    moderatorId: string;
    item: { post: PostRow } | { comment: CommentRow };
    removed: boolean;
    reason: string | null;
  },
): Promise<boolean> {
  const { moderatorId, removed, reason } = input;
  return db.transaction().execute(async (trx) => {
    if ("post" in input.item)
      return (await writePostRemoval(trx, input.item.post, { moderatorId, removed, reason })) !== null;
    const written = await writeCommentRemoval(trx, input.item.comment, { moderatorId, removed, reason });
    return written?.changed ?? false;
  });
}

/** Locks or unlocks a post; a repeat changes nothing and logs nothing. */
export async function applyFederatedLock(
  db: Db,
  input: { moderatorId: string; post: PostRow; locked: boolean; reason: string | null },
): Promise<boolean> {
  const { post } = input;
  if (post.locked === input.locked) return false;
  const entry = {
    action: "ModLockPost" as const,
    modPersonId: input.moderatorId,
    otherPersonId: post.creator_id,
    communityId: post.community_id,
    postId: post.id,
    reason: input.reason,
    state: input.locked,
  };
  await withModAction(db, entry, (trx) => updatePost(trx, post.id, { locked: input.locked }));
  return true;
}

/** Pins a post in its community or unpins it; a repeat changes nothing and logs nothing. */
export async function applyFederatedFeature(
  db: Db,
  input: { moderatorId: string; post: PostRow; featured: boolean },
): Promise<boolean> {
  const { post } = input;
  if (post.featured_community === input.featured) return false;
  const entry = {
    action: "ModFeaturePost" as const,
    modPersonId: input.moderatorId,
    otherPersonId: post.creator_id,
    communityId: post.community_id,
    postId: post.id,
    featuredCommunity: true,
    state: input.featured,
  };
  await withModAction(db, entry, (trx) => updatePost(trx, post.id, { featured_community: input.featured }));
  return true;
}

/** Appoints or dismisses a moderator; a repeat changes nothing and logs nothing. */
export async function applyFederatedModerator(
  db: Db,
  input: { moderatorId: string; communityId: string; personId: string; added: boolean },
): Promise<boolean> {
  if ((await isModerator(db, input.communityId, input.personId)) === input.added) return false;
  const entry = {
    action: "ModAddCommunity" as const,
    modPersonId: input.moderatorId,
    otherPersonId: input.personId,
    communityId: input.communityId,
    state: input.added,
  };
  await withModAction(db, entry, (trx) =>
    input.added
      ? addModerator(trx, input.communityId, input.personId)
      : removeModerator(trx, input.communityId, input.personId),
  );
  return true;
}

/**
 * Makes a remote community's moderators here the ones its server lists (its moderators
 * collection), in that order: the first is its top moderator. Not logged: nobody acted here.
 */
export async function replaceRemoteModerators(db: Db, communityId: string, personIds: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("community_moderators").where("community_id", "=", communityId).execute();
    const start = Date.now();
    const unique = [...new Set(personIds)];
    if (unique.length === 0) return;
    await trx
      .insertInto("community_moderators")
      .values(
        // Appointment times keep the collection's order (the first is the top moderator).
        unique.map((personId, index) => ({
          community_id: communityId,
          person_id: personId,
          created_at: new Date(start + index),
        })),
      )
      .execute();
  });
}

/** Bans a person from a community or lifts the ban, with the modlog entry, as a local moderator would. */
export async function applyFederatedBan(
  db: Db,
  input: {
    moderatorId: string;
    communityId: string;
    personId: string;
    ban: boolean;
    reason: string | null;
    expiresAt: Date | null;
    removeData: boolean;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await writeCommunityBan(trx, {
      communityId: input.communityId,
      personId: input.personId,
      ban: input.ban,
      bannedBy: input.moderatorId,
      reason: input.reason,
      expiresAt: input.ban ? input.expiresAt : null,
    });
    await recordModAction(trx, {
      action: "ModBanFromCommunity",
      modPersonId: input.moderatorId,
      otherPersonId: input.personId,
      communityId: input.communityId,
      reason: input.reason,
      expiresAt: input.ban ? input.expiresAt : null,
      state: input.ban,
    });
    // A banned moderator stops being one, as on Lemmy, logged as a local ban's demotion is.
    if (input.ban && (await isModerator(trx, input.communityId, input.personId))) {
      await removeModerator(trx, input.communityId, input.personId);
      await recordModAction(trx, {
        action: "ModAddCommunity",
        modPersonId: input.moderatorId,
        otherPersonId: input.personId,
        communityId: input.communityId,
        state: false,
      });
    }
    if (input.removeData) {
      await setContentRemovedByCreator(trx, {
        creatorId: input.personId,
        communityId: input.communityId,
        removed: input.ban,
      });
    }
  });
}

/** A report from another server's member (Flag) into the community's queue. */
export async function applyFederatedReport(
  db: DbLike,
  input: { reporterId: string; item: { post: PostRow } | { comment: CommentRow }; reason: string },
): Promise<PostReportRow | CommentReportRow> {
  const { reporterId, reason } = input;
  return "post" in input.item
    ? writePostReport(db, { reporterId, post: input.item.post, reason })
    : writeCommentReport(db, { reporterId, comment: input.item.comment, reason });
}

/**
 * Bans a remote person here as their own instance's admin banned them there (a site ban), or
 * lifts it, with the modlog entry (ModBan) naming that admin. `removeData` removes (or, lifting
 * the ban, restores) everything they wrote that is stored here, as Lemmy does for a person
 * banned by their home instance.
 */
export async function applyFederatedSiteBan(
  db: Db,
  input: {
    adminId: string;
    personId: string;
    ban: boolean;
    reason: string | null;
    expiresAt: Date | null;
    removeData: boolean;
  },
): Promise<void> {
  await db.transaction().execute((trx) => writeSiteBanAction(trx, input));
}

/**
 * Resolves a person's report about a post or comment on the word of a moderator of another server
 * (Resolve, Lemmy 1.0); answers whether there was an open one. Reports are matched by reporter and
 * item, as Lemmy does: the Flag inside a Resolve is a regenerated copy.
 */
export async function applyFederatedReportResolution(
  db: DbLike,
  input: { resolverId: string; reporterId: string; item: { post: PostRow } | { comment: CommentRow } },
): Promise<boolean> {
  const changes = { resolved: true, resolver_id: input.resolverId, updated_at: new Date() };
  const result =
    "post" in input.item
      ? await db
          .updateTable("post_reports")
          .set(changes)
          .where("post_id", "=", input.item.post.id)
          .where("creator_id", "=", input.reporterId)
          .where("resolved", "=", false)
          .executeTakeFirst()
      : await db
          .updateTable("comment_reports")
          .set(changes)
          .where("comment_id", "=", input.item.comment.id)
          .where("creator_id", "=", input.reporterId)
          .where("resolved", "=", false)
          .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
