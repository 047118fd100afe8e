// Moderators' and admins' actions on content and people: remove and restore posts, comments and
// communities, ban from a community or the site (optionally removing the person's content), and
// hand a community to a new top moderator. Each action and its modlog entry commit together.
// Error types are Lemmy's codes, so the API passes them on unchanged.
//
// Removal is soft, like deletion: the row stays (a removed comment keeps its place in its thread,
// shown as "removed by moderator"), it leaves listings and counters, and restoring brings it
// back. Only a purge (admin.service.ts) deletes rows. Removing something also resolves the open
// reports about it, as Lemmy 0.19 does.
import { sql } from "kysely";
import type { LocalAccount } from "../accounts/account.service.ts";
import {
  adjustCommentCounters,
  findCommentById,
  findCommentForUpdate,
  lockPostForComment,
  updateComment,
} from "../comments/comment.repository.ts";
import { findCommunityById, isModerator, removeModerator } from "../communities/community.repository.ts";
import { canModerate } from "../communities/community.service.ts";
import { listModeratorPersons } from "../communities/community.view.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommentRow, CommunityRow, PersonRow, PostRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { findPersonById } from "../persons/person.repository.ts";
import { addToPostCounters, findPostById } from "../posts/post.repository.ts";
import { err, ok, type Result } from "../result.ts";
import { writeCommunityBan, writeSiteBan } from "./bans.ts";
import { cleanReason, recordModAction } from "./modlog.ts";
import { recountCommunities, recountPersons, recountPosts } from "./recount.ts";

type NotAllowed = { type: "not_a_mod_or_admin" };

export interface RemovalInput {
  removed: boolean;
  reason?: string | null;
}

/**
 * A moderator of the post's community or an admin removes a post or restores it. Asking for the
 * state the post is already in changes nothing and logs nothing. In a remote community the
 * removal is sent to the community, whose moderators' list decides whether it holds there.
 */
export async function removePost(
  db: Db,
  actor: LocalAccount,
  input: RemovalInput & { postId: string },
): Promise<Result<PostRow, { type: "couldnt_find_post" } | NotAllowed>> {
  const post = await findPostById(db, input.postId);
  if (!post) return err({ type: "couldnt_find_post" });
  if (!(await canModerate(db, actor, post.community_id))) return err({ type: "not_a_mod_or_admin" });
  const updated = await db.transaction().execute(async (trx) => {
    const changed = await writePostRemoval(trx, post, { ...input, moderatorId: actor.person.id });
    if (changed) {
      await recordEvent(trx, {
        type: "moderation_action",
        communityId: post.community_id,
        actorId: actor.person.id,
        action: {
          kind: "remove",
          target: "post",
          itemId: post.id,
          removed: input.removed,
          reason: cleanReason(input.reason),
        },
      });
    }
    return changed ?? post;
  });
  eventsCommitted();
  return ok(updated);
}

/**
 * Removes or restores a post with its counters and modlog entry, inside the caller's transaction;
 * answers the changed row, or null when it already was in that state. Shared by local moderators
 * and by removals received from other servers (federated.ts).
 */
export async function writePostRemoval(
  trx: DbLike,
  post: PostRow,
  input: RemovalInput & { moderatorId: string },
): Promise<PostRow | null> {
  // The condition on the old state makes a concurrent repeat a no-op, so counters move once.
  const changed = await trx
    .updateTable("posts")
    .set({ removed: input.removed })
    .where("id", "=", post.id)
    .where("removed", "=", !input.removed)
    .returningAll()
    .executeTakeFirst();
  if (!changed) return null;
  if (!changed.deleted) await addToPostCounters(trx, changed, input.removed ? -1 : 1);
  await recordModAction(trx, {
    action: "ModRemovePost",
    modPersonId: input.moderatorId,
    otherPersonId: post.creator_id,
    communityId: post.community_id,
    postId: post.id,
    reason: input.reason,
    state: input.removed,
  });
  if (input.removed) await resolveReportsAbout(trx, { postId: post.id }, input.moderatorId);
  return changed;
}

/**
 * A moderator of the comment's community or an admin removes a comment or restores it. The
 * comment keeps its place and replies; counters change as for a deletion (comment.service.ts).
 */
