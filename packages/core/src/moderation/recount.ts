// Counters recomputed from the rows behind them, after changes too wide to count one by one: a
// purge (rows, their replies and their votes really gone) or a ban that removes a person's
// content. Each function takes the ids that may have changed; ids that no longer exist are
// skipped. Counted means neither deleted nor removed, as everywhere else (comment.service.ts).
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";

const unique = (ids: Iterable<string>) => [...new Set(ids)];

/** Votes (score, upvotes, downvotes, controversy_rank) and comment_count of posts. */
export async function recountPosts(db: DbLike, postIds: Iterable<string>): Promise<void> {
  const ids = unique(postIds);
  if (ids.length === 0) return;
  await sql`
    update posts p set
      upvotes = s.up, downvotes = s.down, score = s.up - s.down,
      controversy_rank = controversy_rank(s.up, s.down),
      comment_count = s.comments
    from (
      select x.id,
        (select count(*) from post_votes v where v.post_id = x.id and v.score = 1)::int as up,
        (select count(*) from post_votes v where v.post_id = x.id and v.score = -1)::int as down,
        (select count(*) from comments c where c.post_id = x.id and not c.deleted and not c.removed)::int as comments
      from posts x where x.id in (${sql.join(ids)})
    ) s
    where p.id = s.id`.execute(db);
}

/** Votes and child_count (every descendant, deleted or not, as Lemmy counts) of comments. */
export async function recountComments(db: DbLike, commentIds: Iterable<string>): Promise<void> {
  const ids = unique(commentIds);
  if (ids.length === 0) return;
  await sql`
    update comments c set
      upvotes = s.up, downvotes = s.down, score = s.up - s.down,
      controversy_rank = controversy_rank(s.up, s.down),
      child_count = s.children
    from (
      select x.id,
        (select count(*) from comment_votes v where v.comment_id = x.id and v.score = 1)::int as up,
        (select count(*) from comment_votes v where v.comment_id = x.id and v.score = -1)::int as down,
        (select count(*) from comments d where d.path <@ x.path and d.id <> x.id)::int as children
      from comments x where x.id in (${sql.join(ids)})
    ) s
    where c.id = s.id`.execute(db);
}

/** post_count and comment_count of communities (comments count when they and their post do). */
export async function recountCommunities(db: DbLike, communityIds: Iterable<string>): Promise<void> {
  const ids = unique(communityIds);
  if (ids.length === 0) return;
  await sql`
    update communities co set
      post_count = (select count(*) from posts p
        where p.community_id = co.id and not p.deleted and not p.removed),
      comment_count = (select count(*) from comments c join posts p on p.id = c.post_id
        where p.community_id = co.id and not p.deleted and not p.removed and not c.deleted and not c.removed)
    where co.id in (${sql.join(ids)})`.execute(db);
}

/** post_count and comment_count of persons. */
export async function recountPersons(db: DbLike, personIds: Iterable<string>): Promise<void> {
  const ids = unique(personIds);
  if (ids.length === 0) return;
  await sql`
    update persons pe set
      post_count = (select count(*) from posts p where p.creator_id = pe.id and not p.deleted and not p.removed),
      comment_count = (select count(*) from comments c where c.creator_id = pe.id and not c.deleted and not c.removed)
    where pe.id in (${sql.join(ids)})`.execute(db);
}
