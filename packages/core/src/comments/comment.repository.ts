import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { CommentRow, CommentUpdate, NewComment, PostRow } from "../db/schema.ts";

export async function findCommentById(db: DbLike, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom("comments").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findCommentByApId(db: DbLike, apId: string): Promise<CommentRow | undefined> {
  return db.selectFrom("comments").selectAll().where("ap_id", "=", apId).executeTakeFirst();
}

export async function insertComment(db: DbLike, comment: NewComment): Promise<CommentRow> {
  return db.insertInto("comments").values(comment).returningAll().executeTakeFirstOrThrow();
}

export async function updateComment(db: DbLike, id: string, changes: CommentUpdate): Promise<CommentRow> {
  return db.updateTable("comments").set(changes).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

/** The comment, its row locked until the transaction ends. */
export async function findCommentForUpdate(db: DbLike, id: string): Promise<CommentRow | undefined> {
  return db.selectFrom("comments").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/**
 * The post a comment is written under, its row locked until the transaction ends. Every comment
 * write takes this lock first: it serialises the post's comment_count, keeps the locked/deleted
 * check true until commit, and gives all comment writes one lock order (post, then comments,
 * then community and person counters), so they cannot deadlock one another.
 */
export async function lockPostForComment(db: DbLike, postId: string): Promise<PostRow | undefined> {
  return db.selectFrom("posts").selectAll().where("id", "=", postId).forUpdate().executeTakeFirst();
}

/**
 * The ids in a materialized path, root first: '0.12.40.41' gives ['12', '40', '41'] (the leading
 * 0 is the tree's root, not a comment).
 */
export function pathIds(path: string): string[] {
  return path.split(".").slice(1);
}

/** How deep a comment sits: 1 for a top-level comment ('0.12'), 2 for a reply to it, and so on. */
export function pathDepth(path: string): number {
  return pathIds(path).length;
}

/**
 * Adds `delta` to the child_count of every given comment. As in Lemmy, child_count counts all
 * descendants (deleted ones too), so a new reply counts for each of its ancestors.
 */
export async function addToChildCounts(db: DbLike, commentIds: readonly string[], delta: number): Promise<void> {
  if (commentIds.length === 0 || delta === 0) return;
  await db
    .updateTable("comments")
    .set((eb) => ({ child_count: eb("child_count", "+", delta) }))
    .where("id", "in", commentIds)
    .execute();
}

/**
 * Adjusts the comment counters kept on other rows when a comment starts or stops counting
 * (created, deleted, restored): the post's comment_count (and newest_comment_at for a new
 * comment, with the post's stored hot_rank_active), the creator's comment_count, and the
 * community's comment_count when the post itself counts (Lemmy leaves communities alone for
 * comments on deleted or removed posts).
 */
export async function adjustCommentCounters(
  db: DbLike,
  change: {
    post: Pick<PostRow, "id" | "community_id" | "deleted" | "removed">;
    creatorId: string;
    delta: number;
    /** Publication time of a new comment; moves newest_comment_at forward. */
    newCommentAt?: Date;
  },
): Promise<void> {
  const { post, delta, newCommentAt } = change;
  if (delta === 0 && !newCommentAt) return;
  await db
    .updateTable("posts")
    .set((eb) => ({
      comment_count: eb("comment_count", "+", delta),
      ...(newCommentAt
        ? {
            newest_comment_at: sql<Date>`greatest(newest_comment_at, ${newCommentAt})`,
            // The stored Active rank moves with the discussion at once (docs/architecture.md).
            hot_rank_active: sql<number>`hot_rank_active(score, published_at, greatest(newest_comment_at, ${newCommentAt}), clock_timestamp())`,
          }
        : {}),
    }))
    .where("id", "=", post.id)
    .execute();
  if (delta === 0) return;
  if (!post.deleted && !post.removed) {
    await db
      .updateTable("communities")
      .set((eb) => ({ comment_count: eb("comment_count", "+", delta) }))
      .where("id", "=", post.community_id)
      .execute();
  }
  await db
    .updateTable("persons")
    .set((eb) => ({ comment_count: eb("comment_count", "+", delta) }))
    .where("id", "=", change.creatorId)
    .execute();
}

/**
 * Records the creator's own upvote on a new comment (Lemmy: "you like your own comment by
 * default"). The comment row is inserted with score 1 and upvotes 1 to match.
 */
export async function insertCreatorUpvote(db: DbLike, commentId: string, personId: string): Promise<void> {
  await db.insertInto("comment_votes").values({ comment_id: commentId, person_id: personId, score: 1 }).execute();
}
