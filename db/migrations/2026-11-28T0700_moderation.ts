// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Moderation and administration (docs/api.md, "Moderation"): reports on posts and comments, site
// and community bans with an optional expiry, the modlog, and the instance allow and block lists.
import { type Kysely, sql } from "kysely";

/** The modlog's action types: Lemmy's ModlogActionType names, one per Lemmy mod_* / admin_purge_* table. */
const MODLOG_ACTIONS = [
  "ModRemovePost",
  "ModLockPost",
  "ModFeaturePost",
  "ModRemoveComment",
  "ModRemoveCommunity",
  "ModBanFromCommunity",
  "ModAddCommunity",
  "ModTransferCommunity",
  "ModAdd",
  "ModBan",
  "AdminPurgePerson",
  "AdminPurgeCommunity",
  "AdminPurgePost",
  "AdminPurgeComment",
];

export async function up(db: Kysely<any>): Promise<void> {
  // A site ban: the person may read and log in but not post, comment, vote or report anywhere
  // (Lemmy's person.banned / ban_expires). No row: not banned. A row whose expires_at has passed
  // counts as no ban; the worker deletes such rows.
  await sql`
    create table site_bans (
      person_id bigint primary key references persons(id) on delete cascade,
      banned_by bigint references persons(id) on delete set null,
      reason text,
      expires_at timestamptz,
      published_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index site_bans_expires_idx on site_bans (expires_at) where expires_at is not null`.execute(db);

  // A ban from one community (Lemmy's community_person_ban), with the same expiry rule.
  await sql`
    create table community_bans (
      community_id bigint not null references communities(id) on delete cascade,
      person_id bigint not null references persons(id) on delete cascade,
      banned_by bigint references persons(id) on delete set null,
      reason text,
      expires_at timestamptz,
      published_at timestamptz not null default now(),
      primary key (community_id, person_id)
    )`.execute(db);
  await sql`create index community_bans_person_idx on community_bans (person_id)`.execute(db);
  await sql`create index community_bans_expires_idx on community_bans (expires_at) where expires_at is not null`.execute(
    db,
  );

  // Reports keep a copy of what was reported, so an edit after the report cannot hide it. One per
  // reporter and item: reporting again replaces the reason and reopens the report.
  await sql`
    create table post_reports (
      id bigint generated always as identity primary key,
      creator_id bigint not null references persons(id) on delete cascade,
      post_id bigint not null references posts(id) on delete cascade,
      original_post_name text not null,
      original_post_url text,
      original_post_body text,
      reason text not null,
      resolved boolean not null default false,
      resolver_id bigint references persons(id) on delete set null,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      constraint post_reports_post_creator_key unique (post_id, creator_id)
    )`.execute(db);
  await sql`
    create table comment_reports (
      id bigint generated always as identity primary key,
      creator_id bigint not null references persons(id) on delete cascade,
      comment_id bigint not null references comments(id) on delete cascade,
      original_comment_text text not null,
      reason text not null,
      resolved boolean not null default false,
      resolver_id bigint references persons(id) on delete set null,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      constraint comment_reports_comment_creator_key unique (comment_id, creator_id)
    )`.execute(db);
  for (const table of ["post_reports", "comment_reports"]) {
    // The queues list open reports newest first; the foreign keys need indexes for cascades.
    await sql`create index ${sql.raw(`${table}_open_idx`)} on ${sql.table(table)} (published_at desc, id desc) where not resolved`.execute(
      db,
    );
    await sql`create index ${sql.raw(`${table}_creator_idx`)} on ${sql.table(table)} (creator_id)`.execute(db);
    await sql`create index ${sql.raw(`${table}_resolver_idx`)} on ${sql.table(table)} (resolver_id) where resolver_id is not null`.execute(
      db,
    );
  }

  // Every moderator and admin action, in one table: the action, who did it, the ids it concerns,
  // the reason, a ban's expiry, and the state it set (removed, locked, featured, banned or added;
  // false when undone). Rows go with the post, comment, community or person they concern, as
  // Lemmy's mod tables do; the admin_purge rows stay, since they name none of what was purged.
  await sql`
    create table modlog (
      id bigint generated always as identity primary key,
      action text not null check (action in (${sql.join(MODLOG_ACTIONS.map((action) => sql.lit(action)))})),
      mod_person_id bigint references persons(id) on delete set null,
      other_person_id bigint references persons(id) on delete cascade,
      community_id bigint references communities(id) on delete cascade,
      post_id bigint references posts(id) on delete cascade,
      comment_id bigint references comments(id) on delete cascade,
      reason text,
      expires_at timestamptz,
      state boolean not null default true,
      featured_community boolean,
      published_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index modlog_published_idx on modlog (published_at desc, id desc)`.execute(db);
  await sql`create index modlog_community_idx on modlog (community_id, published_at desc, id desc) where community_id is not null`.execute(
    db,
  );
  for (const column of ["mod_person_id", "other_person_id", "post_id", "comment_id"]) {
    await sql`create index ${sql.raw(`modlog_${column}_idx`)} on modlog (${sql.ref(column)}) where ${sql.ref(column)} is not null`.execute(
      db,
    );
  }

  // The instances this one federates with only (allowed) or never (blocked), as editSite's
  // allowed_instances and blocked_instances set them. Enforcement belongs to federation.
  await sql`
    create table federation_lists (
      instance_id bigint primary key references instances(id) on delete cascade,
      list text not null check (list in ('allowed', 'blocked')),
      published_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "federation_lists",
    "modlog",
    "comment_reports",
    "post_reports",
    "community_bans",
    "site_bans",
  ]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