export async function removeComment(
  db: Db,
  actor: LocalAccount,
  input: RemovalInput & { commentId: string },
): Promise<Result<CommentRow, { type: "couldnt_find_comment" } | NotAllowed>> {
  const found = await findCommentById(db, input.commentId);
  if (!found) return err({ type: "couldnt_find_comment" });
  const post = await findPostById(db, found.post_id);
  if (!post) return err({ type: "couldnt_find_comment" });
  if (!(await canModerate(db, actor, post.community_id))) return err({ type: "not_a_mod_or_admin" });
  const result = await db.transaction().execute(async (trx) => {
    const written = await writeCommentRemoval(trx, found, { ...input, moderatorId: actor.person.id });
    if (written?.changed) {
      await recordEvent(trx, {
        type: "moderation_action",
        communityId: post.community_id,
        actorId: actor.person.id,
        action: {
          kind: "remove",
          target: "comment",
          itemId: found.id,
          removed: input.removed,
          reason: cleanReason(input.reason),
        },
      });
    }
    return written;
  });
  eventsCommitted();
  return result ? ok(result.comment) : err({ type: "couldnt_find_comment" });
}

/**
 * Removes or restores a comment with its counters and modlog entry, inside the caller's
 * transaction: the comment as it is now and whether it changed, or null if it is gone.
 */
export async function writeCommentRemoval(
  trx: DbLike,
  found: CommentRow,
  input: RemovalInput & { moderatorId: string },
): Promise<{ comment: CommentRow; changed: boolean } | null> {
  // The lock order of every comment write: the post first, then the comment.
  const locked = await lockPostForComment(trx, found.post_id);
  const comment = await findCommentForUpdate(trx, found.id);
  if (!locked || !comment) return null;
  if (comment.removed === input.removed) return { comment, changed: false };
  const updated = await updateComment(trx, comment.id, { removed: input.removed });
  const delta = Number(!updated.deleted && !updated.removed) - Number(!comment.deleted && !comment.removed);
  await adjustCommentCounters(trx, { post: locked, creatorId: comment.creator_id, delta });
  await recordModAction(trx, {
    action: "ModRemoveComment",
    modPersonId: input.moderatorId,
    otherPersonId: comment.creator_id,
    communityId: locked.community_id,
    postId: locked.id,
    commentId: comment.id,
    reason: input.reason,
    state: input.removed,
  });
  if (input.removed) await resolveReportsAbout(trx, { commentId: comment.id }, input.moderatorId);
  return { comment: updated, changed: true };
}

/**
 * An admin removes a community or restores it (Lemmy: admins only). A removed community leaves
 * every listing; its posts and comments stay as they are and come back with it.
 */
export async function removeCommunity(
  db: Db,
  actor: LocalAccount,
  input: RemovalInput & { communityId: string },
): Promise<Result<CommunityRow, { type: "couldnt_find_community" } | { type: "not_an_admin" }>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const community = await findCommunityById(db, input.communityId);
  if (!community) return err({ type: "couldnt_find_community" });
  if (community.removed === input.removed) return ok(community);
  const updated = await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("communities")
      .set({ removed: input.removed })
      .where("id", "=", community.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordModAction(trx, {
      action: "ModRemoveCommunity",
      modPersonId: actor.person.id,
      communityId: community.id,
      reason: input.reason,
      state: input.removed,
    });
    return updated;
  });
  return ok(updated);
}

export interface BanInput {
  personId: string;
  ban: boolean;
  reason?: string | null;
  /** When the ban ends by itself; null or undefined: never. Must be after `now`. */
  expiresAt?: Date | null;
  /** Banning: remove the person's posts and comments (there, or everywhere for a site ban). Unbanning: restore them. */
  removeData?: boolean;
  /** The time to check expiresAt against (tests control the clock with it). */
  now?: Date;
}

export type BanFromCommunityError =
  | { type: "couldnt_find_community" }
  | { type: "couldnt_find_person" }
  | NotAllowed
  | { type: "not_higher_mod" }
  | { type: "not_higher_admin" }
  | { type: "ban_expiration_in_past" };

/**
 * A moderator or admin bans a person from a community, or lifts the ban. Admins cannot be banned
 * from communities; a moderator of the community can be banned by an admin only, and stops being
 * a moderator. While banned (until expiresAt), the person cannot post, comment, vote or report in
 * the community (checkBan).
 */
