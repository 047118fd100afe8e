// Writing comments: create (a reply anywhere in a post's tree), edit, delete and restore, vote,
// save. Error types are Lemmy's error codes, so the API passes them through unchanged.
//
// A comment's place in its tree is the materialized path '0.<root id>.<child id>...'
// (comments.path, ltree). Counters follow Lemmy's triggers: child_count counts every descendant,
// deleted or not; the post's, community's and creator's comment_count count only comments that
// are neither deleted nor removed.
import { randomUUID } from "node:crypto";
import { findCommunityById, isModerator } from "../communities/community.repository.ts";
import { languageById, UNDETERMINED_LANGUAGE_ID } from "../content/languages.ts";
import type { Db } from "../db/connect.ts";
import type { CommentRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { type BanError, checkBan } from "../moderation/bans.ts";
import { findPersonById } from "../persons/person.repository.ts";
import { findPostById } from "../posts/post.repository.ts";
import { err, ok, type Result } from "../result.ts";
import type { LocalUrls } from "../urls.ts";
import { setSaved } from "../votes/save.service.ts";
import { castVote, type VoteScore, type VoteTally } from "../votes/vote.service.ts";
import {
  addToChildCounts,
  adjustCommentCounters,
  findCommentById,
  findCommentForUpdate,
  insertComment,
  insertCreatorUpvote,
  lockPostForComment,
  pathDepth,
  pathIds,
  updateComment,
} from "./comment.repository.ts";

/**
 * Longest comment in UTF-16 code units: Lemmy 0.19's limit for comments (BODY_MAX_LENGTH in
 * crates/utils/src/utils/validation.rs, counted with encode_utf16, as String#length counts).
 * Post bodies may be 50,000.
 */
export const MAX_COMMENT_LENGTH = 10_000;

/** Deepest a comment may sit (a top-level comment is depth 1): Lemmy's MAX_COMMENT_DEPTH_LIMIT. */
export const MAX_COMMENT_DEPTH = 50;

/** Who is writing: a local person, and whether they are a site admin. */
export interface CommentAuthor {
  personId: string;
  admin: boolean;
}

export type CommentContentError = { type: "invalid_body_field" } | { type: "language_not_allowed" };

export type CreateCommentError =
  | CommentContentError
  | { type: "couldnt_find_post" }
  | { type: "deleted" }
  | { type: "locked" }
  | { type: "couldnt_find_comment" }
  | { type: "max_comment_depth_reached" }
  | BanError;

export interface CreateCommentInput {
  postId: string;
  parentId?: string | null;
  /** Markdown source. */
  content: string;
  languageId?: number | null;
}

function checkContent(content: string | undefined, languageId: number | null | undefined): CommentContentError | null {
  if (content !== undefined && (content.trim() === "" || content.length > MAX_COMMENT_LENGTH)) {
    return { type: "invalid_body_field" };
  }
  if (languageId !== undefined && languageId !== null && !languageById(languageId)) {
    return { type: "language_not_allowed" };
  }
  return null;
}

/**
 * A local person comments on a post, or replies to a comment of it. One transaction inserts the
 * comment with its path and ActivityPub id, counts it for every ancestor, the post, the community
 * and the creator, records the creator's upvote and the comment_created event that federates it.
 * Locked posts take comments only from the community's moderators and admins, as in Lemmy.
 */
export async function createComment(
  db: Db,
  urls: LocalUrls,
  author: CommentAuthor,
  input: CreateCommentInput,
): Promise<Result<CommentRow, CreateCommentError>> {
  const problem = checkContent(input.content, input.languageId);
  if (problem) return err(problem);
  const created = await db.transaction().execute(async (trx): Promise<Result<CommentRow, CreateCommentError>> => {
    const post = await lockPostForComment(trx, input.postId);
    if (!post) return err({ type: "couldnt_find_post" });
    if (post.deleted || post.removed) return err({ type: "deleted" });
    const community = await findCommunityById(trx, post.community_id);
    if (!community) return err({ type: "couldnt_find_post" });
    if (community.deleted || community.removed) return err({ type: "deleted" });
    const ban = await checkBan(trx, author.personId, { communityId: community.id });
    if (ban) return err(ban);
    if (post.locked && !author.admin && !(await isModerator(trx, community.id, author.personId))) {
      return err({ type: "locked" });
    }
    let parent: CommentRow | undefined;
    if (input.parentId) {
      parent = await findCommentById(trx, input.parentId);
      if (!parent || parent.post_id !== post.id) return err({ type: "couldnt_find_comment" });
      if (pathDepth(parent.path) + 1 > MAX_COMMENT_DEPTH) return err({ type: "max_comment_depth_reached" });
    }
    const creator = await findPersonById(trx, author.personId);
    if (!creator) throw new Error(`comment author ${author.personId} does not exist`);
    // The id is known only after the insert; path and ap_id derive from it. The placeholders
    // never leave this transaction.
    const inserted = await insertComment(trx, {
      ap_id: urls.comment(`pending-${randomUUID()}`),
      local: true,
      // A local comment belongs to the local instance, which is its author's.
      instance_id: creator.instance_id,
      post_id: post.id,
      creator_id: author.personId,
      parent_id: parent?.id ?? null,
      path: "0",
      body: input.content,
      language_id: input.languageId ?? UNDETERMINED_LANGUAGE_ID,
      score: 1,
      upvotes: 1,
    });
    const comment = await updateComment(trx, inserted.id, {
      path: `${parent?.path ?? "0"}.${inserted.id}`,
      ap_id: urls.comment(inserted.id),
    });
    if (parent) await addToChildCounts(trx, pathIds(parent.path), 1);
    await adjustCommentCounters(trx, {
      post,
      creatorId: author.personId,
      delta: 1,
      newCommentAt: comment.published_at,
    });
    await insertCreatorUpvote(trx, comment.id, author.personId);
    await recordEvent(trx, {
      type: "comment_created",
      communityId: community.id,
      personId: author.personId,
      commentId: comment.id,
    });
    return ok(comment);
  });
  if (created.ok) eventsCommitted();
  return created;
}

export type EditCommentError =
  | CommentContentError
  | { type: "couldnt_find_comment" }
  | { type: "deleted" }
  | { type: "no_comment_edit_allowed" }
  | BanError;

/** The author changes a comment's content or language; `updated` records when. */
export async function editComment(
  db: Db,
  author: CommentAuthor,
  input: { commentId: string; content?: string; languageId?: number | null },
): Promise<Result<CommentRow, EditCommentError>> {
  const problem = checkContent(input.content, input.languageId);
  if (problem) return err(problem);
  const comment = await findCommentById(db, input.commentId);
  if (!comment) return err({ type: "couldnt_find_comment" });
  const communityProblem = await checkCommunityOfComment(db, comment);
  if (communityProblem) return err(communityProblem);
  if (comment.creator_id !== author.personId) return err({ type: "no_comment_edit_allowed" });
  const ban = await checkBan(db, author.personId, { postId: comment.post_id });
  if (ban) return err(ban);
  const post = await findPostById(db, comment.post_id);
  if (!post) return err({ type: "couldnt_find_comment" });
  const updated = await db.transaction().execute(async (trx) => {
    const updated = await updateComment(trx, comment.id, {
      ...(input.content !== undefined ? { body: input.content } : {}),
      ...(input.languageId !== undefined && input.languageId !== null ? { language_id: input.languageId } : {}),
      updated_at: new Date(),
    });
    await recordEvent(trx, {
      type: "comment_updated",
      communityId: post.community_id,
      personId: author.personId,
      commentId: comment.id,
    });
    return updated;
  });
  eventsCommitted();
  return ok(updated);
}

/** Lemmy refuses actions in a deleted or removed community with `deleted`. */
async function checkCommunityOfComment(db: Db, comment: CommentRow): Promise<{ type: "deleted" } | null> {
  const row = await db
    .selectFrom("posts as p")
    .innerJoin("communities as co", "co.id", "p.community_id")
    .where("p.id", "=", comment.post_id)
    .select(["co.deleted", "co.removed"])
    .executeTakeFirst();
  return row && (row.deleted || row.removed) ? { type: "deleted" } : null;
}

export type DeleteCommentError =
  | { type: "couldnt_find_comment" }
  | { type: "couldnt_update_comment" }
  | { type: "deleted" }
  | { type: "no_comment_edit_allowed" };

/**
 * The author deletes (deleted = true) or restores a comment. Deletion is soft: the row keeps its
 * place in the tree and its replies; listings show it with empty content. The post's, community's
 * and creator's comment counts drop by one and come back on restore; child_count is unchanged, as
 * in Lemmy. Asking for the state the comment is already in is `couldnt_update_comment` (Lemmy).
 */
export async function deleteComment(
  db: Db,
  author: CommentAuthor,
  input: { commentId: string; deleted: boolean },
): Promise<Result<CommentRow, DeleteCommentError>> {
  const found = await findCommentById(db, input.commentId);
  if (!found) return err({ type: "couldnt_find_comment" });
  const result = await db.transaction().execute(async (trx): Promise<Result<CommentRow, DeleteCommentError>> => {
    const post = await lockPostForComment(trx, found.post_id);
    const comment = await findCommentForUpdate(trx, input.commentId);
    if (!post || !comment) return err({ type: "couldnt_find_comment" });
    if (comment.deleted === input.deleted) return err({ type: "couldnt_update_comment" });
    const community = await findCommunityById(trx, post.community_id);
    if (!community || community.deleted || community.removed) return err({ type: "deleted" });
    if (comment.creator_id !== author.personId) return err({ type: "no_comment_edit_allowed" });
    const updated = await updateComment(trx, comment.id, { deleted: input.deleted });
    const delta = Number(counts(updated)) - Number(counts(comment));
    await adjustCommentCounters(trx, { post, creatorId: comment.creator_id, delta });
    await recordEvent(trx, {
      type: "comment_deleted",
      communityId: community.id,
      personId: author.personId,
      commentId: comment.id,
      deleted: input.deleted,
    });
    return ok(updated);
  });
  if (result.ok) eventsCommitted();
  return result;
}

/** Whether a comment counts in comment_count totals (Lemmy's r.is_counted). */
function counts(comment: Pick<CommentRow, "deleted" | "removed">): boolean {
  return !comment.deleted && !comment.removed;
}

export type VoteOnCommentError =
  | { type: "couldnt_find_comment" }
  | { type: "deleted" }
  | { type: "downvotes_are_disabled" }
  | BanError;

/**
 * A local person votes on a comment (1, -1) or retracts their vote (0). Deleted and removed
 * comments, and comments in deleted or removed communities, take no votes.
 */
export async function voteOnComment(
  db: Db,
  input: { commentId: string; personId: string; score: VoteScore; downvotesEnabled: boolean },
): Promise<Result<VoteTally, VoteOnCommentError>> {
  if (input.score === -1 && !input.downvotesEnabled) return err({ type: "downvotes_are_disabled" });
  const comment = await findCommentById(db, input.commentId);
  if (!comment) return err({ type: "couldnt_find_comment" });
  if (comment.deleted || comment.removed) return err({ type: "deleted" });
  const communityProblem = await checkCommunityOfComment(db, comment);
  if (communityProblem) return err(communityProblem);
  const post = await findPostById(db, comment.post_id);
  if (!post) return err({ type: "couldnt_find_comment" });
  const ban = await checkBan(db, input.personId, { communityId: post.community_id });
  if (ban) return err(ban);
  const tally = await castVote(db, {
    target: "comment",
    itemId: comment.id,
    personId: input.personId,
    score: input.score,
    downvotesEnabled: input.downvotesEnabled,
    onChange: (trx, previous) =>
      recordEvent(trx, {
        type: "vote_cast",
        communityId: post.community_id,
        personId: input.personId,
        target: "comment",
        itemId: comment.id,
        score: input.score,
        previous,
      }),
  });
  eventsCommitted();
  return tally;
}

export type SaveCommentError = { type: "couldnt_find_comment" };

/** Saves (bookmarks) a comment for a person, or unsaves it; idempotent. */
export async function saveComment(
  db: Db,
  input: { commentId: string; personId: string; save: boolean },
): Promise<Result<CommentRow, SaveCommentError>> {
  const comment = await findCommentById(db, input.commentId);
  if (!comment) return err({ type: "couldnt_find_comment" });
  await setSaved(db, "comment", comment.id, input.personId, input.save);
  return ok(comment);
}
