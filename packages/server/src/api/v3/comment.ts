// /api/v3/comment: create, edit, delete, read, list (threads and flat lists), vote, save.
// docs/api.md ("Comments") lists every difference from Lemmy.
import {
  COMMENT_SORTS,
  type CommentListing,
  type CommentViewer,
  createComment,
  deleteComment,
  editComment,
  exhaustiveCheck,
  findCommentById,
  findCommunityByName,
  getCachedSite,
  getCommentView,
  getSite,
  isNewSortedMegathread,
  LISTING_TYPES,
  type LocalAccount,
  listComments,
  listCommentThread,
  MAX_COMMENT_DEPTH,
  saveComment,
  voteOnComment,
} from "@plenum/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommentView } from "./serialize.ts";

/** Comments per page of a flat list when the client does not say: Lemmy's FETCH_LIMIT_DEFAULT. */
const DEFAULT_LIST_LIMIT = 10;
/**
 * Top-level comments per page of a thread when the client does not say. Lemmy ignores limit and
 * page for tree fetches (it returns up to 300 comments), and lemmy-ui sends neither, so a thread's
 * first page is as large as a page may be.
 */
const DEFAULT_THREAD_LIMIT = 50;
/** Most comments (top-level ones, for a thread) per page: Lemmy's FETCH_LIMIT_MAX. Larger limits
 *  are lowered to it rather than refused, because lemmy-ui asks for 999 replies. */
const MAX_LIMIT = 50;
/** Last page of a flat list: Lemmy's PAGE_LIMIT_MAX. */
const MAX_LIST_PAGE = 100;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const languageId = z.number().int().min(0).max(10_000);

const CreateComment = z.object({
  // Length and blankness are checked by the service (Lemmy's invalid_body_field); this bound
  // only keeps absurd bodies out of the service.
  content: z.string().max(1_000_000),
  post_id: id,
  parent_id: id.optional(),
  language_id: languageId.optional(),
});

const EditComment = z.object({
  comment_id: id,
  content: z.string().max(1_000_000).optional(),
  language_id: languageId.optional(),
});

const DeleteComment = z.object({ comment_id: id, deleted: z.boolean() });
const GetComment = z.object({ id: queryId });
const CreateCommentLike = z.object({ comment_id: id, score: z.union([z.literal(-1), z.literal(0), z.literal(1)]) });
const SaveComment = z.object({ comment_id: id, save: z.boolean() });

const GetComments = z.object({
  type_: z.enum(LISTING_TYPES).optional(),
  sort: z.enum(COMMENT_SORTS).optional(),
  max_depth: z.coerce.number().int().min(1).max(10_000).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  community_id: queryId.optional(),
  community_name: z.string().max(300).optional(),
  post_id: queryId.optional(),
  parent_id: queryId.optional(),
  saved_only: z.stringbool().optional(),
  liked_only: z.stringbool().optional(),
  disliked_only: z.stringbool().optional(),
});

function viewerOf(account: LocalAccount | null): CommentViewer | null {
  if (!account) return null;
  return {
    personId: account.person.id,
    admin: account.localUser.admin,
    showBotAccounts: account.localUser.show_bot_accounts,
  };
}

const isListing = (value: string): value is CommentListing => (LISTING_TYPES as readonly string[]).includes(value);

