// Pages for reading: the front page, communities, posts with their comment trees, profiles.
import {
  COMMENT_SORTS,
  type CommentSort,
  canModerate,
  canSeePostContent,
  type DbLike,
  findCommentById,
  findCommunityByName,
  findPersonByIdOrName,
  getCachedSite,
  getCommunityView,
  getPersonProfile,
  getPostView,
  getSiteCounts,
  isNewSortedMegathread,
  type ListingType,
  type LocalAccount,
  listBoosters,
  listComments,
  listCommentThread,
  listCommunityViews,
  listModerators,
  listPostViews,
  listTaglines,
  type PostView,
  SEARCH_TYPES,
  type SearchType,
  SORT_TYPES,
  search,
} from "@plenum/core";
import {
  renderCommentFragment,
  renderCommunitiesPage,
  renderCommunityPage,
  renderFrontPage,
  renderNotFoundPage,
  renderPostPage,
  renderProfilePage,
  renderSearchPage,
  type ThreadReader,
} from "@plenum/web";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { pageRequest, sendPage } from "./context.ts";

/** Posts per page of a feed (Lemmy's apps show 20). */
export const POSTS_PER_PAGE = 20;
/** Top-level comments per page of a thread; their replies come with them. */
export const COMMENTS_PER_PAGE = 50;
/** Levels of a thread shown at once; deeper replies are behind "more replies" links. */
export const THREAD_DEPTH = 6;
/** Boosters named on a post's page; the rest are counted ("and 12 more"). */
const BOOSTERS_SHOWN = 10;
/** Communities per page of the list. */
const COMMUNITIES_PER_PAGE = 50;

type Query = Record<string, string | undefined>;

/** Results per kind on the search page. */
const SEARCH_RESULTS = 20;

function randomTagline(taglines: readonly { content: string }[]): string | null {
  if (taglines.length === 0) return null;
  return taglines[Math.floor(Math.random() * taglines.length)]?.content ?? null;
}

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function commentViewer(viewer: LocalAccount | null) {
  return viewer
    ? { personId: viewer.person.id, admin: viewer.localUser.admin, showBotAccounts: viewer.localUser.show_bot_accounts }
    : null;
}

/**
 * The reader's standing in a post's thread (the community's moderators, whether the reader
 * moderates it or is an admin, whether downvotes are on), for the post's page and for the comment
 * fragments app.js fetches alike, so both draw the same moderation forms.
 */
export async function threadReader(db: DbLike, viewer: LocalAccount | null, view: PostView): Promise<ThreadReader> {
  const [moderators, moderates, site] = await Promise.all([
    listModerators(db, view.community.id),
    viewer ? canModerate(db, viewer, view.community.id) : false,
    getCachedSite(db),
  ]);
  return {
    moderators,
    canModerate: moderates,
    isAdmin: viewer?.localUser.admin ?? false,
    downvotes: site.enable_downvotes,
  };
}

export function postViewer(viewer: LocalAccount | null) {
  return viewer ? { personId: viewer.person.id, showBotAccounts: viewer.localUser.show_bot_accounts } : null;
}

