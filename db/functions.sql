-- Replaceable SQL functions. Unlike the frozen migrations, this file is edited in place:
-- migrateToLatest (packages/core/src/db/migrate.ts) runs it after the migrations on every start,
-- in one transaction. Rules:
--   * every statement is `create or replace`, so running the file twice changes nothing;
--   * bodies are quoted ($$ … $$), so PostgreSQL records no dependency on tables or columns and
--     migrations stay free to change them (the functions are re-created right after);
--   * changing a function's arguments or return type needs a migration that drops the old one
--     (`create or replace` cannot do that), as does removing a function;
--   * PostgreSQL 15 features only (PGlite runs 18, production 15).
--
-- The ranks take the reference time as an argument instead of calling now(), so they are truly
-- immutable and tests can pin the time; the stored ranks are computed with now() by the insert
-- triggers below and by the periodic refresh.
-- Formulas: features-and-ranking.md §2 (research notes) and docs/architecture.md "Ranking".

-- Lemmy's hot rank: log10(max(2, score + 2)) / (age in hours + 2)^1.8 for posts younger than a
-- week, else 0 (also 0 for posts dated after ref_time).
create or replace function hot_rank(score double precision, published timestamptz, ref_time timestamptz)
returns double precision
language sql immutable parallel safe
as $$
  select case
    when ref_time - published > interval '0' and ref_time - published < interval '7 days' then
      log(greatest(2, score + 2)) / power(extract(epoch from (ref_time - published))::double precision / 3600 + 2, 1.8)
    else 0.0
  end
$$;

-- Hexbear's "Active" rank (hexbear-0.19.13, features-and-ranking.md §2.4). Comment activity moves
-- the post's effective time forward by at most 24 hours along a saturating exponential
-- (1/k = 82,330 s; the comment delay counts up to a week); every comment counts, the author's
-- and late ones too. Scores use log10(max(1, score + 3)). The effective age is clamped at 0
-- before adding 2 hours: Hexbear's curve can put the effective time up to ~100 s past the newest
-- comment, and a cursor's ref_time may predate a comment that arrived since.
create or replace function hot_rank_active(
  score double precision,
  published timestamptz,
  newest_comment_time timestamptz,
  ref_time timestamptz
)
returns double precision
language sql immutable parallel safe
as $$
  select case
    when ref_time - published > interval '0' and ref_time - published < interval '168 hours' then
      log(greatest(1, score + 3)) / power(
        greatest(
          0,
          extract(epoch from (ref_time - published))::double precision / 3600
            - 24 * (1 - exp(-0.000012146493725346809 * least(
                extract(epoch from (greatest(newest_comment_time, published) - published))::double precision,
                604800)))
        ) + 2,
        1.8)
    else 0.0
  end
$$;

-- Lemmy's scaled rank: the hot rank divided by log10(2 + the community's monthly active users),
-- so posts from small communities are not buried by big ones.
create or replace function scaled_rank(
  score double precision,
  published timestamptz,
  users_active_month double precision,
  ref_time timestamptz
)
returns double precision
language sql immutable parallel safe
as $$
  select hot_rank(score, published, ref_time) / log(2 + users_active_month)
$$;

-- Lemmy's controversy rank: (up + down)^(min(up, down) / max(up, down)), 0 without both kinds.
create or replace function controversy_rank(upvotes double precision, downvotes double precision)
returns double precision
language sql immutable parallel safe
as $$
  select case
    when downvotes <= 0 or upvotes <= 0 then 0.0
    else power(upvotes + downvotes, least(upvotes, downvotes) / greatest(upvotes, downvotes))
  end
$$;

-- Distinct persons who posted, commented or voted in a community since a time: the
-- users_active_* counts of a community view, computed on demand. The divisor of scaled_rank is
-- communities.users_active_month instead, refreshed by the worker for all communities at once
-- (packages/core/src/ranking/rank-refresh.ts).
create or replace function community_active_users(community bigint, since timestamptz)
returns bigint
language sql stable parallel safe
as $$
  select count(distinct person_id) from (
    select p.creator_id as person_id from posts p
      where p.community_id = community and p.published_at > since
    union all
    select c.creator_id from comments c join posts p on p.id = c.post_id
      where p.community_id = community and c.published_at > since
    union all
    select v.person_id from post_votes v join posts p on p.id = v.post_id
      where p.community_id = community and v.created_at > since
    union all
    select v.person_id from comment_votes v join comments c on c.id = v.comment_id join posts p on p.id = c.post_id
      where p.community_id = community and v.created_at > since
  ) active
$$;

-- Stored ranks (docs/architecture.md, "Stored ranks"): posts and comments keep their ranks in
-- columns that listings read through indexes. These triggers rank a new row in its own insert,
-- whichever code inserts it; the worker's refresh keeps them current afterwards (ranks decay
-- with age), votes update controversy_rank, and a new comment the post's hot_rank_active. The
-- triggers themselves are created by migration 2026-11-28T0400. They rank as of
-- clock_timestamp(), not now(): a row published by default at now() would otherwise be exactly
-- 0 hours old, which the formulas rank 0 (Lemmy's "from the future" rule).
create or replace function posts_rank_new_row()
returns trigger
language plpgsql
as $$
declare
  ref_time timestamptz := clock_timestamp();
begin
  new.hot_rank := hot_rank(new.score, new.published_at, ref_time);
  new.hot_rank_active := hot_rank_active(new.score, new.published_at, new.newest_comment_at, ref_time);
  new.scaled_rank := scaled_rank(
    new.score,
    new.published_at,
    coalesce((select c.users_active_month from communities c where c.id = new.community_id), 0),
    ref_time);
  new.controversy_rank := controversy_rank(new.upvotes, new.downvotes);
  return new;
end
$$;

create or replace function comments_rank_new_row()
returns trigger
language plpgsql
as $$
begin
  new.hot_rank := hot_rank(new.score, new.published_at, clock_timestamp());
  new.controversy_rank := controversy_rank(new.upvotes, new.downvotes);
  return new;
end
$$;
