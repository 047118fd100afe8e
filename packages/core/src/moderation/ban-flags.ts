// The ban flags of read views (Lemmy's creator.banned / ban_expires, creator_banned_from_community
// and the reader's banned_from_community), as select-list subqueries. Each is one primary-key
// lookup in a small table, evaluated only for the rows a view returns, so listings keep their
// plans (an index read in order, test/integration/ranking.test.ts) and their statement count.
// A ban counts while it has not expired at the statement's time (now()), as checkBan (bans.ts)
// decides, so an expired ban stops showing at once, before the worker deletes its row.
import { type RawBuilder, sql } from "kysely";

/** Whether the person in `personColumn` (e.g. "p.creator_id") is under a site ban now. */
export function siteBannedNow(personColumn: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from site_bans as sbf where sbf.person_id = ${sql.ref(personColumn)}
    and (sbf.expires_at is null or sbf.expires_at > now()))`;
}

/** When the site ban in force on the person in `personColumn` ends: null for none, or for a ban for good. */
export function siteBanExpiresAt(personColumn: string): RawBuilder<Date | null> {
  return sql<Date | null>`(select sbe.expires_at from site_bans as sbe where sbe.person_id = ${sql.ref(personColumn)}
    and (sbe.expires_at is null or sbe.expires_at > now()))`;
}

/**
 * Whether a person is banned now from the community in `communityColumn`: the person in a column
 * (the creator), or a given person id (the reader), passed on as a parameter.
 */
export function communityBannedNow(
  communityColumn: string,
  person: { column: string } | { id: string },
): RawBuilder<boolean> {
  const personSql = "column" in person ? sql.ref(person.column) : sql`${person.id}`;
  return sql<boolean>`exists (select 1 from community_bans as cbf where cbf.community_id = ${sql.ref(communityColumn)}
    and cbf.person_id = ${personSql} and (cbf.expires_at is null or cbf.expires_at > now()))`;
}
