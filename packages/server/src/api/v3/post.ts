// /api/v3/post: create, edit, delete, read and list posts; vote, save, feature, lock; and link
// previews (site_metadata).
import {
  canSeePostContent,
  createPost,
  editPost,
  exhaustiveCheck,
  featurePost,
  fetchLinkMetadata,
  findCommentById,
  findCommunityByName,
  getCachedSite,
  getCommunityView,
  getPostView,
  getSite,
  LISTING_TYPES,
  type ListingType,
  type LocalAccount,
  listModeratorPersons,
  listPostViews,
  lockPost,
  type PostView,
  parseHttpUrl,
  SORT_TYPES,
  type SortType,
  savePost,
  setPostDeleted,
  votePost,
  withoutPostContent,
} from "@plenum/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { linkFetchUserAgent } from "../../runtime.ts";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { canSeeCommunity, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./community.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommunityView, toApiModerators, toApiPostView } from "./serialize.ts";

const id = z.number().int().positive();
const queryId = z.coerce.number().int().positive();
/** Bounds on free text before the services check Lemmy's own limits (which give Lemmy's codes). */
const text = z.string().max(200_000);

const PostContent = z.object({
  name: text,
  url: text.optional(),
  body: text.optional(),
  alt_text: text.optional(),
  nsfw: z.boolean().optional(),
  language_id: z.number().int().min(0).optional(),
  custom_thumbnail: text.optional(),
});

const CreatePost = PostContent.extend({
  community_id: id,
  honeypot: z.string().optional(),
});

const EditPost = PostContent.partial().extend({ post_id: id });

const DeletePost = z.object({ post_id: id, deleted: z.boolean() });

const GetPost = z.object({ id: queryId.optional(), comment_id: queryId.optional() });

