// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Stored ranks with an index per front-page sort, person and community blocks, full-text search
// columns, and the site's taglines (docs/architecture.md, "Stored ranks"; docs/api.md).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // Ranks are kept on the rows (Lemmy's hot_rank, hot_rank_active, scaled_rank, controversy_rank)
  // so listings read them through indexes instead of computing them per row. Rows that exist
  // now start at 0.0001, Lemmy's default for unranked rows (migration 2023-11-22-194806): not 0,
  // so the periodic refresh (which skips ranks that have reached 0) picks them up on its first run.
  await sql`
    alter table posts
      add column hot_rank double precision not null default 0.0001,
      add column hot_rank_active double precision not null default 0.0001,
      add column scaled_rank double precision not null default 0.0001,
      add column controversy_rank double precision not null default 0`.execute(db);
  await sql`update posts set controversy_rank = case
      when upvotes > 0 and downvotes > 0
        then power(upvotes + downvotes, least(upvotes, downvotes)::float8 / greatest(upvotes, downvotes))
      else 0 end
    where upvotes > 0 and downvotes > 0`.execute(db);
  await sql`
    alter table comments
      add column hot_rank double precision not null default 0.0001,
      add column controversy_rank double precision not null default 0`.execute(db);
  await sql`update comments set controversy_rank =
      power(upvotes + downvotes, least(upvotes, downvotes)::float8 / greatest(upvotes, downvotes))
    where upvotes > 0 and downvotes > 0`.execute(db);
  // The divisor of scaled_rank: distinct people active in the community over the last month,
  // refreshed by the worker (Lemmy keeps it in community_aggregates, refreshed daily).
  await sql`alter table communities add column users_active_month integer not null default 0`.execute(db);

  // New rows are ranked in their insert, whichever code inserts them (API, federation, bulk
  // loads): a BEFORE INSERT trigger per table. The bodies live in db/functions.sql (replaceable);
  // these stubs only exist so the triggers can be created before that file runs.
  for (const table of ["posts", "comments"]) {
    await sql`
      create function ${sql.raw(`${table}_rank_new_row`)}() returns trigger language plpgsql
      as $$ begin return new; end $$`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_rank_new_row`)} before insert on ${sql.table(table)}
      for each row execute function ${sql.raw(`${table}_rank_new_row`)}()`.execute(db);
  }

  // One index per front-page sort, in the sort's exact order (docs/api.md, "getPosts"), so a page
  // is an index range scan with no sort: across communities by featured_local, inside one by
  // community_id and featured_community (Lemmy's idx_post_featured_local_hot and friends).
  const sortKeys: Record<string, string> = {
    hot: "hot_rank desc, published_at desc, id desc",
    active: "hot_rank_active desc, published_at desc, id desc",
    scaled: "scaled_rank desc, published_at desc, id desc",
    controversy: "controversy_rank desc, published_at desc, id desc",
    score: "score desc, published_at desc, id desc",
    new: "published_at desc, id desc",
  };
  for (const [name, keys] of Object.entries(sortKeys)) {
    await sql`create index ${sql.raw(`posts_featured_local_${name}_idx`)}
      on posts (featured_local desc, ${sql.raw(keys)})`.execute(db);
    await sql`create index ${sql.raw(`posts_community_featured_${name}_idx`)}
      on posts (community_id, featured_community desc, ${sql.raw(keys)})`.execute(db);
  }
  // Replaced by posts_community_featured_new_idx, which starts with the same column: kept, it
  // would lure the planner into sorting a community's posts of a Top window instead of reading
  // them in score order.
  await sql`drop index posts_community_published_idx`.execute(db);
  // A thread's top-level comments by Hot, the default comment sort, in index order: a page of a
  // 10,000-comment thread reads its page, not every top-level comment. (Top, Controversial and
  // replies sort the rows found through comments_roots_idx and comments_children_idx.)
  await sql`create index comments_roots_hot_idx on comments (post_id, hot_rank desc, score desc, id desc)
    where parent_id is null`.execute(db);
  // The rank refresh walks only rows whose ranks have not reached 0 (Lemmy's
  // idx_post_aggregates_nonzero_hotrank); the rest stay untouched for good.
  await sql`create index posts_ranked_idx on posts (id) where hot_rank <> 0 or hot_rank_active <> 0`.execute(db);
  await sql`create index comments_ranked_idx on comments (id) where hot_rank <> 0`.execute(db);

  // Blocks set by a person: their listings leave out the blocked person's content, or the
  // blocked community's.
  await sql`
    create table person_blocks (
      person_id bigint not null references persons(id) on delete cascade,
      target_id bigint not null references persons(id) on delete cascade,
      published_at timestamptz not null default now(),
      primary key (person_id, target_id),
      check (person_id <> target_id)
    )`.execute(db);
  await sql`
    create table community_blocks (
      person_id bigint not null references persons(id) on delete cascade,
      community_id bigint not null references communities(id) on delete cascade,
      published_at timestamptz not null default now(),
      primary key (person_id, community_id)
    )`.execute(db);

  // Full-text search: a generated tsvector per searchable table and a GIN index on it. Prose is
  // stemmed as English; names are matched as written ('simple').
  await sql`
    alter table posts add column search_vector tsvector generated always as (
      to_tsvector('english'::regconfig, title || ' ' || coalesce(body, ''))) stored`.execute(db);
  await sql`
    alter table comments add column search_vector tsvector generated always as (
      to_tsvector('english'::regconfig, body)) stored`.execute(db);
  await sql`
    alter table communities add column search_vector tsvector generated always as (
      setweight(to_tsvector('simple'::regconfig, name), 'A')
      || setweight(to_tsvector('english'::regconfig, title), 'B')
      || to_tsvector('english'::regconfig, coalesce(description, ''))) stored`.execute(db);
  await sql`
    alter table persons add column search_vector tsvector generated always as (
      to_tsvector('simple'::regconfig, name || ' ' || coalesce(display_name, ''))) stored`.execute(db);
  for (const table of ["posts", "comments", "communities", "persons"]) {
    await sql`create index ${sql.raw(`${table}_search_idx`)} on ${sql.table(table)} using gin (search_vector)`.execute(
      db,
    );
  }
  // Search by link (search type Url): the post's URL as stored.
  await sql`create index posts_url_idx on posts (url) where url is not null`.execute(db);

  // Taglines shown at random atop pages; editSite replaces the whole list.
  await sql`
    create table taglines (
      id bigint generated always as identity primary key,
      content text not null,
      published_at timestamptz not null default now(),
      updated_at timestamptz
    )`.execute(db);
}
