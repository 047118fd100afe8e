// Boosts: a remote person's Announce of a post or comment here (what Mastodon sends when
// someone boosts). One per person and item. The item's boost_count changes in the same
// transaction as the row, so the count never drifts from the boosts behind it. A new boost also
// counts as activity in the post's discussion, as a new comment does: it moves newest_comment_at
// (the Active and New Comments sorts) and the stored Active rank (docs/federation.md, "Boosts").
import { sql } from "kysely";
import { PERSON_COLUMNS, prefixedColumns, rowFrom } from "../db/columns.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommentRow, PersonRow, PostRow } from "../db/schema.ts";

export type BoostTarget = { kind: "post"; post: PostRow } | { kind: "comment"; comment: CommentRow; post: PostRow };

/** The discussion of a post moves as for a comment published at `at`. */
async function bumpDiscussion(db: DbLike, postId: string, at: Date): Promise<void> {
  await db
    .updateTable("posts")
    .set({
      newest_comment_at: sql<Date>`greatest(newest_comment_at, ${at})`,
      hot_rank_active: sql<number>`hot_rank_active(score, published_at, greatest(newest_comment_at, ${at}), clock_timestamp())`,
    })
    .where("id", "=", postId)
    .execute();
}

async function adjustBoostCount(db: DbLike, row: { post_id: string | null; comment_id: string | null }, delta: number) {
  if (row.post_id !== null) {
    await db
      .updateTable("posts")
      .set((eb) => ({ boost_count: eb("boost_count", "+", delta) }))
      .where("id", "=", row.post_id)
      .execute();
  } else if (row.comment_id !== null) {
    await db
      .updateTable("comments")
      .set((eb) => ({ boost_count: eb("boost_count", "+", delta) }))
      .where("id", "=", row.comment_id)
      .execute();
  }
}

/**
 * Records a boost (idempotent: the same Announce, or a second boost of the item by the same
 * person, changes nothing). Callers check that the item may be boosted (exists, not deleted or
 * removed, booster not banned). `at` is when it arrived, never a time the sender claims.
 */
export async function recordBoost(
  db: Db,
  input: { apId: string; personId: string; target: BoostTarget; at: Date },
): Promise<"created" | "exists"> {
  const { target } = input;
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("boosts")
      .values({
        ap_id: input.apId,
        person_id: input.personId,
        post_id: target.kind === "post" ? target.post.id : null,
        comment_id: target.kind === "comment" ? target.comment.id : null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning(["post_id", "comment_id"])
      .executeTakeFirst();
    if (!inserted) return "exists";
    await adjustBoostCount(trx, inserted, 1);
    await bumpDiscussion(trx, target.post.id, input.at);
    return "created";
  });
}

/**
 * Takes back a person's boost, named by its Announce's id or, failing that (an Undo that
 * regenerated the inner id), by the item. Returns how many boosts it removed (0 or 1).
 */
export async function removeBoost(
  db: Db,
  input: { personId: string; apId: string; target: BoostTarget | null },
): Promise<number> {
  const { target } = input;
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom("boosts")
      .where("person_id", "=", input.personId)
      .where((eb) =>
        eb.or([
          eb("ap_id", "=", input.apId),
          ...(target?.kind === "post" ? [eb("post_id", "=", target.post.id)] : []),
          ...(target?.kind === "comment" ? [eb("comment_id", "=", target.comment.id)] : []),
        ]),
      )
      .returning(["post_id", "comment_id"])
      .execute();
    for (const row of removed) await adjustBoostCount(trx, row, -1);
    return removed.length;
  });
}

/** Who boosted a post or comment, earliest first, at most `limit` of them. */
export async function listBoosters(
  db: DbLike,
  item: { postId: string } | { commentId: string },
  limit: number,
): Promise<PersonRow[]> {
  let query = db
    .selectFrom("boosts as b")
    .innerJoin("persons as p", "p.id", "b.person_id")
    .select(prefixedColumns("p", "p", PERSON_COLUMNS))
    .orderBy("b.created_at")
    .orderBy("b.id")
    .limit(limit);
  query =
    "postId" in item ? query.where("b.post_id", "=", item.postId) : query.where("b.comment_id", "=", item.commentId);
  const rows = await query.execute();
  return rows.map((row) => rowFrom<PersonRow>(row as Record<string, unknown>, "p", PERSON_COLUMNS));
}
