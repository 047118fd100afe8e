// Votes on posts and comments: one per person and item, changed or retracted (score 0). The
// item's score, upvotes, downvotes and stored controversy_rank are updated in the same
// transaction as the vote row, so aggregates never drift from the votes behind them. The hot
// ranks follow at the next refresh (ranking/rank-refresh.ts), as on Lemmy: recomputing them here
// would rank the voted row as of now against others ranked up to one refresh interval ago.
import { sql } from "kysely";
import type { Db, DbLike } from "../db/connect.ts";
import { err, ok, type Result } from "../result.ts";

export type VoteTarget = "post" | "comment";
export type VoteScore = -1 | 0 | 1;

export interface VoteTally {
  score: number;
  upvotes: number;
  downvotes: number;
  /** The person's vote after the change (0: none). */
  myVote: VoteScore;
}

export type VoteError = { type: "downvotes_are_disabled" };

const tables = {
  post: { votes: "post_votes", items: "posts", key: "post_id" },
  comment: { votes: "comment_votes", items: "comments", key: "comment_id" },
} as const;

/**
 * Sets a person's vote on an item. Callers check that the item may be voted on (exists, not
 * deleted or removed, voter not banned); this keeps the tally right under concurrent votes by
 * locking the item row for the length of the transaction.
 */
export async function castVote(
  db: Db,
  input: {
    target: VoteTarget;
    itemId: string;
    personId: string;
    score: VoteScore;
    downvotesEnabled: boolean;
    /** ActivityPub id of the Like/Dislike, for votes that arrived by federation. */
    apId?: string | null;
    /**
     * Runs in the vote's transaction when the vote actually changes (previous ≠ score), e.g. to
     * record the domain event that federates it; a repeated vote calls nothing.
     */
    onChange?: (trx: DbLike, previous: VoteScore) => Promise<void>;
  },
): Promise<Result<VoteTally, VoteError>> {
  if (input.score === -1 && !input.downvotesEnabled) return err({ type: "downvotes_are_disabled" });
  const t = tables[input.target];
  const tally = await db.transaction().execute(async (trx) => {
    await sql`select 1 from ${sql.table(t.items)} where id = ${input.itemId} for update`.execute(trx);
    const previous = await previousScore(trx, input.target, input.itemId, input.personId);
    if (input.score === 0) {
      await sql`delete from ${sql.table(t.votes)} where ${sql.ref(t.key)} = ${input.itemId} and person_id = ${input.personId}`.execute(
        trx,
      );
    } else {
      await sql`
        insert into ${sql.table(t.votes)} (${sql.ref(t.key)}, person_id, score, ap_id)
        values (${input.itemId}, ${input.personId}, ${input.score}, ${input.apId ?? null})
        on conflict (${sql.ref(t.key)}, person_id) do update set score = excluded.score, ap_id = excluded.ap_id`.execute(
        trx,
      );
    }
    const up = (input.score === 1 ? 1 : 0) - (previous === 1 ? 1 : 0);
    const down = (input.score === -1 ? 1 : 0) - (previous === -1 ? 1 : 0);
    const result = await sql<{ score: number; upvotes: number; downvotes: number }>`
      update ${sql.table(t.items)}
      set upvotes = upvotes + ${up}, downvotes = downvotes + ${down}, score = score + ${up - down},
        controversy_rank = controversy_rank(upvotes + ${up}, downvotes + ${down})
      where id = ${input.itemId}
      returning score, upvotes, downvotes`.execute(trx);
    const row = result.rows[0];
    if (!row) throw new Error(`${input.target} ${input.itemId} vanished while voting`);
    if (previous !== input.score) await input.onChange?.(trx, previous);
    return { ...row, myVote: input.score };
  });
  return ok(tally);
}

async function previousScore(db: DbLike, target: VoteTarget, itemId: string, personId: string): Promise<VoteScore> {
  const t = tables[target];
  const result = await sql<{ score: number }>`
    select score from ${sql.table(t.votes)} where ${sql.ref(t.key)} = ${itemId} and person_id = ${personId}`.execute(
    db,
  );
  return (result.rows[0]?.score ?? 0) as VoteScore;
}
