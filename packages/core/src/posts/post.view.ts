// Read views of posts (Lemmy's PostView): one query per post or per page, with the creator, the
// community and the viewer's own relation to each post (vote, saved, subscribed).
import { sql } from "kysely";
import type { ListingType, SortType } from "../accounts/settings.service.ts";
import { NO_VIEWER, type SubscribedType, subscribedTypeOf } from "../communities/community.view.ts";
import { COMMUNITY_COLUMNS, PERSON_COLUMNS, POST_COLUMNS, prefixedColumns, rowFrom } from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { CommunityRow, FollowState, PersonRow, PostRow } from "../db/schema.ts";
import { err, ok, type Result } from "../result.ts";
import type { VoteScore } from "../votes/vote.service.ts";
import {
  afterCursor,
  type CursorError,
  cursorValueExpression,
  decodePostCursor,
  encodePostCursor,
  type PostOrderContext,
  postOrderKeys,
  topWindow,
} from "./post.sort.ts";

export interface PostView {
  post: PostRow;
  creator: PersonRow;
  community: CommunityRow;
  creatorIsModerator: boolean;
  creatorIsAdmin: boolean;
  /** The viewer's follow of the post's community. */
  subscribed: SubscribedType;
  saved: boolean;
  /** The viewer's vote; 0 when none (or nobody is logged in). */
  myVote: VoteScore;
}

/** Who is looking, for per-viewer fields and filters; null when nobody is logged in. */
export interface PostViewer {
  personId: string;
  showBotAccounts: boolean;
}

type PostViewRow = Record<string, unknown> & {
  follow_state: FollowState | null;
  my_vote: number | null;
  saved: boolean;
  creator_is_moderator: boolean;
  creator_is_admin: boolean;
};

function postViewQuery(db: DbLike, viewerId: string | null) {
  const viewer = viewerId ?? NO_VIEWER;
  return db
    .selectFrom("posts as p")
    .innerJoin("persons as cr", "cr.id", "p.creator_id")
    .innerJoin("communities as c", "c.id", "p.community_id")
    .leftJoin("community_follows as f", (join) =>
      join.onRef("f.community_id", "=", "p.community_id").on("f.person_id", "=", viewer),
    )
    .leftJoin("post_votes as v", (join) => join.onRef("v.post_id", "=", "p.id").on("v.person_id", "=", viewer))
    .leftJoin("post_saves as s", (join) => join.onRef("s.post_id", "=", "p.id").on("s.person_id", "=", viewer))
    .select(prefixedColumns("p", "p", POST_COLUMNS))
    .select(prefixedColumns("cr", "cr", PERSON_COLUMNS))
    .select(prefixedColumns("c", "c", COMMUNITY_COLUMNS))
    .select((eb) => [
      "f.state as follow_state",
      "v.score as my_vote",
      eb("s.post_id", "is not", null).as("saved"),
      eb
        .exists(
          eb
            .selectFrom("community_moderators as m")
            .whereRef("m.community_id", "=", "p.community_id")
            .whereRef("m.person_id", "=", "p.creator_id")
            .select("m.person_id"),
        )
        .as("creator_is_moderator"),
      eb
        .exists(
          eb
            .selectFrom("local_users as lu")
            .whereRef("lu.person_id", "=", "p.creator_id")
            .where("lu.admin", "=", true)
            .select("lu.person_id"),
        )
        .as("creator_is_admin"),
    ]);
}

function toPostView(row: PostViewRow): PostView {
  return {
    post: rowFrom<PostRow>(row, "p", POST_COLUMNS),
    creator: rowFrom<PersonRow>(row, "cr", PERSON_COLUMNS),
    community: rowFrom<CommunityRow>(row, "c", COMMUNITY_COLUMNS),
    creatorIsModerator: row.creator_is_moderator,
    creatorIsAdmin: row.creator_is_admin,
    subscribed: subscribedTypeOf(row.follow_state),
    saved: row.saved,
    myVote: (row.my_vote ?? 0) as VoteScore,
  };
}

/** One post as the viewer sees it, deleted and removed ones included (callers decide). */
export async function getPostView(db: DbLike, postId: string, viewerId: string | null): Promise<PostView | undefined> {
  const row = await postViewQuery(db, viewerId).where("p.id", "=", postId).executeTakeFirst();
  return row ? toPostView(row as PostViewRow) : undefined;
}

export interface PostListOptions {
  viewer: PostViewer | null;
  /** Ignored when communityId is given (a community's own page lists all its posts). */
  listingType: ListingType;
  sort: SortType;
  communityId?: string;
  creatorId?: string;
  savedOnly?: boolean;
  likedOnly?: boolean;
  dislikedOnly?: boolean;
  showNsfw: boolean;
  limit: number;
  /** 1-based page for offset pagination; ignored when a cursor is given. */
  page?: number;
  /** A next_page cursor from an earlier page of the same sort. */
  cursor?: string;
  /** Reference time of the ranks on a first page (default: now); tests pin it. */
  now?: Date;
}

