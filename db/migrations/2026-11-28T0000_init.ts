// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Uses Kysely<any> on purpose so the migration does not change when app types do.
import { type Kysely, sql } from "kysely";

/** Columns every federated actor or object row carries. */
function federatedColumns(table: string) {
  return sql.raw(`
    ap_id text not null constraint ${table}_ap_id_key unique,
    local boolean not null,
    instance_id bigint not null references instances(id) on delete cascade`);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists ltree`.execute(db);

  await sql`
    create table instances (
      id bigint generated always as identity primary key,
      host text not null constraint instances_host_key unique,
      software text,
      software_version text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table persons (
      id bigint generated always as identity primary key,
      ${federatedColumns("persons")},
      name text not null,
      display_name text,
      bio text,
      avatar_url text,
      banner_url text,
      bot boolean not null default false,
      inbox_url text not null,
      shared_inbox_url text,
      outbox_url text,
      followers_url text,
      public_key_pem text,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      last_fetched_at timestamptz,
      deleted boolean not null default false
    )`.execute(db);
  await sql`create unique index persons_instance_name_key on persons (instance_id, lower(name))`.execute(db);

  // Login data of local persons only; remote persons never have a row here.
  await sql`
    create table local_users (
      person_id bigint primary key references persons(id) on delete cascade,
      password_hash text not null,
      email text,
      admin boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index local_users_email_key on local_users (lower(email)) where email is not null`.execute(
    db,
  );

  await sql`
    create table communities (
      id bigint generated always as identity primary key,
      ${federatedColumns("communities")},
      name text not null,
      title text not null,
      description text,
      sidebar text,
      icon_url text,
      banner_url text,
      nsfw boolean not null default false,
      posting_restricted_to_mods boolean not null default false,
      inbox_url text not null,
      shared_inbox_url text,
      outbox_url text,
      followers_url text,
      moderators_url text,
      featured_url text,
      public_key_pem text,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      last_fetched_at timestamptz,
      deleted boolean not null default false,
      removed boolean not null default false
    )`.execute(db);
  await sql`create unique index communities_instance_name_key on communities (instance_id, lower(name))`.execute(db);

  await sql`
    create table community_moderators (
      community_id bigint not null references communities(id) on delete cascade,
      person_id bigint not null references persons(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (community_id, person_id)
    )`.execute(db);

  // A follow is 'pending' until the community's Accept arrives (always 'accepted' for local pairs).
  await sql`
    create table community_follows (
      community_id bigint not null references communities(id) on delete cascade,
      person_id bigint not null references persons(id) on delete cascade,
      state text not null check (state in ('pending', 'accepted')),
      follow_activity_id text,
      created_at timestamptz not null default now(),
      accepted_at timestamptz,
      primary key (community_id, person_id)
    )`.execute(db);
  await sql`create index community_follows_person_idx on community_follows (person_id)`.execute(db);

  await sql`
    create table posts (
      id bigint generated always as identity primary key,
      ${federatedColumns("posts")},
      community_id bigint not null references communities(id) on delete cascade,
      creator_id bigint not null references persons(id) on delete cascade,
      title text not null,
      url text,
      body text,
      nsfw boolean not null default false,
      language text,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      deleted boolean not null default false,
      removed boolean not null default false,
      locked boolean not null default false,
      featured_community boolean not null default false,
      featured_local boolean not null default false,
      score integer not null default 0,
      upvotes integer not null default 0,
      downvotes integer not null default 0,
      comment_count integer not null default 0,
      newest_comment_at timestamptz
    )`.execute(db);
  await sql`create index posts_community_published_idx on posts (community_id, published_at desc)`.execute(db);
  await sql`create index posts_creator_idx on posts (creator_id)`.execute(db);

  // path is the materialized tree path: '0.<root id>.<child id>...' as Lemmy stores it.
  await sql`
    create table comments (
      id bigint generated always as identity primary key,
      ${federatedColumns("comments")},
      post_id bigint not null references posts(id) on delete cascade,
      creator_id bigint not null references persons(id) on delete cascade,
      parent_id bigint references comments(id) on delete cascade,
      path ltree not null,
      body text not null,
      language text,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      deleted boolean not null default false,
      removed boolean not null default false,
      score integer not null default 0,
      upvotes integer not null default 0,
      downvotes integer not null default 0,
      child_count integer not null default 0
    )`.execute(db);
  await sql`create index comments_post_path_idx on comments using gist (path)`.execute(db);
  await sql`create index comments_post_idx on comments (post_id, published_at)`.execute(db);
  await sql`create index comments_creator_idx on comments (creator_id)`.execute(db);

  for (const target of ["post", "comment"] as const) {
    await sql`
      create table ${sql.ref(`${target}_votes`)} (
        ${sql.ref(`${target}_id`)} bigint not null references ${sql.ref(`${target}s`)}(id) on delete cascade,
        person_id bigint not null references persons(id) on delete cascade,
        score smallint not null check (score in (-1, 1)),
        ap_id text,
        created_at timestamptz not null default now(),
        primary key (${sql.ref(`${target}_id`)}, person_id)
      )`.execute(db);
    await sql`create index ${sql.ref(`${target}_votes_person_idx`)} on ${sql.ref(`${target}_votes`)} (person_id)`.execute(
      db,
    );
  }

  // Key pairs of local actors, generated once and kept (RSA for draft-cavage and RFC 9421, Ed25519 for proofs).
  await sql`
    create table actor_key_pairs (
      id bigint generated always as identity primary key,
      person_id bigint references persons(id) on delete cascade,
      community_id bigint references communities(id) on delete cascade,
      algorithm text not null check (algorithm in ('RSASSA-PKCS1-v1_5', 'Ed25519')),
      public_key jsonb not null,
      private_key jsonb not null,
      created_at timestamptz not null default now(),
      check ((person_id is null) <> (community_id is null))
    )`.execute(db);
  await sql`create unique index actor_key_pairs_person_key on actor_key_pairs (person_id, algorithm) where person_id is not null`.execute(
    db,
  );
  await sql`create unique index actor_key_pairs_community_key on actor_key_pairs (community_id, algorithm) where community_id is not null`.execute(
    db,
  );

  // Fedify's key-value store (caches, idempotency records, circuit-breaker state).
  await sql`
    create table fedify_kv (
      key text[] primary key,
      value jsonb not null,
      expires_at timestamptz
    )`.execute(db);
  await sql`create index fedify_kv_expires_idx on fedify_kv (expires_at) where expires_at is not null`.execute(db);

  // One durable queue table for Fedify's messages and our own domain events (column queue tells them apart).
  await sql`
    create table queue_messages (
      id bigint generated always as identity primary key,
      queue text not null,
      message jsonb not null,
      ordering_key text,
      run_at timestamptz not null default now(),
      locked_until timestamptz,
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index queue_messages_due_idx on queue_messages (queue, run_at, id)`.execute(db);
  await sql`create index queue_messages_ordering_idx on queue_messages (queue, ordering_key, id) where ordering_key is not null`.execute(
    db,
  );
}
