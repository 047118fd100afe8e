// Read views: one query per page or collection, returning what the caller shows. No rules here.
import type { DbLike } from "../db/connect.ts";

export interface ModeratorView {
  name: string;
  displayName: string | null;
  apId: string;
  local: boolean;
}

export interface CommunityPageView {
  id: string;
  name: string;
  title: string;
  description: string | null;
  apId: string;
  local: boolean;
  nsfw: boolean;
  publishedAt: Date;
  subscriberCount: number;
  moderators: ModeratorView[];
}

export async function getLocalCommunityPage(db: DbLike, name: string): Promise<CommunityPageView | undefined> {
  const community = await db
    .selectFrom("communities as c")
    .where("c.local", "=", true)
    .where((eb) => eb(eb.fn("lower", ["c.name"]), "=", name.toLowerCase()))
    .where("c.deleted", "=", false)
    .where("c.removed", "=", false)
    .select((eb) => [
      "c.id",
      "c.name",
      "c.title",
      "c.description",
      "c.ap_id",
      "c.local",
      "c.nsfw",
      "c.published_at",
      eb
        .selectFrom("community_follows as f")
        .whereRef("f.community_id", "=", "c.id")
        .where("f.state", "=", "accepted")
        .select((e) => e.fn.countAll<string>().as("n"))
        .as("subscriber_count"),
    ])
    .executeTakeFirst();
  if (!community) return undefined;
  const moderators = await listModerators(db, community.id);
  return {
    id: community.id,
    name: community.name,
    title: community.title,
    description: community.description,
    apId: community.ap_id,
    local: community.local,
    nsfw: community.nsfw,
    publishedAt: community.published_at,
    subscriberCount: Number(community.subscriber_count ?? 0),
    moderators,
  };
}

export async function listModerators(db: DbLike, communityId: string): Promise<ModeratorView[]> {
  const rows = await db
    .selectFrom("community_moderators as m")
    .innerJoin("persons as p", "p.id", "m.person_id")
    .where("m.community_id", "=", communityId)
    .orderBy("m.created_at")
    .select(["p.name", "p.display_name", "p.ap_id", "p.local"])
    .execute();
  return rows.map((r) => ({ name: r.name, displayName: r.display_name, apId: r.ap_id, local: r.local }));
}

export interface FollowerRecipient {
  apId: string;
  inboxUrl: string;
  sharedInboxUrl: string | null;
}

/** Remote persons whose follow of the community is accepted: the recipients of its Announces. */
export async function listRemoteFollowers(db: DbLike, communityId: string): Promise<FollowerRecipient[]> {
  const rows = await db
    .selectFrom("community_follows as f")
    .innerJoin("persons as p", "p.id", "f.person_id")
    .where("f.community_id", "=", communityId)
    .where("f.state", "=", "accepted")
    .where("p.local", "=", false)
    .orderBy("p.id")
    .select(["p.ap_id", "p.inbox_url", "p.shared_inbox_url"])
    .execute();
  return rows.map((r) => ({ apId: r.ap_id, inboxUrl: r.inbox_url, sharedInboxUrl: r.shared_inbox_url }));
}

export async function countAcceptedFollowers(db: DbLike, communityId: string): Promise<number> {
  const row = await db
    .selectFrom("community_follows")
    .where("community_id", "=", communityId)
    .where("state", "=", "accepted")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CommunityListItem {
  name: string;
  title: string;
}

/** Local communities by name; the list is bounded by `limit`. */
export async function listLocalCommunities(db: DbLike, limit: number): Promise<CommunityListItem[]> {
  return db
    .selectFrom("communities")
    .where("local", "=", true)
    .where("deleted", "=", false)
    .where("removed", "=", false)
    .orderBy("name")
    .limit(limit)
    .select(["name", "title"])
    .execute();
}