export async function banFromCommunity(
  db: Db,
  actor: LocalAccount,
  input: BanInput & { communityId: string },
): Promise<Result<{ person: PersonRow; banned: boolean }, BanFromCommunityError>> {
  const community = await findCommunityById(db, input.communityId);
  if (!community) return err({ type: "couldnt_find_community" });
  if (!(await canModerate(db, actor, community.id))) return err({ type: "not_a_mod_or_admin" });
  const person = await findPersonById(db, input.personId);
  if (!person) return err({ type: "couldnt_find_person" });
  const expiresAt = input.ban ? (input.expiresAt ?? null) : null;
  if (expiresAt && expiresAt <= (input.now ?? new Date())) return err({ type: "ban_expiration_in_past" });
  if (input.ban && (await isAdmin(db, person.id))) {
    return err({ type: actor.localUser.admin ? "not_higher_admin" : "not_higher_mod" });
  }
  const targetIsModerator = await isModerator(db, community.id, person.id);
  if (input.ban && targetIsModerator && !actor.localUser.admin) return err({ type: "not_higher_mod" });
  await db.transaction().execute(async (trx) => {
    await writeCommunityBan(trx, {
      communityId: community.id,
      personId: person.id,
      ban: input.ban,
      bannedBy: actor.person.id,
      reason: input.reason?.trim() || null,
      expiresAt,
    });
    await recordModAction(trx, {
      action: "ModBanFromCommunity",
      modPersonId: actor.person.id,
      otherPersonId: person.id,
      communityId: community.id,
      reason: input.reason,
      expiresAt,
      state: input.ban,
    });
    if (input.ban && targetIsModerator) {
      await removeModerator(trx, community.id, person.id);
      await recordModAction(trx, {
        action: "ModAddCommunity",
        modPersonId: actor.person.id,
        otherPersonId: person.id,
        communityId: community.id,
        state: false,
      });
    }
    if (input.removeData) {
      await setContentRemovedByCreator(trx, { creatorId: person.id, communityId: community.id, removed: input.ban });
    }
    await recordEvent(trx, {
      type: "moderation_action",
      communityId: community.id,
      actorId: actor.person.id,
      action: {
        kind: "ban",
        personId: person.id,
        banned: input.ban,
        reason: cleanReason(input.reason),
        expiresAt: expiresAt?.toISOString() ?? null,
        removeData: input.removeData ?? false,
      },
    });
  });
  eventsCommitted();
  return ok({ person, banned: input.ban });
}

export type BanFromSiteError =
  | { type: "not_an_admin" }
  | { type: "couldnt_find_person" }
  | { type: "not_higher_admin" }
  | { type: "ban_expiration_in_past" };

/**
 * An admin bans a person from the whole site, or lifts the ban. Admins cannot be banned (remove
 * them as admin first). Banned persons can log in and read; they cannot post, comment, vote or
 * report anywhere until the ban ends.
 */
export async function banFromSite(
  db: Db,
  actor: LocalAccount,
  input: BanInput,
): Promise<Result<{ person: PersonRow; banned: boolean }, BanFromSiteError>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const person = await findPersonById(db, input.personId);
  if (!person) return err({ type: "couldnt_find_person" });
  const expiresAt = input.ban ? (input.expiresAt ?? null) : null;
  if (expiresAt && expiresAt <= (input.now ?? new Date())) return err({ type: "ban_expiration_in_past" });
  if (input.ban && (await isAdmin(db, person.id))) return err({ type: "not_higher_admin" });
  await db.transaction().execute(async (trx) => {
    await writeSiteBanAction(trx, {
      adminId: actor.person.id,
      personId: person.id,
      ban: input.ban,
      reason: input.reason,
      expiresAt,
      removeData: input.removeData ?? false,
    });
    await recordEvent(trx, {
      type: "site_ban_changed",
      actorId: actor.person.id,
      personId: person.id,
      banned: input.ban,
      reason: cleanReason(input.reason),
      expiresAt: expiresAt?.toISOString() ?? null,
      removeData: input.removeData ?? false,
    });
  });
  eventsCommitted();
  return ok({ person, banned: input.ban });
}

/**
 * Sets or lifts a site ban with its modlog entry (ModBan), removing or restoring the person's
 * content when asked, inside the caller's transaction. Shared by local admins and by site bans
 * received from the person's own instance (federated.ts).
 */
export async function writeSiteBanAction(
  trx: DbLike,
  input: {
    adminId: string;
    personId: string;
    ban: boolean;
    reason: string | null | undefined;
    expiresAt: Date | null;
    removeData: boolean;
  },
): Promise<void> {
  const expiresAt = input.ban ? input.expiresAt : null;
  await writeSiteBan(trx, {
    personId: input.personId,
    ban: input.ban,
    bannedBy: input.adminId,
    reason: cleanReason(input.reason),
    expiresAt,
  });
  await recordModAction(trx, {
    action: "ModBan",
    modPersonId: input.adminId,
    otherPersonId: input.personId,
    reason: input.reason,
    expiresAt,
    state: input.ban,
  });
  if (input.removeData) {
    await setContentRemovedByCreator(trx, { creatorId: input.personId, communityId: null, removed: input.ban });
  }
}

