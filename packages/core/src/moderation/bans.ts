// Bans: from the whole site (admins) or from one community (its moderators and admins), each with
// an optional expiry. A banned person can still log in and read, but cannot post, comment, vote
// or report where the ban applies (Lemmy's site_ban and banned_from_community).
//
// Expiry needs no job to take effect: every check compares expires_at with the time it is given
// (now by default), so an expired ban is no ban at once. The worker's clearExpiredBans only
// deletes such rows so the tables stay small; it writes nothing to the modlog, as Lemmy's hourly
// task does not.
import { sql } from "kysely";
import { PERSON_COLUMNS } from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { PersonRow } from "../db/schema.ts";

export type BanError = { type: "site_ban" } | { type: "banned_from_community" };

/** Where an action happens: a community, or the community of a post or comment; null for site-wide actions. */
export type BanScope = { communityId: string } | { postId: string } | { commentId: string } | null;

/** How often the worker deletes expired bans (Lemmy's scheduled task runs hourly). */
export const BAN_EXPIRY_INTERVAL_MS = 60 * 60_000;

/**
 * Whether a person may act (post, comment, vote, report) in the given place at `now`: null, or
 * the ban that stops them. A site ban comes first. Expired bans count as none.
 */
export async function checkBan(
  db: DbLike,
  personId: string,
  scope: BanScope,
  now: Date = new Date(),
): Promise<BanError | null> {
  const at = now.toISOString();
  const communityOf = !scope
    ? sql`null::bigint`
    : "communityId" in scope
      ? sql`${scope.communityId}::bigint`
      : "postId" in scope
        ? sql`(select community_id from posts where id = ${scope.postId})`
        : sql`(select p.community_id from comments c join posts p on p.id = c.post_id where c.id = ${scope.commentId})`;
  const result = await sql<{ site: boolean; community: boolean }>`
    select
      exists (select 1 from site_bans where person_id = ${personId}
        and (expires_at is null or expires_at > ${at}::timestamptz)) as site,
      exists (select 1 from community_bans where person_id = ${personId} and community_id = ${communityOf}
        and (expires_at is null or expires_at > ${at}::timestamptz)) as community`.execute(db);
  const row = result.rows[0];
  if (row?.site) return { type: "site_ban" };
  if (row?.community) return { type: "banned_from_community" };
  return null;
}

/** A ban in force, with who set it and until when (null: for good). */
export interface ActiveBan {
  reason: string | null;
  expiresAt: Date | null;
  bannedBy: string | null;
  publishedAt: Date;
}

/** The person's site ban in force at `now`, if any. */
export async function findSiteBan(db: DbLike, personId: string, now: Date = new Date()): Promise<ActiveBan | null> {
  const row = await db
    .selectFrom("site_bans")
    .selectAll()
    .where("person_id", "=", personId)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirst();
  return row
    ? { reason: row.reason, expiresAt: row.expires_at, bannedBy: row.banned_by, publishedAt: row.published_at }
    : null;
}

/** The person's ban from a community in force at `now`, if any. */
export async function findCommunityBan(
  db: DbLike,
  communityId: string,
  personId: string,
  now: Date = new Date(),
): Promise<ActiveBan | null> {
  const row = await db
    .selectFrom("community_bans")
    .selectAll()
    .where("community_id", "=", communityId)
    .where("person_id", "=", personId)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirst();
  return row
    ? { reason: row.reason, expiresAt: row.expires_at, bannedBy: row.banned_by, publishedAt: row.published_at }
    : null;
}

/** Sets or lifts a site ban (the caller checks permissions and logs it). */
export async function writeSiteBan(
  db: DbLike,
  input: { personId: string; ban: boolean; bannedBy: string; reason: string | null; expiresAt: Date | null },
): Promise<void> {
  if (!input.ban) {
    await db.deleteFrom("site_bans").where("person_id", "=", input.personId).execute();
    return;
  }
  const values = { banned_by: input.bannedBy, reason: input.reason, expires_at: input.expiresAt };
  await db
    .insertInto("site_bans")
    .values({ person_id: input.personId, ...values })
    .onConflict((oc) => oc.column("person_id").doUpdateSet({ ...values, published_at: new Date() }))
    .execute();
}

/** Sets or lifts a community ban (the caller checks permissions and logs it). */
export async function writeCommunityBan(
  db: DbLike,
  input: {
    communityId: string;
    personId: string;
    ban: boolean;
    bannedBy: string;
    reason: string | null;
    expiresAt: Date | null;
  },
): Promise<void> {
  if (!input.ban) {
    await db
      .deleteFrom("community_bans")
      .where("community_id", "=", input.communityId)
      .where("person_id", "=", input.personId)
      .execute();
    return;
  }
  const values = { banned_by: input.bannedBy, reason: input.reason, expires_at: input.expiresAt };
  await db
    .insertInto("community_bans")
    .values({ community_id: input.communityId, person_id: input.personId, ...values })
    .onConflict((oc) => oc.columns(["community_id", "person_id"]).doUpdateSet({ ...values, published_at: new Date() }))
    .execute();
}

/**
 * Deletes bans that expired by `now` and answers how many. Nothing is logged: the ban's modlog
 * entry already says when it ends. Safe to run in several workers at once.
 */
export async function clearExpiredBans(
  db: DbLike,
  now: Date = new Date(),
): Promise<{ siteBans: number; communityBans: number }> {
  const site = await db.deleteFrom("site_bans").where("expires_at", "<=", now).executeTakeFirst();
  const community = await db.deleteFrom("community_bans").where("expires_at", "<=", now).executeTakeFirst();
  return { siteBans: Number(site.numDeletedRows), communityBans: Number(community.numDeletedRows) };
}

/** Persons under a site ban at `now`, most recently banned first (getBannedPersons, the admin page). */
export async function listSiteBannedPersons(
  db: DbLike,
  now: Date = new Date(),
): Promise<{ person: PersonRow; ban: ActiveBan }[]> {
  const rows = await db
    .selectFrom("site_bans as b")
    .innerJoin("persons as p", "p.id", "b.person_id")
    .where((eb) => eb.or([eb("b.expires_at", "is", null), eb("b.expires_at", ">", now)]))
    .orderBy("b.published_at", "desc")
    .select(PERSON_COLUMNS.map((column) => `p.${column}` as const))
    .select([
      "b.reason as ban_reason",
      "b.expires_at as ban_expires_at",
      "b.banned_by as ban_banned_by",
      "b.published_at as ban_published_at",
    ])
    .execute();
  return rows.map(({ ban_reason, ban_expires_at, ban_banned_by, ban_published_at, ...person }) => ({
    person: person as PersonRow,
    ban: { reason: ban_reason, expiresAt: ban_expires_at, bannedBy: ban_banned_by, publishedAt: ban_published_at },
  }));
}

/** Of the given persons, those banned from the community at `now` (for badges in listings). */
export async function bannedFromCommunity(
  db: DbLike,
  communityId: string,
  personIds: readonly string[],
  now: Date = new Date(),
): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("community_bans")
    .select("person_id")
    .where("community_id", "=", communityId)
    .where("person_id", "in", [...new Set(personIds)])
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .execute();
  return new Set(rows.map((row) => row.person_id));
}
