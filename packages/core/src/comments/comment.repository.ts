import type { DbLike } from "../db/connect.ts";
import type { CommentRow, CommentUpdate, NewComment } from "../db/schema.ts";

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
