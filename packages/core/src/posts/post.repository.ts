import type { DbLike } from "../db/connect.ts";
import type { NewPost, PostRow, PostUpdate } from "../db/schema.ts";

export async function findPostById(db: DbLike, id: string): Promise<PostRow | undefined> {
  return db.selectFrom("posts").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findPostByApId(db: DbLike, apId: string): Promise<PostRow | undefined> {
  return db.selectFrom("posts").selectAll().where("ap_id", "=", apId).executeTakeFirst();
}

export async function insertPost(db: DbLike, post: NewPost): Promise<PostRow> {
  return db.insertInto("posts").values(post).returningAll().executeTakeFirstOrThrow();
}

export async function updatePost(db: DbLike, id: string, changes: PostUpdate): Promise<PostRow> {
  return db.updateTable("posts").set(changes).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Moves the post counters of a post's creator and community by delta: +1 when a post is created
 * or restored, -1 when it is deleted or removed. Counters count visible posts only, as Lemmy's do.
 */
export async function addToPostCounters(
  db: DbLike,
  post: Pick<PostRow, "creator_id" | "community_id">,
  delta: number,
): Promise<void> {
  await db
    .updateTable("persons")
    .set((eb) => ({ post_count: eb("post_count", "+", delta) }))
    .where("id", "=", post.creator_id)
    .execute();
  await db
    .updateTable("communities")
    .set((eb) => ({ post_count: eb("post_count", "+", delta) }))
    .where("id", "=", post.community_id)
    .execute();
}
