// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Accounts (site settings, login tokens, registration applications, user settings, pronouns),
// community and post fields of Lemmy's API v3, saved posts and comments, content counters.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // The one row of site settings (id = 1), created at start-up with a fresh JWT secret.
  await sql`
    create table site (
      id integer primary key check (id = 1),
      name text not null,
      description text,
      sidebar text,
      icon_url text,
      banner_url text,
      legal_information text,
      registration_mode text not null default 'Open'
        check (registration_mode in ('Open', 'RequireApplication', 'Closed')),
      application_question text,
      enable_downvotes boolean not null default true,
      enable_nsfw boolean not null default true,
      community_creation_admin_only boolean not null default false,
      default_sort_type text not null default 'Active',
      default_listing_type text not null default 'Local',
      hide_modlog_mod_names boolean not null default true,
      pronouns text[] not null,
      jwt_secret text not null,
      published_at timestamptz not null default now(),
      updated_at timestamptz
    )`.execute(db);

  // Issued logins (API JWTs and web sessions). Only a hash of each token is kept; logging out
  // deletes the row, which invalidates the token even though its signature stays valid.
  await sql`
    create table login_tokens (
      token_hash text primary key,
      person_id bigint not null references persons(id) on delete cascade,
      ip text,
      user_agent text,
      published_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index login_tokens_person_idx on login_tokens (person_id)`.execute(db);

  await sql`
    create table registration_applications (
      id bigint generated always as identity primary key,
      person_id bigint not null constraint registration_applications_person_key unique
        references persons(id) on delete cascade,
      answer text not null,
      admin_id bigint references persons(id) on delete set null,
      deny_reason text,
      published_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    alter table local_users
      add column show_nsfw boolean not null default false,
      add column blur_nsfw boolean not null default true,
      add column show_bot_accounts boolean not null default true,
      add column show_read_posts boolean not null default true,
      add column show_scores boolean not null default true,
      add column show_avatars boolean not null default true,
      add column open_links_in_new_tab boolean not null default false,
      add column default_sort_type text not null default 'Active',
      add column default_listing_type text not null default 'Local',
      add column theme text not null default 'browser',
      add column interface_language text not null default 'browser',
      add column email_verified boolean not null default false,
      add column accepted_application boolean not null default true`.execute(db);

  // Pronouns are structured data: up to two values from the site's list (docs/api.md).
  await sql`
    alter table persons
      add column pronouns text[] not null default '{}',
      add column post_count integer not null default 0,
      add column comment_count integer not null default 0`.execute(db);

  await sql`
    alter table communities
      add column visibility text not null default 'Public',
      add column hidden boolean not null default false,
      add column post_count integer not null default 0,
      add column comment_count integer not null default 0`.execute(db);

  // Lemmy identifies languages by number (0 = undetermined); see packages/core/src/languages.ts.
  await sql`
    alter table posts
      drop column language,
      add column language_id integer not null default 0,
      add column embed_title text,
      add column embed_description text,
      add column thumbnail_url text,
      add column embed_video_url text,
      add column url_content_type text,
      add column alt_text text`.execute(db);

  await sql`
    alter table comments
      drop column language,
      add column language_id integer not null default 0,
      add column distinguished boolean not null default false`.execute(db);

  for (const target of ["post", "comment"] as const) {
    await sql`
      create table ${sql.ref(`${target}_saves`)} (
        person_id bigint not null references persons(id) on delete cascade,
        ${sql.ref(`${target}_id`)} bigint not null references ${sql.ref(`${target}s`)}(id) on delete cascade,
        published_at timestamptz not null default now(),
        primary key (person_id, ${sql.ref(`${target}_id`)})
      )`.execute(db);
  }

  // Listing a community's or person's posts newest first, and a person's comments.
  await sql`create index posts_creator_published_idx on posts (creator_id, published_at desc)`.execute(db);
  await sql`drop index posts_creator_idx`.execute(db);
  await sql`create index comments_creator_published_idx on comments (creator_id, published_at desc)`.execute(db);
  await sql`drop index comments_creator_idx`.execute(db);
  // Children of a comment, for replies and tree continuation.
  await sql`create index comments_parent_idx on comments (parent_id) where parent_id is not null`.execute(db);
}