export type TransferCommunityError =
  | { type: "couldnt_find_community" }
  | { type: "couldnt_find_person" }
  | { type: "object_not_local" }
  | { type: "not_top_mod" };

/**
 * The top moderator or an admin hands a local community to another person, who becomes its top
 * moderator (added as moderator if they were not one). Moderators are ordered by the time of their
 * appointment (community_moderators.created_at; the first is the top moderator): the new top
 * moderator's time becomes one millisecond before the first one's, and everyone else keeps their
 * place. Answers the moderators in their new order.
 */
export async function transferCommunity(
  db: Db,
  actor: LocalAccount,
  input: { communityId: string; personId: string },
): Promise<Result<PersonRow[], TransferCommunityError>> {
  const community = await findCommunityById(db, input.communityId);
  if (!community) return err({ type: "couldnt_find_community" });
  if (!community.local) return err({ type: "object_not_local" });
  const moderators = await listModeratorPersons(db, community.id);
  if (!actor.localUser.admin && moderators[0]?.id !== actor.person.id) return err({ type: "not_top_mod" });
  const person = await findPersonById(db, input.personId);
  if (!person || person.deleted) return err({ type: "couldnt_find_person" });
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into community_moderators (community_id, person_id, created_at)
      values (${community.id}, ${person.id}, coalesce(
        (select min(created_at) - interval '1 millisecond' from community_moderators where community_id = ${community.id}),
        now()))
      on conflict (community_id, person_id) do update set created_at = excluded.created_at`.execute(trx);
    await recordModAction(trx, {
      action: "ModTransferCommunity",
      modPersonId: actor.person.id,
      otherPersonId: person.id,
      communityId: community.id,
    });
  });
  return ok(await listModeratorPersons(db, community.id));
}

async function isAdmin(db: DbLike, personId: string): Promise<boolean> {
  const row = await db.selectFrom("local_users").select("admin").where("person_id", "=", personId).executeTakeFirst();
  return row?.admin ?? false;
}

/**
 * Removes (or restores) every post and comment of a person, in one community or everywhere, and
 * recounts the counters they fed. Nothing is logged per item: the ban that asked for it is.
 */
export async function setContentRemovedByCreator(
  db: DbLike,
  input: { creatorId: string; communityId: string | null; removed: boolean },
): Promise<{ posts: number; comments: number }> {
  const posts = await db
    .updateTable("posts")
    .set({ removed: input.removed })
    .where("creator_id", "=", input.creatorId)
    .where("removed", "=", !input.removed)
    .$if(input.communityId !== null, (qb) => qb.where("community_id", "=", input.communityId ?? "0"))
    .returning(["id", "community_id"])
    .execute();
  const comments = await db
    .updateTable("comments")
    .set({ removed: input.removed })
    .where("creator_id", "=", input.creatorId)
    .where("removed", "=", !input.removed)
    .$if(input.communityId !== null, (qb) =>
      qb.where("post_id", "in", (eb) =>
        eb
          .selectFrom("posts")
          .select("id")
          .where("community_id", "=", input.communityId ?? "0"),
      ),
    )
    .returning(["id", "post_id"])
    .execute();
  const postIds = comments.map((c) => c.post_id);
  const communityIds = posts.map((p) => p.community_id);
  if (comments.length > 0) {
    const rows = await db.selectFrom("posts").select("community_id").where("id", "in", postIds).execute();
    communityIds.push(...rows.map((r) => r.community_id));
  }
  await recountPosts(db, postIds);
  await recountCommunities(db, communityIds);
  if (posts.length > 0 || comments.length > 0) await recountPersons(db, [input.creatorId]);
  return { posts: posts.length, comments: comments.length };
}

/** Resolves the open reports about a post or a comment (when it is removed or purged). */
export async function resolveReportsAbout(
  db: DbLike,
  target: { postId: string } | { commentId: string },
  resolverId: string,
): Promise<void> {
  const changes = { resolved: true, resolver_id: resolverId, updated_at: new Date() };
  if ("postId" in target) {
    await db
      .updateTable("post_reports")
      .set(changes)
      .where("post_id", "=", target.postId)
      .where("resolved", "=", false)
      .execute();
  } else {
    await db
      .updateTable("comment_reports")
      .set(changes)
      .where("comment_id", "=", target.commentId)
      .where("resolved", "=", false)
      .execute();
  }
}
