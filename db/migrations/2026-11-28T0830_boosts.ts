// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Boosts (docs/federation.md, "Mastodon and other microblogs"): a remote person's Announce of a
// post or comment here, as Mastodon sends for a boost. One row per person and item, found again
// by the Announce's id when it is undone; each item keeps the count its pages and API show.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table boosts (
      id bigserial primary key,
      ap_id text not null unique,
      person_id bigint not null references persons(id) on delete cascade,
      post_id bigint references posts(id) on delete cascade,
      comment_id bigint references comments(id) on delete cascade,
      created_at timestamptz not null default now(),
      check ((post_id is null) <> (comment_id is null))
    )`.execute(db);
  await sql`create unique index boosts_person_post_idx on boosts (post_id, person_id) where post_id is not null`.execute(
    db,
  );
  await sql`create unique index boosts_person_comment_idx on boosts (comment_id, person_id) where comment_id is not null`.execute(
    db,
  );
  await sql`create index boosts_person_idx on boosts (person_id)`.execute(db);
  await sql`alter table posts add column boost_count integer not null default 0`.execute(db);
  await sql`alter table comments add column boost_count integer not null default 0`.execute(db);
}