export function registerContentPages(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;
  const { db } = runtime.database;

  async function notFound(request: FastifyRequest, reply: FastifyReply, what: string) {
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(reply, renderNotFoundPage(ctx, what), 404);
  }

  app.get<{ Querystring: Query }>("/", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const site = await getCachedSite(db);
    const listings: ListingType[] = viewer ? ["Subscribed", "Local", "All"] : ["Local", "All"];
    const listing = pick(
      request.query.type,
      listings,
      pick(viewer?.localUser.default_listing_type ?? site.default_listing_type, listings, "Local"),
    );
    const sort = pick(
      request.query.sort,
      SORT_TYPES,
      pick(viewer?.localUser.default_sort_type ?? site.default_sort_type, SORT_TYPES, "Active"),
    );
    const page = await listPostViews(db, {
      viewer: postViewer(viewer),
      listingType: listing,
      sort,
      showNsfw: viewer?.localUser.show_nsfw ?? false,
      limit: POSTS_PER_PAGE,
      cursor: request.query.cursor,
    });
    if (!page.ok)
      return notFound(
        request,
        reply,
        "That page of the feed does not exist (anymore). Start again from the first page.",
      );
    const counts = await getSiteCounts(db);
    return sendPage(
      reply,
      renderFrontPage(ctx, {
        listing,
        listings,
        sort,
        posts: page.value.posts,
        nextHref: page.value.nextCursor
          ? `/?type=${listing}&sort=${sort}&cursor=${encodeURIComponent(page.value.nextCursor)}`
          : null,
        downvotes: site.enable_downvotes,
        site: {
          name: site.name,
          description: site.description,
          sidebar: site.sidebar,
          tagline: randomTagline(await listTaglines(db)),
          counts: { users: counts.users, communities: counts.communities, posts: counts.posts },
        },
      }),
    );
  });

  app.get<{ Querystring: Query }>("/communities", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const page = Math.max(1, Number.parseInt(request.query.page ?? "1", 10) || 1);
    const communities = await listCommunityViews(db, {
      viewerId: viewer?.person.id ?? null,
      listingType: "All",
      sort: "TopAll",
      showNsfw: viewer?.localUser.show_nsfw ?? false,
      page,
      limit: COMMUNITIES_PER_PAGE,
    });
    return sendPage(
      reply,
      renderCommunitiesPage(ctx, {
        communities,
        nextHref: communities.length === COMMUNITIES_PER_PAGE ? `/communities?page=${page + 1}` : null,
      }),
    );
  });

  app.get<{ Params: { name: string }; Querystring: Query }>("/c/:name", async (request, reply) => {
    reply.header("vary", "Accept");
    const community = await findCommunityByName(db, request.params.name);
    if (!community || community.deleted || community.removed) {
      return notFound(request, reply, `There is no community called ${request.params.name} here.`);
    }
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const site = await getCachedSite(db);
    const sort = pick(
      request.query.sort,
      SORT_TYPES,
      pick(viewer?.localUser.default_sort_type ?? site.default_sort_type, SORT_TYPES, "Active"),
    );
    const [view, moderators, page, moderates] = await Promise.all([
      getCommunityView(db, community.id, viewer?.person.id ?? null),
      listModerators(db, community.id),
      listPostViews(db, {
        viewer: postViewer(viewer),
        listingType: "All",
        communityId: community.id,
        sort,
        showNsfw: viewer?.localUser.show_nsfw ?? community.nsfw,
        limit: POSTS_PER_PAGE,
        cursor: request.query.cursor,
      }),
      viewer ? canModerate(db, viewer, community.id) : false,
    ]);
    if (!view || !page.ok) return notFound(request, reply, "That page of the community does not exist (anymore).");
    const base = `/c/${request.params.name}`;
    return sendPage(
      reply,
      renderCommunityPage(ctx, {
        view,
        moderators,
        sort,
        posts: page.value.posts,
        nextHref: page.value.nextCursor
          ? `${base}?sort=${sort}&cursor=${encodeURIComponent(page.value.nextCursor)}`
          : null,
        downvotes: site.enable_downvotes,
        canModerate: moderates,
      }),
    );
  });

  async function threadPage(
    request: FastifyRequest<{ Querystring: Query }>,
    reply: FastifyReply,
    postId: string,
    focusCommentId: string | null,
  ) {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const view = await getPostView(db, postId, viewer?.person.id ?? null);
    if (!view) return notFound(request, reply, "There is no such post here.");
    const focus = focusCommentId ? await findCommentById(db, focusCommentId) : null;
    if (focusCommentId && (!focus || focus.post_id !== postId))
      return notFound(request, reply, "There is no such comment here.");
    // Megathreads open with comments sorted New (a series option).
    const defaultSort = (await isNewSortedMegathread(db, postId)) ? "New" : "Hot";
    const sort: CommentSort = pick(request.query.sort, COMMENT_SORTS, defaultSort);
    const page = Math.max(1, Number.parseInt(request.query.page ?? "1", 10) || 1);
    const [comments, reader, showContent, boosters] = await Promise.all([
      listCommentThread(
        db,
        { postId, parent: focus ?? null, sort, page, limit: COMMENTS_PER_PAGE, maxDepth: THREAD_DEPTH },
        commentViewer(viewer),
      ),
      threadReader(db, viewer, view),
      canSeePostContent(db, viewer, view.post),
      view.post.boost_count > 0 ? listBoosters(db, { postId }, BOOSTERS_SHOWN) : [],
    ]);
    const roots = comments.filter((c) => (focus ? c.comment.parent_id === focus.id : c.comment.parent_id === null));
    const base = focus ? `/comment/${focus.id}` : `/post/${postId}`;
    return sendPage(
      reply,
      renderPostPage(ctx, {
        view,
        showContent,
        comments,
        commentSort: sort,
        nextHref: roots.length === COMMENTS_PER_PAGE ? `${base}?sort=${sort}&page=${page + 1}` : null,
        ...reader,
        isAuthor: viewer?.person.id === view.post.creator_id,
        focusCommentId: focus?.id,
        boosters,
      }),
    );
  }

  app.get<{ Params: { id: string }; Querystring: Query }>("/post/:id", async (request, reply) => {
    reply.header("vary", "Accept");
    if (!/^\d+$/.test(request.params.id)) return notFound(request, reply, "There is no such post here.");
    return threadPage(request, reply, request.params.id, null);
  });

  app.get<{ Params: { id: string }; Querystring: Query }>("/comment/:id", async (request, reply) => {
    reply.header("vary", "Accept");
    const comment = /^\d+$/.test(request.params.id) ? await findCommentById(db, request.params.id) : undefined;
    if (!comment) return notFound(request, reply, "There is no such comment here.");
    return threadPage(request, reply, comment.post_id, comment.id);
  });

  // The replies below a comment as an HTML fragment, for app.js's "more replies".
  app.get<{ Params: { id: string }; Querystring: Query }>("/comment/:id/replies", async (request, reply) => {
    const comment = /^\d+$/.test(request.params.id) ? await findCommentById(db, request.params.id) : undefined;
    if (!comment) return reply.code(404).type("text/html; charset=utf-8").send("");
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const view = await getPostView(db, comment.post_id, viewer?.person.id ?? null);
    if (!view) return reply.code(404).type("text/html; charset=utf-8").send("");
    const defaultSort = (await isNewSortedMegathread(db, comment.post_id)) ? "New" : "Hot";
    const sort: CommentSort = pick(request.query.sort, COMMENT_SORTS, defaultSort);
    const [comments, reader] = await Promise.all([
      listCommentThread(
        db,
        { postId: comment.post_id, parent: comment, sort, page: 1, limit: COMMENTS_PER_PAGE, maxDepth: THREAD_DEPTH },
        commentViewer(viewer),
      ),
      threadReader(db, viewer, view),
    ]);
    return reply.type("text/html; charset=utf-8").send(renderCommentFragment(ctx, comments, { view, reader }, true));
  });

  app.get<{ Params: { name: string } }>("/u/:name", async (request, reply) => {
    reply.header("vary", "Accept");
    const person = await findPersonByIdOrName(db, { name: request.params.name });
    if (!person || person.deleted)
      return notFound(request, reply, `There is no one called ${request.params.name} here.`);
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const site = await getCachedSite(db);
    const [profile, posts, comments] = await Promise.all([
      getPersonProfile(db, person),
      listPostViews(db, {
        viewer: postViewer(viewer),
        listingType: "All",
        sort: "New",
        creatorId: person.id,
        showNsfw: viewer?.localUser.show_nsfw ?? false,
        limit: POSTS_PER_PAGE,
      }),
      listComments(
        db,
        { sort: "New", page: 1, limit: POSTS_PER_PAGE, listing: "All", creatorId: person.id },
        commentViewer(viewer),
      ),
    ]);
    return sendPage(
      reply,
      renderProfilePage(ctx, {
        person,
        isAdmin: profile.isAdmin,
        posts: posts.ok ? posts.value.posts : [],
        comments,
        downvotes: site.enable_downvotes,
      }),
    );
  });

  app.get<{ Querystring: Query }>("/search", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const site = await getCachedSite(db);
    const query = (request.query.q ?? "").slice(0, 200);
    const type: SearchType = pick(request.query.type, SEARCH_TYPES, "All");
    const results = query.trim()
      ? await search(db, {
          query,
          type,
          sort: "TopAll",
          listingType: "All",
          viewer: commentViewer(viewer),
          showNsfw: viewer?.localUser.show_nsfw ?? false,
          page: 1,
          limit: SEARCH_RESULTS,
        })
      : null;
    return sendPage(
      reply,
      renderSearchPage(ctx, { query, type, types: SEARCH_TYPES, results, downvotes: site.enable_downvotes }),
    );
  });
}
