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
