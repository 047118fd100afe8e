// Keeping stored ranks current. Ranks decay with age, so the ranks stored on posts and comments
// (set at insert by the db/functions.sql triggers, moved by votes and new comments) are
// recomputed periodically by the worker, as Lemmy's scheduled task does
// (features-and-ranking.md §2.3, performance-anchors.md §1.1):
//
//   every RANK_REFRESH_INTERVAL_MS
//     posts:    rows whose ranks are not yet 0, by id, RANK_REFRESH_BATCH_SIZE at a time
//               (each batch its own statement: rows locked by a writer are skipped, never waited
//               for, and no lock is held longer than one batch)
//               + up to one batch of rows published within the last 7 days whose ranks are 0
//               (dated in the future when they were ranked, e.g. a remote clock ahead of ours)
//     comments: the same with comments.hot_rank
//   every ACTIVE_USERS_REFRESH_INTERVAL_MS
//     communities.users_active_month (the divisor of scaled_rank), all communities in one statement
//
// A rank reaches 0 once its row is a week old and stays 0, so the work per run is bounded by the
// rows of the last week, not by the table. Votes keep controversy_rank current themselves; the
// refresh recomputes it too, which costs nothing extra and heals rows changed by hand.
import { sql } from "kysely";
import type { Db } from "../db/connect.ts";

/** Rows per refresh statement: Lemmy's DB_BATCH_SIZE (crates/utils/src/lib.rs), 1,000. */
export const RANK_REFRESH_BATCH_SIZE = 1000;

/** Time between rank refreshes: Lemmy's scheduler runs update_hot_ranks every 10 minutes. */
export const RANK_REFRESH_INTERVAL_MS = 10 * 60_000;

/**
 * Time between refreshes of communities' monthly active users: Lemmy recomputes the month count
 * daily. It scans a month of posts, comments and votes, so it runs rarely; a day-old divisor
 * barely moves a log10.
 */
export const ACTIVE_USERS_REFRESH_INTERVAL_MS = 24 * 3600_000;

export interface RankRefreshResult {
  /** Posts whose ranks were recomputed. */
  posts: number;
  /** Comments whose ranks were recomputed. */
  comments: number;
  /** Statements run (batches). */
  batches: number;
}

export interface RankRefreshOptions {
  /** Rows per statement; RANK_REFRESH_BATCH_SIZE unless a test wants small batches. */
  batchSize?: number;
}

/**
 * Recomputes the stored ranks of every post and comment that still has a rank, as of now().
 * Safe to run in several workers at once (rows locked by another run are skipped).
 */
export async function refreshRanks(db: Db, options: RankRefreshOptions = {}): Promise<RankRefreshResult> {
  const batchSize = options.batchSize ?? RANK_REFRESH_BATCH_SIZE;
  const result: RankRefreshResult = { posts: 0, comments: 0, batches: 0 };
  const postRanks = sql`
    hot_rank = hot_rank(p.score, p.published_at, now()),
    hot_rank_active = hot_rank_active(p.score, p.published_at, p.newest_comment_at, now()),
    scaled_rank = scaled_rank(p.score, p.published_at, co.users_active_month, now()),
    controversy_rank = controversy_rank(p.upvotes, p.downvotes)`;
  const commentRanks = sql`
    hot_rank = hot_rank(c.score, c.published_at, now()),
    controversy_rank = controversy_rank(c.upvotes, c.downvotes)`;

  result.posts += await inBatches(batchSize, result, (after) =>
    sql<{ id: string }>`
      with batch as (
        select id from posts
        where (hot_rank <> 0 or hot_rank_active <> 0) and id > ${after}::bigint
        order by id
        limit ${batchSize}
        for update skip locked
      )
      update posts p set ${postRanks}
      from batch, communities co
      where p.id = batch.id and co.id = p.community_id
      returning p.id`.execute(db),
  );
  result.comments += await inBatches(batchSize, result, (after) =>
    sql<{ id: string }>`
      with batch as (
        select id from comments
        where hot_rank <> 0 and id > ${after}::bigint
        order by id
        limit ${batchSize}
        for update skip locked
      )
      update comments c set ${commentRanks}
      from batch
      where c.id = batch.id
      returning c.id`.execute(db),
  );
  // Rows ranked 0 because they were dated in the future when ranked, whose time has come: one
  // batch per run (there are next to none; more wait for the next run), found through the
  // publication-time indexes.
  const duePosts = await sql<{ id: string }>`
    with batch as (
      select id from posts
      where published_at > now() - interval '7 days' and published_at <= now()
        and hot_rank = 0 and hot_rank_active = 0
      limit ${batchSize}
      for update skip locked
    )
    update posts p set ${postRanks}
    from batch, communities co
    where p.id = batch.id and co.id = p.community_id
    returning p.id`.execute(db);
  const dueComments = await sql<{ id: string }>`
    with batch as (
      select id from comments
      where published_at > now() - interval '7 days' and published_at <= now() and hot_rank = 0
      limit ${batchSize}
      for update skip locked
    )
    update comments c set ${commentRanks}
    from batch
    where c.id = batch.id
    returning c.id`.execute(db);
  result.batches += 2;
  result.posts += duePosts.rows.length;
  result.comments += dueComments.rows.length;
  return result;
}

/**
 * Runs one batch statement after another, each continuing after the largest id the previous one
 * updated, until a batch comes back short (SKIP LOCKED fills a batch past locked rows, so a
 * short batch means the end). Returns the rows updated.
 */
async function inBatches(
  batchSize: number,
  result: RankRefreshResult,
  batch: (after: string) => Promise<{ rows: { id: string }[] }>,
): Promise<number> {
  let updated = 0;
  for (let after = "0"; ; ) {
    const { rows } = await batch(after);
    result.batches += 1;
    updated += rows.length;
    if (rows.length < batchSize) return updated;
    after = rows.reduce((max, row) => (BigInt(row.id) > BigInt(max) ? row.id : max), after);
  }
}

/**
 * Recomputes communities.users_active_month for every community: distinct people who posted,
 * commented or voted in it during the last month (as community_active_users counts them). Only
 * rows whose count changed are written. Returns the number of communities updated.
 */
export async function refreshCommunityActivity(db: Db): Promise<number> {
  const result = await sql`
    with active as (
      select community_id, count(distinct person_id)::int as n
      from (
        select p.community_id, p.creator_id as person_id from posts p
          where p.published_at > now() - interval '1 month'
        union all
        select p.community_id, c.creator_id from comments c join posts p on p.id = c.post_id
          where c.published_at > now() - interval '1 month'
        union all
        select p.community_id, v.person_id from post_votes v join posts p on p.id = v.post_id
          where v.created_at > now() - interval '1 month'
        union all
        select p.community_id, v.person_id from comment_votes v
          join comments c on c.id = v.comment_id join posts p on p.id = c.post_id
          where v.created_at > now() - interval '1 month'
      ) activity
      group by community_id
    )
    update communities c set users_active_month = coalesce(active.n, 0)
    from communities c2 left join active on active.community_id = c2.id
    where c.id = c2.id and c.users_active_month <> coalesce(active.n, 0)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
