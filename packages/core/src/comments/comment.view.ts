// Reading comments: one comment, a page of a thread (a tree), or a flat list. No rules here
// beyond what a viewer may see.
//
// A thread is read a page at a time and never whole: a page is `limit` of the post's top-level
// comments (or of one comment's direct replies, to continue below it), found through the
// comments_roots_idx / comments_children_idx indexes, plus their replies down to `maxDepth`
// levels, at most MAX_THREAD_DESCENDANTS of them, chosen level by level in the page's sort. Each
// comment carries its path and child_count, so a client sees where replies were left out and
// asks for them by parent_id. See docs/architecture.md, "Comment trees".
import { type ExpressionBuilder, sql } from "kysely";
import { COMMENT_COLUMNS, COMMUNITY_COLUMNS, PERSON_COLUMNS, POST_COLUMNS } from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { CommentRow, CommunityRow, Database, FollowState, PersonRow, PostRow } from "../db/schema.ts";
import { communityBannedNow, siteBanExpiresAt, siteBannedNow } from "../moderation/ban-flags.ts";
import { matchesText } from "../search/search-query.ts";
import { type CommentSort, orderComments } from "./comment.ranking.ts";

/**
 * Most replies one page of a thread carries besides its top-level comments. Lemmy caps a tree
 * fetch at 300 comments ("a kludge to prevent attacks", crates/db_views/src/comment_view.rs).
 */
export const MAX_THREAD_DESCENDANTS = 300;

/** Who is reading; null for an anonymous reader. */
export interface CommentViewer {
  personId: string;
  admin: boolean;
  /** False hides comments by bot accounts (the reader's setting). */
  showBotAccounts: boolean;
}

/** One comment as a reader sees it, with the rows around it and the reader's own marks on it. */
export interface CommentItemView {
  /** The comment; its body is empty when it is deleted or removed and the reader is neither its creator nor an admin. */
  comment: CommentRow;
  creator: PersonRow;
  post: PostRow;
  community: CommunityRow;
  creatorIsModerator: boolean;
  creatorIsAdmin: boolean;
  /** Whether the creator is banned from the comment's community now (ban-flags.ts). */
  creatorBannedFromCommunity: boolean;
  /** Whether the creator is under a site ban now, and when it ends (null: for good, or no ban). */
  creatorBanned: boolean;
  creatorBanExpiresAt: Date | null;
  /** Whether the reader is banned from the comment's community now (false for anonymous readers). */
  bannedFromCommunity: boolean;
  /** The reader's follow of the community, if any. */
  follow: FollowState | null;
  saved: boolean;
  /** The reader's vote, if any. */
  myVote: 1 | -1 | null;
  /** Whether the reader blocks the comment's creator (listings leave such comments out). */
  creatorBlocked: boolean;
}

export async function getCommentView(
  db: DbLike,
  commentId: string,
  viewer: CommentViewer | null,
): Promise<CommentItemView | undefined> {
  const [view] = await hydrate(db, [commentId], viewer);
  return view;
}

export interface CommentThreadQuery {
  postId: string;
  /** Continue below this comment: the page's top-level comments are its direct replies, and it comes first. */
  parent: CommentRow | null;
  sort: CommentSort;
  page: number;
  /** Top-level comments per page. */
  limit: number;
  /** Levels to return, counting the page's top-level comments as 1 (Lemmy's max_depth). */
  maxDepth: number;
}

/**
 * A page of a thread, in an order a client can build the tree from: the parent (when continuing
 * below a comment), then the page's top-level comments in the sort's order, then their replies
 * level by level, each level in the sort's order, so every comment comes after its parent.
 */
export async function listCommentThread(
  db: DbLike,
  query: CommentThreadQuery,
  viewer: CommentViewer | null,
): Promise<CommentItemView[]> {
  if (query.parent && query.parent.post_id !== query.postId) return [];
  const roots = await commentThreadRootsQuery(db, query, viewer).execute();
  const ids = query.parent ? [query.parent.id] : [];
  ids.push(...roots.map((row) => row.id));
  let frontier = roots.filter((row) => row.child_count > 0).map((row) => row.id);
  let budget = MAX_THREAD_DESCENDANTS;
  for (let level = 2; level <= query.maxDepth && frontier.length > 0 && budget > 0; level++) {
    let replies = db
      .selectFrom("comments as c")
      .where("c.parent_id", "in", frontier)
      .$if(hidesBots(viewer), (qb) => qb.where(notByBot))
      .$if(viewer !== null, (qb) => qb.where(notByBlockedPerson(viewer?.personId ?? "0")))
      .select(["c.id", "c.child_count"]);
    replies = orderComments(replies, query.sort, "c");
    const rows = await replies.limit(budget).execute();
    ids.push(...rows.map((row) => row.id));
    budget -= rows.length;
    frontier = rows.filter((row) => row.child_count > 0).map((row) => row.id);
  }
  return hydrate(db, ids, viewer);
}

