import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";

export interface InstanceStats {
  users: number;
  /** Local users who posted or commented in the last 30 days / 180 days (NodeInfo's activeMonth/activeHalfyear). */
  activeMonth: number;
  activeHalfyear: number;
  localPosts: number;
  localComments: number;
}

export async function getInstanceStats(db: DbLike): Promise<InstanceStats> {
  const active = (days: number) => sql<string>`(
    select count(*) from local_users u where exists (
      select 1 from posts p where p.creator_id = u.person_id and p.published_at > now() - ${`${days} days`}::interval
    ) or exists (
      select 1 from comments c where c.creator_id = u.person_id and c.published_at > now() - ${`${days} days`}::interval
    ))`;
  const row = await sql<{
    users: string;
    active_month: string;
    active_halfyear: string;
    posts: string;
    comments: string;
  }>`
    select
      (select count(*) from local_users) as users,
      ${active(30)} as active_month,
      ${active(180)} as active_halfyear,
      (select count(*) from posts where local) as posts,
      (select count(*) from comments where local) as comments`.execute(db);
  const r = row.rows[0];
  return {
    users: Number(r?.users ?? 0),
    activeMonth: Number(r?.active_month ?? 0),
    activeHalfyear: Number(r?.active_halfyear ?? 0),
    localPosts: Number(r?.posts ?? 0),
    localComments: Number(r?.comments ?? 0),
  };
}
