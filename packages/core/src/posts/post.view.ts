// Read views of posts (Lemmy's PostView): one query per post or per page, with the creator, the
// community and the viewer's own relation to each post (vote, saved, subscribed).
import { type CompiledQuery, sql } from "kysely";
import type { ListingType, SortType } from "../accounts/settings.service.ts";
import { NO_VIEWER, type SubscribedType, subscribedTypeOf } from "../communities/community.view.ts";
import {
  COMMUNITY_SUMMARY_COLUMNS,
  type CommunitySummaryRow,
  PERSON_SUMMARY_COLUMNS,
  type PersonSummaryRow,
  POST_COLUMNS,
  prefixedColumns,
  rowFrom,
} from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { FollowState, PostRow } from "../db/schema.ts";
import { StatementCache } from "../db/statement-cache.ts";
import { communityBannedNow, siteBanExpiresAt, siteBannedNow } from "../moderation/ban-flags.ts";
import { err, ok, type Result } from "../result.ts";
import { matchesText } from "../search/search-query.ts";
import type { VoteScore } from "../votes/vote.service.ts";
import {
  afterCursor,
  type CursorError,
  type CursorValue,
  cursorValueExpression,
  decodePostCursor,
  encodePostCursor,
  type PostOrderContext,
  type PostOrderKey,
  postOrderKeys,
  topWindow,
} from "./post.sort.ts";

export interface PostView {
  post: PostRow;
  creator: PersonSummaryRow;
  community: CommunitySummaryRow;
  creatorIsModerator: boolean;
  creatorIsAdmin: boolean;
  /** Whether the creator is banned from the post's community now (ban-flags.ts). */
  creatorBannedFromCommunity: boolean;
  /** Whether the creator is under a site ban now, and when it ends (null: for good, or no ban). */
  creatorBanned: boolean;
  creatorBanExpiresAt: Date | null;
  /** Whether the viewer is banned from the post's community now (false for anonymous readers). */
  bannedFromCommunity: boolean;
  /** The viewer's follow of the post's community. */
  subscribed: SubscribedType;
  saved: boolean;
  /** The viewer's vote; 0 when none (or nobody is logged in). */
  myVote: VoteScore;
  /** Whether the viewer blocks the post's creator (listings leave such posts out). */
  creatorBlocked: boolean;
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
  creator_blocked: boolean;
  creator_banned_from_community: boolean;
  creator_banned: boolean;
  creator_ban_expires_at: Date | null;
  banned_from_community: boolean;
};

/**
 * Posts with their creator and community, the ban flags (ban-flags.ts), and the viewer's relation
 * to each post. The viewer's follow, vote, save, block and ban are subqueries of the select list,
 * evaluated only for the rows of the page (and left out for anonymous readers): joined, they
 * would make the planner weigh six relations for every listing.
 */
function postViewQuery(db: DbLike, viewerId: string | null) {
  const viewer = viewerId ?? NO_VIEWER;
  return db
    .selectFrom("posts as p")
    .innerJoin("persons as cr", "cr.id", "p.creator_id")
    .innerJoin("communities as c", "c.id", "p.community_id")
    .select(prefixedColumns("p", "p", POST_COLUMNS))
    .select(prefixedColumns("cr", "cr", PERSON_SUMMARY_COLUMNS))
    .select(prefixedColumns("c", "c", COMMUNITY_SUMMARY_COLUMNS))
    .select((eb) =>
      viewerId === null
        ? [
            sql<FollowState | null>`null`.as("follow_state"),
            sql<number | null>`null`.as("my_vote"),
            sql<boolean>`false`.as("saved"),
            sql<boolean>`false`.as("creator_blocked"),
            sql<boolean>`false`.as("banned_from_community"),
          ]
        : [
            eb
              .selectFrom("community_follows as f")
              .whereRef("f.community_id", "=", "p.community_id")
              .where("f.person_id", "=", viewer)
              .select("f.state")
              .as("follow_state"),
            eb
              .selectFrom("post_votes as v")
              .whereRef("v.post_id", "=", "p.id")
              .where("v.person_id", "=", viewer)
              .select("v.score")
              .as("my_vote"),
            eb
              .exists(
                eb
                  .selectFrom("post_saves as s")
                  .whereRef("s.post_id", "=", "p.id")
                  .where("s.person_id", "=", viewer)
                  .select("s.post_id"),
              )
              .as("saved"),
            eb
              .exists(
                eb
                  .selectFrom("person_blocks as pb")
                  .whereRef("pb.target_id", "=", "p.creator_id")
                  .where("pb.person_id", "=", viewer)
                  .select("pb.person_id"),
              )
              .as("creator_blocked"),
            communityBannedNow("p.community_id", { id: viewer }).as("banned_from_community"),
          ],
    )
    .select((eb) => [
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
            .where("lu.admin", "=", sql.lit(true))
            .select("lu.person_id"),
        )
        .as("creator_is_admin"),
      communityBannedNow("p.community_id", { column: "p.creator_id" }).as("creator_banned_from_community"),
      siteBannedNow("p.creator_id").as("creator_banned"),
      siteBanExpiresAt("p.creator_id").as("creator_ban_expires_at"),
    ]);
}