/**
 * The query for one page of a thread's top-level comments (exported so tests can check its plan):
 * the post's comments without a parent, or the parent's direct replies, in the sort's order.
 */
export function commentThreadRootsQuery(db: DbLike, query: CommentThreadQuery, viewer: CommentViewer | null) {
  const parentId = query.parent?.id;
  const roots = db
    .selectFrom("comments as c")
    .$if(parentId !== undefined, (qb) => qb.where("c.parent_id", "=", parentId ?? "0"))
    .$if(parentId === undefined, (qb) => qb.where("c.post_id", "=", query.postId).where("c.parent_id", "is", null))
    .$if(hidesBots(viewer), (qb) => qb.where(notByBot))
    .$if(viewer !== null, (qb) => qb.where(notByBlockedPerson(viewer?.personId ?? "0")))
    .select(["c.id", "c.child_count"]);
  return orderComments(roots, query.sort, "c")
    .limit(query.limit)
    .offset((query.page - 1) * query.limit);
}

export type CommentListing = "All" | "Local" | "Subscribed" | "ModeratorView";

export interface CommentListQuery {
  sort: CommentSort;
  page: number;
  limit: number;
  listing: CommentListing;
  postId?: string;
  /** Only this comment and the comments below it. */
  parentPath?: string;
  communityId?: string;
  /** Only comments at most this deep (1 = top-level). */
  maxDepth?: number;
  /** Only comments by this person (their profile). */
  creatorId?: string;
  /** Only comments the reader saved, most recently saved first. */
  savedOnly?: boolean;
  /** Only comments of others the reader upvoted. */
  likedOnly?: boolean;
  /** Only comments of others the reader downvoted. */
  dislikedOnly?: boolean;
  /** Only comments matching these words (search.view.ts; websearch syntax, English stemming). */
  searchText?: string;
}

/**
 * A flat page of comments at any depth, as Lemmy lists them outside a thread: a community's or
 * the site's comments, a reader's saved comments, or every comment of a post in one order.
 */
