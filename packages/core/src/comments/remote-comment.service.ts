// Comments from other servers: created or updated from their ActivityPub form, deleted and
// restored by their authors, kept in the same tree (path, child counts, counters) as local ones.
// packages/federation checks who may do what; every call here is safe to repeat.
import type { Db } from "../db/connect.ts";
import type { CommentRow } from "../db/schema.ts";
import { truncate } from "../posts/remote-post.service.ts";
import { hasTombstone } from "../remote/inbound.repository.ts";
import {
  addToChildCounts,
  adjustCommentCounters,
  findCommentForUpdate,
  insertCreatorUpvote,
  lockPostForComment,
  pathDepth,
  pathIds,
  updateComment,
} from "./comment.repository.ts";
import { MAX_COMMENT_DEPTH, MAX_COMMENT_LENGTH } from "./comment.service.ts";

export interface RemoteCommentInput {
  apId: string;
  instanceId: string;
  postId: string;
  /** The comment replied to, or null for a reply to the post. */
  parentId: string | null;
  creatorId: string;
  /** Markdown. */
  body: string;
  languageId: number;
  publishedAt: Date;
  updatedAt: Date | null;
}

export type RemoteCommentResult =
  | { ok: true; outcome: "created" | "updated" | "unchanged"; comment: CommentRow }
  | {
      ok: false;
      reason:
        | "deleted_before_arrival"
        | "local_object"
        | "not_the_creator"
        | "post_not_found"
        | "parent_not_in_post"
        | "max_comment_depth_reached";
    };

/**
 * Creates a remote comment, or updates it when the incoming version is newer (last writer wins,
 * so an Update arriving first creates the comment). A new comment is placed in its post's tree
 * and counted exactly as createComment does, with its creator's upvote, under the same post lock.
 */
export async function upsertRemoteComment(db: Db, input: RemoteCommentInput): Promise<RemoteCommentResult> {
  const body = truncate(input.body, MAX_COMMENT_LENGTH);
  return db.transaction().execute(async (trx): Promise<RemoteCommentResult> => {
    // Every comment write locks the post first (comment.repository.ts, lockPostForComment).
    const post = await lockPostForComment(trx, input.postId);
    if (!post) return { ok: false, reason: "post_not_found" };
    if (await hasTombstone(trx, input.apId)) return { ok: false, reason: "deleted_before_arrival" };
    const existing = await trx
      .selectFrom("comments")
      .selectAll()
      .where("ap_id", "=", input.apId)
      .forUpdate()
      .executeTakeFirst();
    if (existing) {
      if (existing.local) return { ok: false, reason: "local_object" };
      if (existing.creator_id !== input.creatorId) return { ok: false, reason: "not_the_creator" };
      const incoming = input.updatedAt ?? input.publishedAt;
      const stored = existing.updated_at ?? existing.published_at;
      if (incoming.getTime() <= stored.getTime()) return { ok: true, outcome: "unchanged", comment: existing };
      const updated = await updateComment(trx, existing.id, {
        body,
        language_id: input.languageId,
        updated_at: input.updatedAt ?? incoming,
      });
      return { ok: true, outcome: "updated", comment: updated };
    }
    let parent: CommentRow | undefined;
    if (input.parentId) {
      parent = await findCommentForUpdate(trx, input.parentId);
      if (!parent || parent.post_id !== post.id) return { ok: false, reason: "parent_not_in_post" };
      if (pathDepth(parent.path) + 1 > MAX_COMMENT_DEPTH) return { ok: false, reason: "max_comment_depth_reached" };
    }
    const inserted = await trx
      .insertInto("comments")
      .values({
        ap_id: input.apId,
        local: false,
        instance_id: input.instanceId,
        post_id: post.id,
        creator_id: input.creatorId,
        parent_id: parent?.id ?? null,
        // Set from the id right below, inside this transaction.
        path: "0",
        body,
        language_id: input.languageId,
        published_at: input.publishedAt,
        updated_at: input.updatedAt,
        score: 1,
        upvotes: 1,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const comment = await updateComment(trx, inserted.id, { path: `${parent?.path ?? "0"}.${inserted.id}` });
    if (parent) await addToChildCounts(trx, pathIds(parent.path), 1);
    await adjustCommentCounters(trx, {
      post,
      creatorId: input.creatorId,
      delta: 1,
      newCommentAt: comment.published_at,
    });
    await insertCreatorUpvote(trx, comment.id, input.creatorId);
    return { ok: true, outcome: "created", comment };
  });
}

/** A remote author deletes (or restores) their comment; repeating it changes nothing. */
export async function setRemoteCommentDeleted(
  db: Db,
  commentId: string,
  deleted: boolean,
): Promise<CommentRow | undefined> {
  const found = await db.selectFrom("comments").select("post_id").where("id", "=", commentId).executeTakeFirst();
  if (!found) return undefined;
  return db.transaction().execute(async (trx) => {
    const post = await lockPostForComment(trx, found.post_id);
    const comment = await findCommentForUpdate(trx, commentId);
    if (!post || !comment) return undefined;
    if (comment.deleted === deleted) return comment;
    const updated = await updateComment(trx, comment.id, { deleted });
    const counted = (c: CommentRow) => Number(!c.deleted && !c.removed);
    await adjustCommentCounters(trx, {
      post,
      creatorId: comment.creator_id,
      delta: counted(updated) - counted(comment),
    });
    return updated;
  });
}