const GetPosts = z.object({
  type_: z.enum(LISTING_TYPES).optional(),
  sort: z.enum(SORT_TYPES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
  community_id: queryId.optional(),
  community_name: z.string().max(300).optional(),
  saved_only: z.stringbool().optional(),
  liked_only: z.stringbool().optional(),
  disliked_only: z.stringbool().optional(),
  show_hidden: z.stringbool().optional(),
  show_read: z.stringbool().optional(),
  show_nsfw: z.stringbool().optional(),
  page_cursor: z.string().max(1000).optional(),
});

const CreatePostLike = z.object({ post_id: id, score: z.number().int() });

const SavePost = z.object({ post_id: id, save: z.boolean() });

const FeaturePost = z.object({ post_id: id, featured: z.boolean(), feature_type: z.enum(["Community", "Local"]) });

const LockPost = z.object({ post_id: id, locked: z.boolean() });

const GetSiteMetadata = z.object({ url: z.string().max(10_000) });

/** The post fields createPost and editPost share, from the API's names to the service's. */
function contentOf(v: Partial<z.infer<typeof PostContent>>) {
  return {
    title: v.name,
    url: v.url,
    body: v.body,
    altText: v.alt_text,
    customThumbnail: v.custom_thumbnail,
    nsfw: v.nsfw,
    languageId: v.language_id,
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

export function registerPostRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const { urls } = api.runtime.contextData;

  /** A post as the reader may see it: a deleted or removed one without its content, unless theirs to see. */
  async function apiPostView(view: PostView, reader: LocalAccount | null) {
    const visible = await canSeePostContent(db, reader, view.post);
    return toApiPostView(visible ? view : { ...view, post: withoutPostContent(view.post) });
  }

  /** PostResponse for a post the reader just acted on. */
  async function postResponse(reply: FastifyReply, postId: string, reader: LocalAccount) {
    const view = await getPostView(db, postId, reader.person.id);
    if (!view) return fail(reply, "couldnt_find_post");
    return { post_view: await apiPostView(view, reader) };
  }

  app.post("/post", { config: api.rateLimit("post") }, async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(CreatePost, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    // A filled honeypot field means a bot filled in every field it saw (Lemmy's check).
    if (v.honeypot) return fail(reply, "honeypot_failed");
    const result = await createPost(db, urls, me, {
      ...contentOf(v),
      communityId: String(v.community_id),
      title: v.name,
    });
    if (!result.ok) return failWithField(reply, result.error);
    return postResponse(reply, result.value.id, me);
  });

  app.put("/post", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(EditPost, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    const result = await editPost(db, me, String(v.post_id), contentOf(v));
    if (!result.ok) return failWithField(reply, result.error);
    return postResponse(reply, result.value.id, me);
  });

  app.post("/post/delete", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(DeletePost, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await setPostDeleted(db, me, String(input.value.post_id), input.value.deleted);
    if (!result.ok) return fail(reply, result.error.type);
    return postResponse(reply, result.value.id, me);
  });

  app.get("/post", async (request, reply) => {
    const input = parseInput(GetPost, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    let postId: string;
    if (input.value.id) postId = String(input.value.id);
    else if (input.value.comment_id) {
      const comment = await findCommentById(db, String(input.value.comment_id));
      if (!comment) return fail(reply, "couldnt_find_comment");
      postId = comment.post_id;
    } else return fail(reply, "no_id_given");
    const me = await api.viewer(request);
    const readerId = me?.person.id ?? null;
    const view = await getPostView(db, postId, readerId);
    if (!view || !(await canSeeCommunity(api, me, view.community))) return fail(reply, "couldnt_find_post");
    const [communityView, moderators] = await Promise.all([
      getCommunityView(db, view.community.id, readerId),
      listModeratorPersons(db, view.community.id),
    ]);
    if (!communityView) return fail(reply, "couldnt_find_post");
    return {
      post_view: await apiPostView(view, me),
      community_view: toApiCommunityView(communityView),
      moderators: toApiModerators(view.community, moderators),
      // Plenum does not look for cross-posts (the same link elsewhere) yet.
      cross_posts: [],
    };
  });

  app.get("/post/list", async (request, reply) => {
    const input = parseInput(GetPosts, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    if (v.liked_only && v.disliked_only) return fail(reply, "contradicting_filters");
    const me = await api.viewer(request);
    const site = await getCachedSite(db);
    let communityId = v.community_id ? String(v.community_id) : undefined;
    if (!communityId && v.community_name) {
      const community = await findCommunityByName(db, v.community_name);
      if (!community) return fail(reply, "couldnt_find_community");
      communityId = community.id;
    }
    // Lemmy's defaults: the reader's own settings, else the site's.
    const sort: SortType =
      v.sort ??
      oneOf(me?.localUser.default_sort_type, SORT_TYPES) ??
      oneOf(site.default_sort_type, SORT_TYPES) ??
      "Active";
    const listingType: ListingType =
      v.type_ ??
      oneOf(me?.localUser.default_listing_type, LISTING_TYPES) ??
      oneOf(site.default_listing_type, LISTING_TYPES) ??
      "Local";
    const page = await listPostViews(db, {
      viewer: me ? { personId: me.person.id, showBotAccounts: me.localUser.show_bot_accounts } : null,
      listingType,
      sort,
      communityId,
      savedOnly: v.saved_only,
      likedOnly: v.liked_only,
      dislikedOnly: v.disliked_only,
      showNsfw: site.enable_nsfw && (v.show_nsfw ?? me?.localUser.show_nsfw ?? false),
      limit: v.limit ?? DEFAULT_PAGE_LIMIT,
      page: v.page,
      cursor: v.page_cursor,
    });
    if (!page.ok) return fail(reply, "invalid_request", `page_cursor: ${page.error.reason}`);
    return {
      posts: await Promise.all(page.value.posts.map((view) => apiPostView(view, me))),
      next_page: page.value.nextCursor ?? undefined,
    };
  });

  app.post("/post/like", { config: api.rateLimit("vote") }, async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(CreatePostLike, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const score = input.value.score;
    if (score !== 1 && score !== 0 && score !== -1) return fail(reply, "invalid_vote_value");
    const postId = String(input.value.post_id);
    const result = await votePost(db, await getSite(db), me, postId, score);
    if (!result.ok) return fail(reply, result.error.type);
    return postResponse(reply, postId, me);
  });

  app.put("/post/save", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(SavePost, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const postId = String(input.value.post_id);
    const result = await savePost(db, me, postId, input.value.save);
    if (!result.ok) return fail(reply, result.error.type);
    return postResponse(reply, postId, me);
  });

  app.post("/post/feature", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(FeaturePost, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await featurePost(db, me, {
      postId: String(input.value.post_id),
      featured: input.value.featured,
      featureType: input.value.feature_type,
    });
    if (!result.ok) return fail(reply, result.error.type);
    return postResponse(reply, result.value.id, me);
  });

  app.post("/post/lock", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(LockPost, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await lockPost(db, me, String(input.value.post_id), input.value.locked);
    if (!result.ok) return fail(reply, result.error.type);
    return postResponse(reply, result.value.id, me);
  });

  // Logged-in readers only (Lemmy answers anyone): it makes this server fetch a URL of the
  // caller's choosing, which anonymous clients should not be able to make it do.
  app.get("/post/site_metadata", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(GetSiteMetadata, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const url = parseHttpUrl(input.value.url);
    if (!url) return fail(reply, "invalid_url");
    const result = await fetchLinkMetadata(url, {
      allowPrivateAddress: api.runtime.config.allowPrivateAddress,
      userAgent: linkFetchUserAgent(api.runtime.config.origin),
    });
    if (!result.ok) {
      const error = result.error;
      switch (error.type) {
        case "invalid_url":
          return fail(reply, "invalid_url");
        case "blocked_address":
          return fail(reply, "blocked_url", `${error.host} is not a public address`);
        case "too_many_redirects":
          return fail(reply, "couldnt_fetch_site_metadata", "too many redirects");
        case "http_error":
          return fail(reply, "couldnt_fetch_site_metadata", `the page answered ${error.status}`);
        case "network_error":
          return fail(reply, "couldnt_fetch_site_metadata", error.message);
        default:
          return exhaustiveCheck(error);
      }
    }
    const m = result.value;
    return {
      metadata: {
        title: m.title ?? undefined,
        description: m.description ?? undefined,
        image: m.image ?? undefined,
        embed_video_url: m.embedVideoUrl ?? undefined,
        content_type: m.contentType ?? undefined,
      },
    };
  });
}

function failWithField(reply: FastifyReply, error: { type: string; field?: string }) {
  return fail(reply, error.type, error.field ? `${error.field} is not valid` : undefined);
}