export function registerCommentRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const { urls } = api.runtime.contextData;

  /** Answers with the comment as the caller now sees it (Lemmy's CommentResponse). */
  async function respond(reply: FastifyReply, commentId: string, account: LocalAccount | null) {
    const view = await getCommentView(db, commentId, viewerOf(account));
    if (!view) return fail(reply, "couldnt_find_comment");
    return { comment_view: toApiCommentView(view), recipient_ids: [] };
  }

  app.post("/comment", { config: api.rateLimit("comment") }, async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(CreateComment, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await createComment(
      db,
      urls,
      { personId: me.person.id, admin: me.localUser.admin },
      {
        postId: String(input.value.post_id),
        parentId: input.value.parent_id === undefined ? null : String(input.value.parent_id),
        content: input.value.content,
        languageId: input.value.language_id ?? null,
      },
    );
    if (!result.ok) return fail(reply, result.error.type);
    return respond(reply, result.value.id, me);
  });

  app.put("/comment", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(EditComment, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await editComment(
      db,
      { personId: me.person.id, admin: me.localUser.admin },
      {
        commentId: String(input.value.comment_id),
        content: input.value.content,
        languageId: input.value.language_id ?? null,
      },
    );
    if (!result.ok) return fail(reply, result.error.type);
    return respond(reply, result.value.id, me);
  });

  app.post("/comment/delete", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(DeleteComment, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await deleteComment(
      db,
      { personId: me.person.id, admin: me.localUser.admin },
      { commentId: String(input.value.comment_id), deleted: input.value.deleted },
    );
    if (!result.ok) return fail(reply, result.error.type);
    return respond(reply, result.value.id, me);
  });

  app.get("/comment", async (request, reply) => {
    const input = parseInput(GetComment, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    return respond(reply, String(input.value.id), await api.viewer(request));
  });

  app.post("/comment/like", { config: api.rateLimit("vote") }, async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(CreateCommentLike, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const site = await getSite(db);
    const result = await voteOnComment(db, {
      commentId: String(input.value.comment_id),
      personId: me.person.id,
      score: input.value.score,
      downvotesEnabled: site.enable_downvotes,
    });
    if (!result.ok) {
      switch (result.error.type) {
        case "couldnt_find_comment":
        case "deleted":
        case "downvotes_are_disabled":
        case "site_ban":
        case "banned_from_community":
          return fail(reply, result.error.type);
        default:
          return exhaustiveCheck(result.error);
      }
    }
    return respond(reply, String(input.value.comment_id), me);
  });

  app.put("/comment/save", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(SaveComment, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await saveComment(db, {
      commentId: String(input.value.comment_id),
      personId: me.person.id,
      save: input.value.save,
    });
    if (!result.ok) return fail(reply, result.error.type);
    return respond(reply, result.value.id, me);
  });

  app.get("/comment/list", async (request, reply) => {
    const input = parseInput(GetComments, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const q = input.value;
    const account = await api.viewer(request);
    const viewer = viewerOf(account);
    if (q.liked_only && q.disliked_only) return fail(reply, "contradicting_filters");
    let sort = q.sort ?? "Hot";
    const page = q.page ?? 1;

    let communityId = q.community_id === undefined ? undefined : String(q.community_id);
    if (q.community_name !== undefined) {
      const community = await findCommunityByName(db, q.community_name);
      if (!community) return fail(reply, "couldnt_find_community");
      communityId = community.id;
    }
    const parent = q.parent_id === undefined ? null : ((await findCommentById(db, String(q.parent_id))) ?? null);
    if (q.parent_id !== undefined && !parent) return fail(reply, "couldnt_find_comment");
    const postId = q.post_id === undefined ? parent?.post_id : String(q.post_id);
    // Megathreads open with comments sorted New (a series option).
    if (q.sort === undefined && postId !== undefined && (await isNewSortedMegathread(db, postId))) sort = "New";
    const maxDepth = q.max_depth === undefined ? undefined : Math.min(q.max_depth, MAX_COMMENT_DEPTH);

    // A thread: top-level comments (or a comment's replies) a page at a time, with their replies.
    // Filters that pick scattered comments (saved, liked, disliked) make a flat list instead.
    const filtersScattered = Boolean(q.saved_only || q.liked_only || q.disliked_only);
    if (maxDepth !== undefined && postId !== undefined && !filtersScattered) {
      const views = await listCommentThread(
        db,
        {
          postId,
          parent,
          sort,
          page,
          limit: Math.min(q.limit ?? DEFAULT_THREAD_LIMIT, MAX_LIMIT),
          maxDepth,
        },
        viewer,
      );
      return { comments: views.map(toApiCommentView) };
    }

    if (page > MAX_LIST_PAGE) return fail(reply, "couldnt_get_comments");
    const userDefault = account?.localUser.default_listing_type ?? (await getCachedSite(db)).default_listing_type;
    const listing: CommentListing =
      q.type_ ??
      (postId !== undefined || communityId !== undefined ? "All" : isListing(userDefault) ? userDefault : "Local");
    const views = await listComments(
      db,
      {
        sort,
        page,
        limit: Math.min(q.limit ?? DEFAULT_LIST_LIMIT, MAX_LIMIT),
        listing,
        postId,
        parentPath: parent?.path,
        communityId,
        maxDepth,
        savedOnly: q.saved_only,
        likedOnly: q.liked_only,
        dislikedOnly: q.disliked_only,
      },
      viewer,
    );
    return { comments: views.map(toApiCommentView) };
  });
}
