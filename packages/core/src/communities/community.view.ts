// Read views: one query per page or collection, returning what the caller shows. No rules here.
import { sql } from "kysely";
import { COMMUNITY_COLUMNS, PERSON_COLUMNS, prefixedColumns, rowFrom } from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { CommunityRow, FollowState, PersonRow } from "../db/schema.ts";
import { communityBannedNow } from "../moderation/ban-flags.ts";
import { matchesTextOrName } from "../search/search-query.ts";

export interface ModeratorView {
  personId: string;
  name: string;
  displayName: string | null;
  apId: string;
  local: boolean;
}

export async function listModerators(db: DbLike, communityId: string): Promise<ModeratorView[]> {
  const rows = await db
    .selectFrom("community_moderators as m")
    .innerJoin("persons as p", "p.id", "m.person_id")
    .where("m.community_id", "=", communityId)
    .orderBy("m.created_at")
    .select(["p.id", "p.name", "p.display_name", "p.ap_id", "p.local"])
    .execute();
  return rows.map((r) => ({
    personId: r.id,
    name: r.name,
    displayName: r.display_name,
    apId: r.ap_id,
    local: r.local,
  }));
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

export type SubscribedType = "Subscribed" | "NotSubscribed" | "Pending";

export interface CommunityCounts {
  /** Accepted follows, local and remote. */
  subscribers: number;
  subscribersLocal: number;
  posts: number;
  comments: number;
  /** Distinct persons who posted, commented or voted in the community within the period. */
  usersActiveDay: number;
  usersActiveWeek: number;
  usersActiveMonth: number;
  usersActiveHalfYear: number;
}

export interface CommunityView {
  community: CommunityRow;
  subscribed: SubscribedType;
  counts: CommunityCounts;
  /** Whether the viewer blocks the community (blockCommunity). */
  blocked: boolean;
  /** Whether the viewer is banned from the community now (false for anonymous readers; ban-flags.ts). */
  bannedFromCommunity: boolean;
}

/** Person id used in joins when nobody is logged in; identity ids start at 1, so it matches nothing. */
export const NO_VIEWER = "0";

export function subscribedTypeOf(state: FollowState | null | undefined): SubscribedType {
  if (state === "accepted") return "Subscribed";
  if (state === "pending") return "Pending";
  return "NotSubscribed";
}

/** The select list shared by community views: the row, the viewer's follow, and the counts. */
function communityViewQuery(db: DbLike, viewerId: string | null) {
  const active = (interval: string) =>
    sql<string>`community_active_users(c.id, now() - ${interval}::interval)`.as(`active_${interval.replace(" ", "_")}`);
  return db
    .selectFrom("communities as c")
    .leftJoin("community_follows as f", (join) =>
      join.onRef("f.community_id", "=", "c.id").on("f.person_id", "=", viewerId ?? NO_VIEWER),
    )
    .select(prefixedColumns("c", "c", COMMUNITY_COLUMNS))
    .select((eb) => [
      "f.state as follow_state",
      eb
        .exists(
          eb
            .selectFrom("community_blocks as b")
            .whereRef("b.community_id", "=", "c.id")
            .where("b.person_id", "=", viewerId ?? NO_VIEWER)
            .select("b.person_id"),
        )
        .as("blocked"),
      communityBannedNow("c.id", { id: viewerId ?? NO_VIEWER }).as("banned_from_community"),
      eb
        .selectFrom("community_follows as sf")
        .whereRef("sf.community_id", "=", "c.id")
        .where("sf.state", "=", "accepted")
        .select((e) => e.fn.countAll<string>().as("n"))
        .as("subscribers"),
      eb
        .selectFrom("community_follows as lf")
        .innerJoin("persons as lp", "lp.id", "lf.person_id")
        .whereRef("lf.community_id", "=", "c.id")
        .where("lf.state", "=", "accepted")
        .where("lp.local", "=", true)
        .select((e) => e.fn.countAll<string>().as("n"))
        .as("subscribers_local"),
      active("1 day"),
      active("7 days"),
      active("1 month"),
      active("6 months"),
    ]);
}

type CommunityViewRow = Record<string, unknown> & {
  follow_state: FollowState | null;
  blocked: boolean;
  banned_from_community: boolean;
  subscribers: string | null;
  subscribers_local: string | null;
  active_1_day: string | null;
  active_7_days: string | null;
  active_1_month: string | null;
  active_6_months: string | null;
};

function toCommunityView(row: CommunityViewRow): CommunityView {
  const community = rowFrom<CommunityRow>(row, "c", COMMUNITY_COLUMNS);
  return {
    community,
    subscribed: subscribedTypeOf(row.follow_state),
    blocked: row.blocked,
    bannedFromCommunity: row.banned_from_community,
    counts: {
      subscribers: Number(row.subscribers ?? 0),
      subscribersLocal: Number(row.subscribers_local ?? 0),
      posts: community.post_count,
      comments: community.comment_count,
      usersActiveDay: Number(row.active_1_day ?? 0),
      usersActiveWeek: Number(row.active_7_days ?? 0),
      usersActiveMonth: Number(row.active_1_month ?? 0),
      usersActiveHalfYear: Number(row.active_6_months ?? 0),
    },
  };
}

/** One community as the viewer sees it (deleted and removed ones too: callers decide). */
export async function getCommunityView(
  db: DbLike,
  communityId: string,
  viewerId: string | null,
): Promise<CommunityView | undefined> {
  const row = await communityViewQuery(db, viewerId).where("c.id", "=", communityId).executeTakeFirst();
  return row ? toCommunityView(row as CommunityViewRow) : undefined;
}

export type CommunityListingType = "All" | "Local" | "Subscribed" | "ModeratorView";

export interface CommunityListOptions {
  viewerId: string | null;
  listingType: CommunityListingType;
  /** Lemmy's SortType names; see docs/api.md for how each orders communities. */
  sort: string;
  showNsfw: boolean;
  page: number;
  limit: number;
  /** Only communities whose name (or its beginning), title or description match these words (search.view.ts). */
  searchText?: string;
}

/**
 * A page of communities (offset pagination, as Lemmy's listCommunities). Deleted and removed
 * communities are left out; so are NSFW ones unless showNsfw.
 */
export async function listCommunityViews(db: DbLike, options: CommunityListOptions): Promise<CommunityView[]> {
  const viewer = options.viewerId ?? NO_VIEWER;
  let query = communityViewQuery(db, options.viewerId).where("c.deleted", "=", false).where("c.removed", "=", false);
  if (!options.showNsfw) query = query.where("c.nsfw", "=", false);
  if (options.searchText !== undefined) {
    query = query.where(matchesTextOrName(sql.ref("c.search_vector"), options.searchText));
  }
  // LocalOnly communities are for this instance's members: not listed without a login.
  if (!options.viewerId) query = query.where("c.visibility", "!=", "LocalOnly");
  switch (options.listingType) {
    case "Local":
      query = query.where("c.local", "=", true);
      break;
    case "Subscribed":
      query = query.where("f.person_id", "is not", null);
      break;
    case "ModeratorView":
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom("community_moderators as m")
            .whereRef("m.community_id", "=", "c.id")
            .where("m.person_id", "=", viewer)
            .select("m.person_id"),
        ),
      );
      break;
    case "All":
      break;
  }
  switch (options.sort) {
    case "New":
      query = query.orderBy("c.published_at", "desc");
      break;
    case "Old":
      query = query.orderBy("c.published_at", "asc");
      break;
    case "MostComments":
      query = query.orderBy("c.comment_count", "desc");
      break;
    default:
      // Hot, Active, Scaled, Controversial, NewComments and every Top sort: most subscribers first.
      query = query.orderBy("subscribers", "desc");
      break;
  }
  const rows = await query
    .orderBy("c.id", options.sort === "Old" ? "asc" : "desc")
    .limit(options.limit)
    .offset((options.page - 1) * options.limit)
    .execute();
  return rows.map((row) => toCommunityView(row as CommunityViewRow));
}

/** A community's moderators as person rows, in order of appointment (the first is the creator). */
export async function listModeratorPersons(db: DbLike, communityId: string): Promise<PersonRow[]> {
  const rows = await db
    .selectFrom("community_moderators as m")
    .innerJoin("persons as p", "p.id", "m.person_id")
    .where("m.community_id", "=", communityId)
    .orderBy("m.created_at")
    .orderBy("p.id")
    .select(prefixedColumns("p", "p", PERSON_COLUMNS))
    .execute();
  return rows.map((row) => rowFrom<PersonRow>(row as Record<string, unknown>, "p", PERSON_COLUMNS));
}