function toPostView(row: PostViewRow): PostView {
  return {
    post: rowFrom<PostRow>(row, "p", POST_COLUMNS),
    creator: rowFrom<PersonSummaryRow>(row, "cr", PERSON_SUMMARY_COLUMNS),
    community: rowFrom<CommunitySummaryRow>(row, "c", COMMUNITY_SUMMARY_COLUMNS),
    creatorIsModerator: row.creator_is_moderator,
    creatorIsAdmin: row.creator_is_admin,
    creatorBannedFromCommunity: row.creator_banned_from_community,
    creatorBanned: row.creator_banned,
    creatorBanExpiresAt: row.creator_ban_expires_at,
    bannedFromCommunity: row.banned_from_community,
    subscribed: subscribedTypeOf(row.follow_state),
    saved: row.saved,
    myVote: (row.my_vote ?? 0) as VoteScore,
    creatorBlocked: row.creator_blocked,
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
  /** Reference time of a first page (default: now): the Top sorts' windows end there. */
  now?: Date;
  /** Only posts whose title or body match these words (search.view.ts; websearch syntax, English stemming). */
  searchText?: string;
  /** Only posts linking to exactly this URL (normalised as posts store it). */
  url?: string;
}

export interface PostPage {
  posts: PostView[];
  /** Cursor of the page after this one, null on the last page. */
  nextCursor: string | null;
}

/**
 * A page of posts: visible posts only (not deleted or removed, in a community that is neither, and
 * not in a LocalOnly community unless someone is logged in), without the viewer's blocked persons
 * (except on that person's own list) and blocked communities (except on that community's own
 * page), featured posts first, then the sort's order (post.sort.ts) by the stored ranks, read
 * through the index of the sort.
 */
export async function listPostViews(db: DbLike, options: PostListOptions): Promise<Result<PostPage, CursorError>> {
  const built = postListStatement(db, options);
  if (!built.ok) return built;
  const { statement, keys, refTime } = built.value;
  const rows = (await db.executeQuery<PostViewRow>(statement)).rows;
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

/**
 * The values a listing's statement takes as parameters; everything else about it (sort, feed,
 * which filters apply, the page size, whether a cursor or an offset starts it) is its shape, and
 * fixes its SQL. Cursor values follow as `cursor_<index>`. The shape's constants (the page size,
 * the flags compared with true or false) are written into the SQL as literals, so that the plan
 * PostgreSQL keeps for the prepared statement (connect.ts) is made for them: a generic plan
 * guessing at "deleted = $1" or "limit $2" would expect far fewer or more rows than there are.
 */
interface PostListValues extends Record<string, unknown> {
  viewer: string;
  communityId: string;
  creatorId: string;
  searchText: string;
  url: string;
  refTime: string;
  offset: number;
}

/** Listing statements by shape: built and compiled with Kysely once, then only given new values. */
const postListStatements = new StatementCache<PostListValues>();

/**
 * The statement of one page of listPostViews (its rows are `limit` + 1 posts, the extra one
 * telling whether another page follows), with its sort keys and reference time; exported so tests
 * and the benchmark can check the plan of the very SQL that runs.
 */
export function postListStatement(
  db: DbLike,
  options: PostListOptions,
): Result<{ statement: CompiledQuery; keys: PostOrderKey[]; refTime: Date }, CursorError> {
  const featured = options.communityId ? "featured_community" : "featured_local";
  const orderContext = (refTime: Date): PostOrderContext => ({ alias: "p", featured, refTime });
  let refTime = options.now ?? new Date();
  let cursorValues: CursorValue[] | null = null;
  if (options.cursor) {
    const decoded = decodePostCursor(options.cursor, options.sort, postOrderKeys(options.sort, orderContext(refTime)));
    if (!decoded.ok) return err(decoded.error);
    refTime = decoded.value.refTime;
    cursorValues = decoded.value.values;
  }
  const keys = postOrderKeys(options.sort, orderContext(refTime));
  // Written into the SQL as a literal (the shape), so it must be a plain count: callers validate it.
  if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new Error(`bad page size ${options.limit}`);
  const viewerId = options.viewer?.personId ?? null;
  const offset = !cursorValues && options.page && options.page > 1 ? (options.page - 1) * options.limit : null;
  const values: PostListValues = {
    viewer: viewerId ?? NO_VIEWER,
    communityId: options.communityId ?? "",
    creatorId: options.creatorId ?? "",
    searchText: options.searchText ?? "",
    url: options.url ?? "",
    refTime: refTime.toISOString(),
    offset: offset ?? 0,
  };
  // A leading featured flag is written into the SQL (afterCursor), so its value is part of the shape.
  const flagInShape = cursorValues !== null && keys[0]?.kind === "boolean";
  for (const [index, value] of (cursorValues ?? []).entries()) {
    if (!(flagInShape && index === 0)) values[`cursor_${index}`] = value;
  }
  const shape = JSON.stringify([
    options.sort,
    options.communityId ? "community" : options.listingType,
    viewerId !== null,
    options.viewer?.showBotAccounts ?? true,
    options.creatorId !== undefined,
    options.searchText !== undefined,
    options.url !== undefined,
    options.savedOnly ?? false,
    options.likedOnly ? "liked" : options.dislikedOnly ? "disliked" : "",
    options.showNsfw,
    options.limit,
    cursorValues === null ? "first" : flagInShape ? `after ${String(cursorValues[0])}` : "after",
    offset !== null,
  ]);
  const statement = postListStatements.statement(shape, values, (slots) => {
    const cursorSlots =
      cursorValues?.map((value, index) =>
        flagInShape && index === 0 ? value : (slots[`cursor_${index}`] as CursorValue),
      ) ?? null;
    return buildPostListQuery(db, options, keys, slots, cursorSlots, offset !== null).compile();
  });
  return ok({ statement, keys, refTime });
}

/**
 * The listing's query for a shape (the options' flags and kinds, never their values) with the
 * values it is given: the request's, or the placeholders of a StatementCache.
 */
function buildPostListQuery(
  db: DbLike,
  options: PostListOptions,
  keys: readonly PostOrderKey[],
  v: PostListValues,
  cursorValues: CursorValue[] | null,
  paged: boolean,
) {
  const viewerId = options.viewer ? v.viewer : null;
  const refTimeSql = sql`${v.refTime}::timestamptz`;

  let query = postViewQuery(db, viewerId)
    .where("p.deleted", "=", sql.lit(false))
    .where("p.removed", "=", sql.lit(false))
    .where("c.deleted", "=", sql.lit(false))
    .where("c.removed", "=", sql.lit(false));

  if (options.communityId) {
    query = query.where("p.community_id", "=", v.communityId);
  } else {
    switch (options.listingType) {
      case "Local":
        query = query.where("c.local", "=", sql.lit(true));
        break;
      case "Subscribed":
        // Pending follows count, as on Lemmy; nobody logged in follows nothing.
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom("community_follows as sf")
              .whereRef("sf.community_id", "=", "p.community_id")
              .where("sf.person_id", "=", v.viewer)
              .select("sf.person_id"),
          ),
        );
        break;
      case "ModeratorView":
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom("community_moderators as vm")
              .whereRef("vm.community_id", "=", "p.community_id")
              .where("vm.person_id", "=", v.viewer)
              .select("vm.person_id"),
          ),
        );
        break;
      case "All":
        break;
    }
  }
  if (options.creatorId) query = query.where("p.creator_id", "=", v.creatorId);
  if (options.searchText !== undefined) query = query.where(matchesText(sql.ref("p.search_vector"), v.searchText));
  if (options.url !== undefined) query = query.where("p.url", "=", v.url);
  if (options.savedOnly) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("post_saves as ss")
          .whereRef("ss.post_id", "=", "p.id")
          .where("ss.person_id", "=", v.viewer)
          .select("ss.post_id"),
      ),
    );
  }
  if (options.likedOnly || options.dislikedOnly) {
    const wanted = options.likedOnly ? 1 : -1;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("post_votes as sv")
          .whereRef("sv.post_id", "=", "p.id")
          .where("sv.person_id", "=", v.viewer)
          .where("sv.score", "=", sql.lit(wanted))
          .select("sv.post_id"),
      ),
    );
  }
  if (!options.showNsfw) query = query.where("p.nsfw", "=", sql.lit(false)).where("c.nsfw", "=", sql.lit(false));
  if (options.viewer && !options.viewer.showBotAccounts) query = query.where("cr.bot", "=", sql.lit(false));
  if (viewerId) {
    const blocker = viewerId;
    if (!options.creatorId) {
      query = query.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("person_blocks as xpb")
              .whereRef("xpb.target_id", "=", "p.creator_id")
              .where("xpb.person_id", "=", blocker)
              .select("xpb.person_id"),
          ),
        ),
      );
    }
    if (!options.communityId) {
      query = query.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("community_blocks as xcb")
              .whereRef("xcb.community_id", "=", "p.community_id")
              .where("xcb.person_id", "=", blocker)
              .select("xcb.person_id"),
          ),
        ),
      );
    }
  }
  // LocalOnly communities are for this instance's members: not shown without a login.
  if (!options.viewer) query = query.where("c.visibility", "!=", sql.lit("LocalOnly"));
  const window = topWindow(options.sort);
  if (window) query = query.where("p.published_at", ">", sql<Date>`${refTimeSql} - ${window}::interval`);
  if (cursorValues) query = query.where(afterCursor(keys, cursorValues));

  query = query.select(keys.map((key, index) => sql`${cursorValueExpression(key)}`.as(`key_${index}`)));
  for (const key of keys) query = query.orderBy(key.expression, key.direction);
  query = query.limit(sql.lit(options.limit + 1));
  if (paged) query = query.offset(v.offset);
  return query;
}
