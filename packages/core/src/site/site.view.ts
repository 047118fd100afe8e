import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { PersonRow } from "../db/schema.ts";

export interface SiteCounts {
  users: number;
  posts: number;
  comments: number;
  communities: number;
  usersActiveDay: number;
  usersActiveWeek: number;
  usersActiveMonth: number;
  usersActiveHalfYear: number;
}

/** Local counts for the site's sidebar and getSite; active = posted or commented in the period. */
export async function getSiteCounts(db: DbLike): Promise<SiteCounts> {
  const active = (interval: string) => sql<string>`(
    select count(*) from local_users u where exists (
      select 1 from posts p where p.creator_id = u.person_id and p.published_at > now() - ${interval}::interval
    ) or exists (
      select 1 from comments c where c.creator_id = u.person_id and c.published_at > now() - ${interval}::interval
    ))`;
  const result = await sql<Record<string, string>>`
    select
      (select count(*) from local_users) as users,
      (select count(*) from posts where local and not deleted and not removed) as posts,
      (select count(*) from comments where local and not deleted and not removed) as comments,
      (select count(*) from communities where local and not deleted and not removed) as communities,
      ${active("1 day")} as day,
      ${active("7 days")} as week,
      ${active("30 days")} as month,
      ${active("180 days")} as half_year`.execute(db);
  const r = result.rows[0] ?? {};
  return {
    users: Number(r.users ?? 0),
    posts: Number(r.posts ?? 0),
    comments: Number(r.comments ?? 0),
    communities: Number(r.communities ?? 0),
    usersActiveDay: Number(r.day ?? 0),
    usersActiveWeek: Number(r.week ?? 0),
    usersActiveMonth: Number(r.month ?? 0),
    usersActiveHalfYear: Number(r.half_year ?? 0),
  };
}

/** Local admins, oldest first (the first is the site's creator). */
export async function listAdmins(db: DbLike): Promise<PersonRow[]> {
  return db
    .selectFrom("persons as p")
    .innerJoin("local_users as u", "u.person_id", "p.id")
    .where("u.admin", "=", true)
    .orderBy("u.created_at")
    .selectAll("p")
    .execute();
}