export async function listComments(
  db: DbLike,
  query: CommentListQuery,
  viewer: CommentViewer | null,
): Promise<CommentItemView[]> {
  const needsViewer =
    query.listing === "Subscribed" ||
    query.listing === "ModeratorView" ||
    query.savedOnly ||
    query.likedOnly ||
    query.dislikedOnly;
  if (needsViewer && !viewer) return [];
  const viewerId = viewer?.personId ?? "0";
  const follows = (eb: ExpressionBuilder<Database & { co: Database["communities"] }, "co">) =>
    eb.exists(
      eb
        .selectFrom("community_follows as f")
        .select("f.person_id")
        .whereRef("f.community_id", "=", "co.id")
        .where("f.person_id", "=", viewerId),
    );
  let list = db
    .selectFrom("comments as c")
    .innerJoin("posts as p", "p.id", "c.post_id")
    .innerJoin("communities as co", "co.id", "p.community_id")
    .$if(query.postId !== undefined, (qb) => qb.where("c.post_id", "=", query.postId ?? "0"))
    .$if(query.parentPath !== undefined, (qb) => qb.where(sql<boolean>`c.path <@ ${query.parentPath}::ltree`))
    .$if(query.communityId !== undefined, (qb) => qb.where("p.community_id", "=", query.communityId ?? "0"))
    .$if(query.creatorId !== undefined, (qb) => qb.where("c.creator_id", "=", query.creatorId ?? "0"))
    .$if(query.searchText !== undefined, (qb) =>
      qb
        .where(matchesText(sql.ref("c.search_vector"), query.searchText ?? ""))
        .where("c.deleted", "=", false)
        .where("c.removed", "=", false),
    )
    .$if(query.maxDepth !== undefined, (qb) => qb.where(sql<boolean>`nlevel(c.path) <= ${(query.maxDepth ?? 0) + 1}`))
    .$if(!viewer, (qb) => qb.where("co.visibility", "=", "Public"))
    .$if(hidesBots(viewer), (qb) => qb.where(notByBot))
    // The reader's blocks, except where the blocked person or community is what was asked for.
    .$if(viewer !== null && query.creatorId === undefined, (qb) => qb.where(notByBlockedPerson(viewerId)))
    .$if(viewer !== null && query.communityId === undefined && query.postId === undefined, (qb) =>
      qb.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("community_blocks as xcb")
              .select("xcb.person_id")
              .whereRef("xcb.community_id", "=", "co.id")
              .where("xcb.person_id", "=", viewerId),
          ),
        ),
      ),
    )
    .$if(query.listing === "All", (qb) => qb.where((eb) => eb.or([eb("co.hidden", "=", false), follows(eb)])))
    .$if(query.listing === "Local", (qb) =>
      qb.where("co.local", "=", true).where((eb) => eb.or([eb("co.hidden", "=", false), follows(eb)])),
    )
    .$if(query.listing === "Subscribed", (qb) => qb.where(follows))
    .$if(query.listing === "ModeratorView", (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom("community_moderators as m")
            .select("m.person_id")
            .whereRef("m.community_id", "=", "co.id")
            .where("m.person_id", "=", viewerId),
        ),
      ),
    )
    .$if(Boolean(query.likedOnly || query.dislikedOnly), (qb) =>
      qb
        .where("c.creator_id", "<>", viewerId)
        .where((eb) =>
          eb(
            eb
              .selectFrom("comment_votes as v")
              .select("v.score")
              .whereRef("v.comment_id", "=", "c.id")
              .where("v.person_id", "=", viewerId),
            "=",
            query.likedOnly ? 1 : -1,
          ),
        ),
    )
    .select("c.id");
  if (query.savedOnly) {
    const savedAt = (eb: ExpressionBuilder<Database & { c: Database["comments"] }, "c">) =>
      eb
        .selectFrom("comment_saves as s")
        .select("s.published_at")
        .whereRef("s.comment_id", "=", "c.id")
        .where("s.person_id", "=", viewerId);
    list = list.where((eb) => eb.exists(savedAt(eb))).orderBy((eb) => savedAt(eb), "desc");
  }
  const rows = await orderComments(list, query.sort, "c")
    .limit(query.limit)
    .offset((query.page - 1) * query.limit)
    .execute();
  return hydrate(
    db,
    rows.map((row) => row.id),
    viewer,
  );
}

function hidesBots(viewer: CommentViewer | null): boolean {
  return viewer !== null && !viewer.showBotAccounts;
}

/** Comments whose creator the reader has not blocked. */
function notByBlockedPerson(viewerId: string) {
  return (eb: ExpressionBuilder<Database & { c: Database["comments"] }, "c">) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom("person_blocks as xpb")
          .select("xpb.person_id")
          .whereRef("xpb.target_id", "=", "c.creator_id")
          .where("xpb.person_id", "=", viewerId),
      ),
    );
}

function notByBot(eb: ExpressionBuilder<Database & { c: Database["comments"] }, "c">) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom("persons as bot")
        .select("bot.id")
        .whereRef("bot.id", "=", "c.creator_id")
        .where("bot.bot", "=", true),
    ),
  );
}

/**
 * The views of the given comments, in the given order: one query for the comments with the
 * reader's marks, then one each for their creators, posts and communities (by primary key).
 * Comments in local-only communities are left out for anonymous readers.
 */