export interface PostPage {
  posts: PostView[];
  /** Cursor of the page after this one, null on the last page. */
  nextCursor: string | null;
}

/**
 * A page of posts: visible posts only (not deleted or removed, in a community that is neither, and
 * not in a LocalOnly community unless someone is logged in),
 * featured posts first, then the sort's order (post.sort.ts). Ranks are computed in the query
 * from db/functions.sql for the page's reference time.
 */
export async function listPostViews(db: DbLike, options: PostListOptions): Promise<Result<PostPage, CursorError>> {
  const viewerId = options.viewer?.personId ?? null;
  const featured = options.communityId ? "featured_community" : "featured_local";
  const orderContext = (refTime: Date): PostOrderContext => ({
    alias: "p",
    featured,
    refTime,
    usersActiveMonth: sql`coalesce(activity.users_active_month, 0)`,
  });
  let refTime = options.now ?? new Date();
  let cursorValues: (string | number | boolean)[] | null = null;
  if (options.cursor) {
    const decoded = decodePostCursor(options.cursor, options.sort, postOrderKeys(options.sort, orderContext(refTime)));
    if (!decoded.ok) return err(decoded.error);
    refTime = decoded.value.refTime;
    cursorValues = decoded.value.values;
  }
  const keys = postOrderKeys(options.sort, orderContext(refTime));
  const refTimeSql = sql`${refTime.toISOString()}::timestamptz`;

  let query = postViewQuery(db, viewerId)
    .where("p.deleted", "=", false)
    .where("p.removed", "=", false)
    .where("c.deleted", "=", false)
    .where("c.removed", "=", false)
    .$if(options.sort === "Scaled", (qb) =>
      // Monthly active users of communities with posts young enough to have a hot rank (older
      // posts rank 0 whatever the divisor), computed once per community, not once per post.
      qb.leftJoin(
        (eb) =>
          eb
            .selectFrom("communities as ac")
            .where((w) =>
              w.exists(
                w
                  .selectFrom("posts as ap")
                  .whereRef("ap.community_id", "=", "ac.id")
                  .where("ap.published_at", ">", sql<Date>`${refTimeSql} - interval '7 days'`)
                  .select("ap.id"),
              ),
            )
            .select([
              "ac.id as community_id",
              sql<number>`community_active_users(ac.id, ${refTimeSql} - interval '1 month')`.as("users_active_month"),
            ])
            .as("activity"),
        (join) => join.onRef("activity.community_id", "=", "p.community_id"),
      ),
    );

  if (options.communityId) {
    query = query.where("p.community_id", "=", options.communityId);
  } else {
    switch (options.listingType) {
      case "Local":
        query = query.where("c.local", "=", true);
        break;
      case "Subscribed":
        // Pending follows count, as on Lemmy; nobody logged in follows nothing.
        query = query.where("f.person_id", "is not", null);
        break;
      case "ModeratorView":
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom("community_moderators as vm")
              .whereRef("vm.community_id", "=", "p.community_id")
              .where("vm.person_id", "=", viewerId ?? NO_VIEWER)
              .select("vm.person_id"),
          ),
        );
        break;
      case "All":
        break;
    }
  }
  if (options.creatorId) query = query.where("p.creator_id", "=", options.creatorId);
  if (options.savedOnly) query = query.where("s.post_id", "is not", null);
  if (options.likedOnly) query = query.where("v.score", "=", 1);
  if (options.dislikedOnly) query = query.where("v.score", "=", -1);
  if (!options.showNsfw) query = query.where("p.nsfw", "=", false).where("c.nsfw", "=", false);
  if (options.viewer && !options.viewer.showBotAccounts) query = query.where("cr.bot", "=", false);
  // LocalOnly communities are for this instance's members: not shown without a login.
  if (!options.viewer) query = query.where("c.visibility", "!=", "LocalOnly");
  const window = topWindow(options.sort);
  if (window) query = query.where("p.published_at", ">", sql<Date>`${refTimeSql} - ${window}::interval`);
  if (cursorValues) query = query.where(afterCursor(keys, cursorValues));

  query = query.select(keys.map((key, index) => sql`${cursorValueExpression(key)}`.as(`key_${index}`)));
  for (const key of keys) query = query.orderBy(key.expression, key.direction);
  query = query.limit(options.limit + 1);
  if (!cursorValues && options.page && options.page > 1) query = query.offset((options.page - 1) * options.limit);

  const rows = (await query.execute()) as PostViewRow[];
  const hasMore = rows.length > options.limit;
  const shown = hasMore ? rows.slice(0, options.limit) : rows;
  const last = shown.at(-1);
  const nextCursor =
    hasMore && last
      ? encodePostCursor({
          sort: options.sort,
          refTime,
          values: keys.map((_, index) => last[`key_${index}`] as string | number | boolean),
        })
      : null;
  return ok({ posts: shown.map(toPostView), nextCursor });
}