async function hydrate(db: DbLike, ids: readonly string[], viewer: CommentViewer | null): Promise<CommentItemView[]> {
  if (ids.length === 0) return [];
  const viewerId = viewer?.personId ?? "0";
  const rows = await db
    .selectFrom("comments as c")
    .innerJoin("posts as p", "p.id", "c.post_id")
    .innerJoin("communities as co", "co.id", "p.community_id")
    .where("c.id", "in", ids)
    .$if(!viewer, (qb) => qb.where("co.visibility", "=", "Public"))
    .select(COMMENT_COLUMNS.map((column) => `c.${column}` as const))
    .select((eb) => [
      "p.community_id",
      eb
        .exists(
          eb
            .selectFrom("community_moderators as m")
            .select("m.person_id")
            .whereRef("m.community_id", "=", "p.community_id")
            .whereRef("m.person_id", "=", "c.creator_id"),
        )
        .as("creator_is_moderator"),
      eb
        .exists(
          eb
            .selectFrom("local_users as u")
            .select("u.person_id")
            .whereRef("u.person_id", "=", "c.creator_id")
            .where("u.admin", "=", true),
        )
        .as("creator_is_admin"),
      communityBannedNow("p.community_id", { column: "c.creator_id" }).as("creator_banned_from_community"),
      siteBannedNow("c.creator_id").as("creator_banned"),
      siteBanExpiresAt("c.creator_id").as("creator_ban_expires_at"),
    ])
    // The reader's marks; constants for an anonymous reader, who has none.
    .select((eb) =>
      viewer === null
        ? [
            sql<FollowState | null>`null`.as("follow_state"),
            sql<boolean>`false`.as("saved"),
            sql<number | null>`null`.as("my_vote"),
            sql<boolean>`false`.as("creator_blocked"),
            sql<boolean>`false`.as("banned_from_community"),
          ]
        : [
            eb
              .selectFrom("community_follows as f")
              .select("f.state")
              .whereRef("f.community_id", "=", "p.community_id")
              .where("f.person_id", "=", viewerId)
              .as("follow_state"),
            eb
              .exists(
                eb
                  .selectFrom("comment_saves as s")
                  .select("s.person_id")
                  .whereRef("s.comment_id", "=", "c.id")
                  .where("s.person_id", "=", viewerId),
              )
              .as("saved"),
            eb
              .selectFrom("comment_votes as v")
              .select("v.score")
              .whereRef("v.comment_id", "=", "c.id")
              .where("v.person_id", "=", viewerId)
              .as("my_vote"),
            eb
              .exists(
                eb
                  .selectFrom("person_blocks as pb")
                  .select("pb.person_id")
                  .whereRef("pb.target_id", "=", "c.creator_id")
                  .where("pb.person_id", "=", viewerId),
              )
              .as("creator_blocked"),
            communityBannedNow("p.community_id", { id: viewerId }).as("banned_from_community"),
          ],
    )
    .execute();
  if (rows.length === 0) return [];
  const distinct = (values: string[]) => [...new Set(values)];
  const [creators, posts, communities] = await Promise.all([
    byId(
      db
        .selectFrom("persons")
        .select(PERSON_COLUMNS)
        .where("id", "in", distinct(rows.map((r) => r.creator_id)))
        .execute(),
    ),
    byId(
      db
        .selectFrom("posts")
        .select(POST_COLUMNS)
        .where("id", "in", distinct(rows.map((r) => r.post_id)))
        .execute(),
    ),
    byId(
      db
        .selectFrom("communities")
        .select(COMMUNITY_COLUMNS)
        .where("id", "in", distinct(rows.map((r) => r.community_id)))
        .execute(),
    ),
  ]);
  const views = new Map<string, CommentItemView>();
  for (const row of rows) {
    const {
      community_id,
      creator_is_moderator,
      creator_is_admin,
      follow_state,
      saved,
      my_vote,
      creator_blocked,
      creator_banned_from_community,
      creator_banned,
      creator_ban_expires_at,
      banned_from_community,
      ...comment
    } = row;
    const creator = creators.get(comment.creator_id);
    const post = posts.get(comment.post_id);
    const community = communities.get(community_id);
    if (!creator || !post || !community) continue;
    views.set(comment.id, {
      comment: { ...comment, body: bodyFor(comment, viewer) },
      creator,
      post,
      community,
      creatorIsModerator: Boolean(creator_is_moderator),
      creatorIsAdmin: Boolean(creator_is_admin),
      creatorBannedFromCommunity: Boolean(creator_banned_from_community),
      creatorBanned: Boolean(creator_banned),
      creatorBanExpiresAt: creator_ban_expires_at ?? null,
      bannedFromCommunity: Boolean(banned_from_community),
      follow: follow_state ?? null,
      saved: Boolean(saved),
      myVote: my_vote === 1 || my_vote === -1 ? my_vote : null,
      creatorBlocked: Boolean(creator_blocked),
    });
  }
  return ids.flatMap((id) => views.get(id) ?? []);
}

async function byId<T extends { id: string }>(rows: Promise<T[]>): Promise<Map<string, T>> {
  return new Map((await rows).map((row) => [row.id, row]));
}

/**
 * A deleted or removed comment keeps its place in the tree but shows no content, except to its
 * creator and to admins (Lemmy shows it only to admins).
 */
function bodyFor(comment: CommentRow, viewer: CommentViewer | null): string {
  if (!comment.deleted && !comment.removed) return comment.body;
  if (viewer && (viewer.admin || viewer.personId === comment.creator_id)) return comment.body;
  return "";
}
