// /api/v3 moderation and administration: reports and their queue, removals, bans, community
// transfer, admins, purges, the modlog and the instance lists. docs/api.md ("Moderation") lists
// every call and every difference from Lemmy.
import {
  banFromCommunity,
  banFromSite,
  type CommentReportView,
  type CommunityRow,
  canModerate,
  canSeePostContent,
  countOpenReports,
  createCommentReport,
  createPostReport,
  findCommunityById,
  getCommentReportView,
  getCommentView,
  getCommunityView,
  getPostReportView,
  getPostView,
  getSite,
  hostOf,
  type InstanceRow,
  type LocalAccount,
  listCommentReports,
  listFederationLists,
  listModlog,
  listPostReports,
  listSiteBannedPersons,
  MAX_MOD_REASON_LENGTH,
  MODLOG_ACTIONS,
  type ModlogEntryView,
  type PersonRow,
  type PostReportView,
  purgeComment,
  purgeCommunity,
  purgePerson,
  purgePost,
  removeComment,
  removeCommunity,
  removePost,
  resolveCommentReport,
  resolvePostReport,
  setAdmin,
  setFederationLists,
  transferCommunity,
  withoutPostContent,
} from "@plenum/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { discussionLanguages } from "./community.ts";
import type { ApiContext } from "./context.ts";
import {
  iso,
  isoOrUndefined,
  num,
  opt,
  toApiComment,
  toApiCommentCounts,
  toApiCommentView,
  toApiCommunity,
  toApiCommunityView,
  toApiModerators,
  toApiPerson,
  toApiPersonCounts,
  toApiPost,
  toApiPostCounts,
  toApiPostView,
} from "./serialize.ts";

/** Lemmy's page size for report and modlog lists, and the largest accepted. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Report reasons are checked by the service (Lemmy's report_reason_required, report_too_long). */
const reportReason = z.string().max(100_000);
const modReason = z.string().max(MAX_MOD_REASON_LENGTH).optional();
/** A ban's end, in Unix seconds as Lemmy takes it. */
const expires = z.number().int().positive().max(253_402_300_799).optional();
const page = z.coerce.number().int().min(1).max(100_000).optional();
const limit = z.coerce.number().int().min(1).max(MAX_LIMIT).optional();

const CreatePostReport = z.object({ post_id: id, reason: reportReason });
const CreateCommentReport = z.object({ comment_id: id, reason: reportReason });
const ResolveReport = z.object({ report_id: id, resolved: z.boolean() });
const ListPostReports = z.object({
  page,
  limit,
  unresolved_only: z.stringbool().optional(),
  community_id: queryId.optional(),
  post_id: queryId.optional(),
});
const ListCommentReports = z.object({
  page,
  limit,
  unresolved_only: z.stringbool().optional(),
  community_id: queryId.optional(),
  comment_id: queryId.optional(),
});
const GetReportCount = z.object({ community_id: queryId.optional() });
const RemovePost = z.object({ post_id: id, removed: z.boolean(), reason: modReason });
const RemoveComment = z.object({ comment_id: id, removed: z.boolean(), reason: modReason });
const RemoveCommunity = z.object({ community_id: id, removed: z.boolean(), reason: modReason });
const BanFromCommunity = z.object({
  community_id: id,
  person_id: id,
  ban: z.boolean(),
  remove_data: z.boolean().optional(),
  reason: modReason,
  expires,
});
const BanPerson = z.object({
  person_id: id,
  ban: z.boolean(),
  remove_data: z.boolean().optional(),
  reason: modReason,
  expires,
});
const TransferCommunity = z.object({ community_id: id, person_id: id });
const AddAdmin = z.object({ person_id: id, added: z.boolean() });
const PurgePerson = z.object({ person_id: id, reason: modReason });
const PurgeCommunity = z.object({ community_id: id, reason: modReason });
const PurgePost = z.object({ post_id: id, reason: modReason });
const PurgeComment = z.object({ comment_id: id, reason: modReason });
const GetModlog = z.object({
  mod_person_id: queryId.optional(),
  community_id: queryId.optional(),
  page,
  limit,
  type_: z.enum(["All", "ModHideCommunity", ...MODLOG_ACTIONS]).optional(),
  other_person_id: queryId.optional(),
  post_id: queryId.optional(),
  comment_id: queryId.optional(),
});

/** editSite's fields for the instance lists (site.ts adds them to its schema). */
export const FederationListFields = {
  allowed_instances: z.array(z.string().max(300)).max(1000).optional(),
  blocked_instances: z.array(z.string().max(300)).max(1000).optional(),
};

const unixSeconds = (value: number | undefined) => (value === undefined ? null : new Date(value * 1000));

/** lemmy-js-client's PersonView, with `banned` and `ban_expires` as the caller knows them. */
export function toApiPersonView(person: PersonRow, isAdmin: boolean, ban?: { expiresAt: Date | null } | null) {
  return {
    person: { ...toApiPerson(person), banned: Boolean(ban), ban_expires: isoOrUndefined(ban?.expiresAt) },
    counts: toApiPersonCounts(person),
    is_admin: isAdmin,
  };
}

function toApiPostReportView(view: PostReportView) {
  const r = view.report;
  return {
    post_report: {
      id: num(r.id),
      creator_id: num(r.creator_id),
      post_id: num(r.post_id),
      original_post_name: r.original_post_name,
      original_post_url: opt(r.original_post_url),
      original_post_body: opt(r.original_post_body),
      reason: r.reason,
      resolved: r.resolved,
      resolver_id: r.resolver_id ? num(r.resolver_id) : undefined,
      published: iso(r.published_at),
      updated: isoOrUndefined(r.updated_at),
    },
    post: toApiPost(view.post),
    community: toApiCommunity(view.community),
    creator: toApiPerson(view.creator),
    post_creator: toApiPerson(view.postCreator),
    creator_banned_from_community: view.creatorBannedFromCommunity,
    creator_is_moderator: view.creatorIsModerator,
    creator_is_admin: view.creatorIsAdmin,
    subscribed: subscribedType(view.subscribed),
    saved: view.saved,
    read: false,
    hidden: false,
    creator_blocked: view.creatorBlocked,
    my_vote: view.myVote ?? undefined,
    unread_comments: 0,
    counts: toApiPostCounts(view.post),
    resolver: view.resolver ? toApiPerson(view.resolver) : undefined,
  };
}

function toApiCommentReportView(view: CommentReportView) {
  const r = view.report;
  return {
    comment_report: {
      id: num(r.id),
      creator_id: num(r.creator_id),
      comment_id: num(r.comment_id),
      original_comment_text: r.original_comment_text,
      reason: r.reason,
      resolved: r.resolved,
      resolver_id: r.resolver_id ? num(r.resolver_id) : undefined,
      published: iso(r.published_at),
      updated: isoOrUndefined(r.updated_at),
    },
    comment: toApiComment(view.comment),
    post: toApiPost(view.post),
    community: toApiCommunity(view.community),
    creator: toApiPerson(view.creator),
    comment_creator: toApiPerson(view.commentCreator),
    counts: toApiCommentCounts(view.comment),
    creator_banned_from_community: view.creatorBannedFromCommunity,
    creator_is_moderator: view.creatorIsModerator,
    creator_is_admin: view.creatorIsAdmin,
    creator_blocked: view.creatorBlocked,
    subscribed: subscribedType(view.subscribed),
    saved: view.saved,
    my_vote: view.myVote ?? undefined,
    resolver: view.resolver ? toApiPerson(view.resolver) : undefined,
  };
}

function subscribedType(state: "pending" | "accepted" | null) {
  return state === "accepted" ? "Subscribed" : state === "pending" ? "Pending" : "NotSubscribed";
}

function toApiInstance(instance: InstanceRow) {
  return {
    id: num(instance.id),
    domain: instance.host,
    published: iso(instance.created_at),
    updated: isoOrUndefined(instance.updated_at),
    software: opt(instance.software),
    version: opt(instance.software_version),
  };
}

type ModlogResponse = {
  removed_posts: unknown[];
  locked_posts: unknown[];
  featured_posts: unknown[];
  removed_comments: unknown[];
  removed_communities: unknown[];
  banned_from_community: unknown[];
  banned: unknown[];
  added_to_community: unknown[];
  transferred_to_community: unknown[];
  added: unknown[];
  admin_purged_persons: unknown[];
  admin_purged_communities: unknown[];
  admin_purged_posts: unknown[];
  admin_purged_comments: unknown[];
  hidden_communities: unknown[];
};

/**
 * Lemmy's GetModlogResponse: the page's entries sorted into one list per kind, newest first in
 * each. With hidden moderator names, `moderator`/`admin` are left out and the moderator's id is 0.
 */
export function toApiModlog(entries: readonly ModlogEntryView[], hideModNames: boolean): ModlogResponse {
  const response: ModlogResponse = {
    removed_posts: [],
    locked_posts: [],
    featured_posts: [],
    removed_comments: [],
    removed_communities: [],
    banned_from_community: [],
    banned: [],
    added_to_community: [],
    transferred_to_community: [],
    added: [],
    admin_purged_persons: [],
    admin_purged_communities: [],
    admin_purged_posts: [],
    admin_purged_comments: [],
    hidden_communities: [],
  };
  for (const view of entries) {
    const e = view.entry;
    const base = {
      id: num(e.id),
      mod_person_id: hideModNames || !e.mod_person_id ? 0 : num(e.mod_person_id),
      when_: iso(e.published_at),
    };
    const moderator = view.moderator ? toApiPerson(view.moderator) : undefined;
    const reason = opt(e.reason);
    const { post, comment, community, otherPerson } = view;
    switch (e.action) {
      case "ModRemovePost":
        if (post && community)
          response.removed_posts.push({
            mod_remove_post: { ...base, post_id: num(post.id), reason, removed: e.state },
            moderator,
            post: toApiPost(post),
            community: toApiCommunity(community),
          });
        break;
      case "ModLockPost":
        if (post && community)
          response.locked_posts.push({
            mod_lock_post: { ...base, post_id: num(post.id), locked: e.state },
            moderator,
            post: toApiPost(post),
            community: toApiCommunity(community),
          });
        break;
      case "ModFeaturePost":
        if (post && community)
          response.featured_posts.push({
            mod_feature_post: {
              ...base,
              post_id: num(post.id),
              featured: e.state,
              is_featured_community: e.featured_community ?? true,
            },
            moderator,
            post: toApiPost(post),
            community: toApiCommunity(community),
          });
        break;
      case "ModRemoveComment":
        if (comment && post && community && otherPerson)
          response.removed_comments.push({
            mod_remove_comment: { ...base, comment_id: num(comment.id), reason, removed: e.state },
            moderator,
            comment: toApiComment(comment),
            commenter: toApiPerson(otherPerson),
            post: toApiPost(post),
            community: toApiCommunity(community),
          });
        break;
      case "ModRemoveCommunity":
        if (community)
          response.removed_communities.push({
            mod_remove_community: { ...base, community_id: num(community.id), reason, removed: e.state },
            moderator,
            community: toApiCommunity(community),
          });
        break;
      case "ModBanFromCommunity":
        if (community && otherPerson)
          response.banned_from_community.push({
            mod_ban_from_community: {
              ...base,
              other_person_id: num(otherPerson.id),
              community_id: num(community.id),
              reason,
              banned: e.state,
              expires: isoOrUndefined(e.expires_at),
            },
            moderator,
            community: toApiCommunity(community),
            banned_person: toApiPerson(otherPerson),
          });
        break;
      case "ModBan":
        if (otherPerson)
          response.banned.push({
            mod_ban: {
              ...base,
              other_person_id: num(otherPerson.id),
              reason,
              banned: e.state,
              expires: isoOrUndefined(e.expires_at),
            },
            moderator,
            banned_person: toApiPerson(otherPerson),
          });
        break;
      case "ModAddCommunity":
        if (community && otherPerson)
          response.added_to_community.push({
            mod_add_community: {
              ...base,
              other_person_id: num(otherPerson.id),
              community_id: num(community.id),
              removed: !e.state,
            },
            moderator,
            community: toApiCommunity(community),
            modded_person: toApiPerson(otherPerson),
          });
        break;
      case "ModTransferCommunity":
        if (community && otherPerson)
          response.transferred_to_community.push({
            mod_transfer_community: {
              ...base,
              other_person_id: num(otherPerson.id),
              community_id: num(community.id),
            },
            moderator,
            community: toApiCommunity(community),
            modded_person: toApiPerson(otherPerson),
          });
        break;
      case "ModAdd":
        if (otherPerson)
          response.added.push({
            mod_add: { ...base, other_person_id: num(otherPerson.id), removed: !e.state },
            moderator,
            modded_person: toApiPerson(otherPerson),
          });
        break;
      case "AdminPurgePerson":
        response.admin_purged_persons.push({
          admin_purge_person: purgeEntry(base, reason),
          admin: moderator,
        });
        break;
      case "AdminPurgeCommunity":
        response.admin_purged_communities.push({
          admin_purge_community: purgeEntry(base, reason),
          admin: moderator,
        });
        break;
      case "AdminPurgePost":
        if (community)
          response.admin_purged_posts.push({
            admin_purge_post: { ...purgeEntry(base, reason), community_id: num(community.id) },
            admin: moderator,
            community: toApiCommunity(community),
          });
        break;
      case "AdminPurgeComment":
        if (post)
          response.admin_purged_comments.push({
            admin_purge_comment: { ...purgeEntry(base, reason), post_id: num(post.id) },
            admin: moderator,
            post: toApiPost(post),
          });
        break;
    }
  }
  return response;
}

function purgeEntry(base: { id: number; mod_person_id: number; when_: string }, reason: string | undefined) {
  return { id: base.id, admin_person_id: base.mod_person_id, reason, when_: base.when_ };
}

/**
 * Whether the reader sees moderators' names in the modlog: always unless the site hides them;
 * then only admins, and the community's moderators in its own modlog (as Lemmy decides).
 */
export async function modNamesVisible(
  api: ApiContext,
  reader: LocalAccount | null,
  communityId: string | undefined,
): Promise<boolean> {
  const site = await getSite(api.runtime.database.db);
  if (!site.hide_modlog_mod_names) return true;
  if (!reader) return false;
  if (reader.localUser.admin) return true;
  return communityId !== undefined && (await canModerate(api.runtime.database.db, reader, communityId));
}

/**
 * Stores editSite's allowed_instances and blocked_instances (site.ts calls this for an admin).
 * Answers false after answering the request with an error.
 */
export async function saveFederationLists(
  api: ApiContext,
  reply: FastifyReply,
  input: { allowed_instances?: string[]; blocked_instances?: string[] },
): Promise<boolean> {
  if (input.allowed_instances === undefined && input.blocked_instances === undefined) return true;
  const result = await setFederationLists(api.runtime.database.db, {
    allowed: input.allowed_instances,
    blocked: input.blocked_instances,
    localHost: hostOf(api.runtime.config.origin),
  });
  if (result.ok) return true;
  const error = result.error;
  switch (error.type) {
    case "invalid_instance":
      fail(reply, "invalid_request", `${error.host} is not a host name`);
      return false;
    case "instance_in_both_lists":
      fail(reply, "invalid_request", `${error.host} cannot be both allowed and blocked`);
      return false;
    case "cant_block_local_instance":
      fail(reply, "cant_block_local_instance");
      return false;
  }
}

export function registerModerationRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;

  /** Answers with the input, or with invalid_request (and undefined). */
  function input<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.infer<T> | undefined {
    const parsed = parseInput(schema, value);
    if (parsed.ok) return parsed.value;
    fail(reply, "invalid_request", parsed.message);
    return undefined;
  }

  /** The caller when logged in and an admin; otherwise answers and gives null. */
  async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
    const me = await api.requireViewer(request, reply);
    if (!me) return null;
    if (!me.localUser.admin) {
      fail(reply, "not_an_admin");
      return null;
    }
    return me;
  }

  async function personView(person: PersonRow, ban: { expiresAt: Date | null } | null) {
    const local = await db
      .selectFrom("local_users")
      .select("admin")
      .where("person_id", "=", person.id)
      .executeTakeFirst();
    return toApiPersonView(person, local?.admin ?? false, ban);
  }

  // ---- Reports ----

  app.post("/post/report", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(CreatePostReport, request.body, reply);
    if (!v) return reply;
    const result = await createPostReport(db, me, { postId: String(v.post_id), reason: v.reason });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getPostReportView(db, me.person.id, result.value.id);
    if (!view) return fail(reply, "couldnt_find_post_report");
    return { post_report_view: toApiPostReportView(view) };
  });

  app.put("/post/report/resolve", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(ResolveReport, request.body, reply);
    if (!v) return reply;
    const result = await resolvePostReport(db, me, { reportId: String(v.report_id), resolved: v.resolved });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getPostReportView(db, me.person.id, result.value.id);
    if (!view) return fail(reply, "couldnt_find_post_report");
    return { post_report_view: toApiPostReportView(view) };
  });

  app.get("/post/report/list", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(ListPostReports, request.query, reply);
    if (!v) return reply;
    const result = await listPostReports(db, me, {
      communityId: v.community_id === undefined ? undefined : String(v.community_id),
      postId: v.post_id === undefined ? undefined : String(v.post_id),
      unresolvedOnly: v.unresolved_only ?? false,
      page: v.page ?? 1,
      limit: v.limit ?? DEFAULT_LIMIT,
    });
    if (!result.ok) return fail(reply, result.error.type);
    return { post_reports: result.value.map(toApiPostReportView) };
  });

  app.post("/comment/report", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(CreateCommentReport, request.body, reply);
    if (!v) return reply;
    const result = await createCommentReport(db, me, { commentId: String(v.comment_id), reason: v.reason });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getCommentReportView(db, me.person.id, result.value.id);
    if (!view) return fail(reply, "couldnt_find_comment_report");
    return { comment_report_view: toApiCommentReportView(view) };
  });

  app.put("/comment/report/resolve", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(ResolveReport, request.body, reply);
    if (!v) return reply;
    const result = await resolveCommentReport(db, me, { reportId: String(v.report_id), resolved: v.resolved });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getCommentReportView(db, me.person.id, result.value.id);
    if (!view) return fail(reply, "couldnt_find_comment_report");
    return { comment_report_view: toApiCommentReportView(view) };
  });

  app.get("/comment/report/list", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(ListCommentReports, request.query, reply);
    if (!v) return reply;
    const result = await listCommentReports(db, me, {
      communityId: v.community_id === undefined ? undefined : String(v.community_id),
      commentId: v.comment_id === undefined ? undefined : String(v.comment_id),
      unresolvedOnly: v.unresolved_only ?? false,
      page: v.page ?? 1,
      limit: v.limit ?? DEFAULT_LIMIT,
    });
    if (!result.ok) return fail(reply, result.error.type);
    return { comment_reports: result.value.map(toApiCommentReportView) };
  });

  app.get("/user/report_count", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(GetReportCount, request.query, reply);
    if (!v) return reply;
    const communityId = v.community_id === undefined ? undefined : String(v.community_id);
    const result = await countOpenReports(db, me, communityId);
    if (!result.ok) return fail(reply, result.error.type);
    return {
      community_id: v.community_id,
      comment_reports: result.value.commentReports,
      post_reports: result.value.postReports,
      // Plenum has no private messages, so none of their reports.
      private_message_reports: me.localUser.admin ? 0 : undefined,
    };
  });

  // ---- Removals ----

  app.post("/post/remove", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(RemovePost, request.body, reply);
    if (!v) return reply;
    const result = await removePost(db, me, { postId: String(v.post_id), removed: v.removed, reason: v.reason });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getPostView(db, result.value.id, me.person.id);
    if (!view) return fail(reply, "couldnt_find_post");
    const visible = await canSeePostContent(db, me, view.post);
    return { post_view: toApiPostView(visible ? view : { ...view, post: withoutPostContent(view.post) }) };
  });

  app.post("/comment/remove", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(RemoveComment, request.body, reply);
    if (!v) return reply;
    const result = await removeComment(db, me, {
      commentId: String(v.comment_id),
      removed: v.removed,
      reason: v.reason,
    });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getCommentView(db, result.value.id, {
      personId: me.person.id,
      admin: me.localUser.admin,
      showBotAccounts: true,
    });
    if (!view) return fail(reply, "couldnt_find_comment");
    return { comment_view: toApiCommentView(view), recipient_ids: [] };
  });

  app.post("/community/remove", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(RemoveCommunity, request.body, reply);
    if (!v) return reply;
    const result = await removeCommunity(db, me, {
      communityId: String(v.community_id),
      removed: v.removed,
      reason: v.reason,
    });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getCommunityView(db, result.value.id, me.person.id);
    if (!view) return fail(reply, "couldnt_find_community");
    return { community_view: toApiCommunityView(view), discussion_languages: discussionLanguages() };
  });

  // ---- Bans ----

  app.post("/community/ban_user", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(BanFromCommunity, request.body, reply);
    if (!v) return reply;
    const expiresAt = unixSeconds(v.expires);
    const result = await banFromCommunity(db, me, {
      communityId: String(v.community_id),
      personId: String(v.person_id),
      ban: v.ban,
      reason: v.reason,
      expiresAt,
      removeData: v.remove_data,
    });
    if (!result.ok) return fail(reply, result.error.type);
    // person_view.person.banned is the site ban, as on Lemmy; `banned` answers for the community.
    const siteBan = await db
      .selectFrom("site_bans")
      .select("expires_at")
      .where("person_id", "=", result.value.person.id)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", new Date())]))
      .executeTakeFirst();
    return {
      person_view: await personView(result.value.person, siteBan ? { expiresAt: siteBan.expires_at } : null),
      banned: result.value.banned,
    };
  });

  app.post("/user/ban", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(BanPerson, request.body, reply);
    if (!v) return reply;
    const expiresAt = unixSeconds(v.expires);
    const result = await banFromSite(db, me, {
      personId: String(v.person_id),
      ban: v.ban,
      reason: v.reason,
      expiresAt,
      removeData: v.remove_data,
    });
    if (!result.ok) return fail(reply, result.error.type);
    return {
      person_view: await personView(result.value.person, result.value.banned ? { expiresAt } : null),
      banned: result.value.banned,
    };
  });

  app.get("/user/banned", async (request, reply) => {
    if (!(await requireAdmin(request, reply))) return reply;
    const banned = await listSiteBannedPersons(db);
    return { banned: banned.map(({ person, ban }) => toApiPersonView(person, false, ban)) };
  });

  // ---- Communities ----

  app.post("/community/transfer", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(TransferCommunity, request.body, reply);
    if (!v) return reply;
    const communityId = String(v.community_id);
    const result = await transferCommunity(db, me, { communityId, personId: String(v.person_id) });
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getCommunityView(db, communityId, me.person.id);
    if (!view) return fail(reply, "couldnt_find_community");
    return {
      community_view: toApiCommunityView(view),
      moderators: toApiModerators(view.community, result.value),
      discussion_languages: discussionLanguages(),
    };
  });

  // ---- Admins and purges ----

  app.post("/admin/add", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(AddAdmin, request.body, reply);
    if (!v) return reply;
    const result = await setAdmin(db, me, { personId: String(v.person_id), added: v.added });
    if (!result.ok) return fail(reply, result.error.type);
    return { admins: result.value.map((person) => toApiPersonView(person, true)) };
  });

  const success = { success: true };

  app.post("/admin/purge/person", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(PurgePerson, request.body, reply);
    if (!v) return reply;
    const result = await purgePerson(db, me, { personId: String(v.person_id), reason: v.reason });
    return result.ok ? success : fail(reply, result.error.type);
  });

  app.post("/admin/purge/community", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(PurgeCommunity, request.body, reply);
    if (!v) return reply;
    const result = await purgeCommunity(db, me, { communityId: String(v.community_id), reason: v.reason });
    return result.ok ? success : fail(reply, result.error.type);
  });

  app.post("/admin/purge/post", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(PurgePost, request.body, reply);
    if (!v) return reply;
    const result = await purgePost(db, me, { postId: String(v.post_id), reason: v.reason });
    return result.ok ? success : fail(reply, result.error.type);
  });

  app.post("/admin/purge/comment", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const v = input(PurgeComment, request.body, reply);
    if (!v) return reply;
    const result = await purgeComment(db, me, { commentId: String(v.comment_id), reason: v.reason });
    return result.ok ? success : fail(reply, result.error.type);
  });

  // ---- Public: the modlog and the instance lists ----

  app.get("/modlog", async (request, reply) => {
    const v = input(GetModlog, request.query, reply);
    if (!v) return reply;
    const me = await api.viewer(request);
    const communityId = v.community_id === undefined ? undefined : String(v.community_id);
    let community: CommunityRow | undefined;
    if (communityId !== undefined) {
      community = await findCommunityById(db, communityId);
      if (!community) return fail(reply, "couldnt_find_community");
    }
    const hideModNames = !(await modNamesVisible(api, me, communityId));
    // Plenum has no hidden communities, so nothing is ever logged as hidden.
    if (v.type_ === "ModHideCommunity") return toApiModlog([], hideModNames);
    const entries = await listModlog(
      db,
      {
        communityId,
        modPersonId: v.mod_person_id === undefined ? undefined : String(v.mod_person_id),
        otherPersonId: v.other_person_id === undefined ? undefined : String(v.other_person_id),
        postId: v.post_id === undefined ? undefined : String(v.post_id),
        commentId: v.comment_id === undefined ? undefined : String(v.comment_id),
        action: v.type_ === undefined || v.type_ === "All" ? undefined : v.type_,
        page: v.page ?? 1,
        limit: v.limit ?? DEFAULT_LIMIT,
      },
      { hideModNames },
    );
    return toApiModlog(entries, hideModNames);
  });

  app.get("/federated_instances", async () => {
    const localHost = hostOf(api.runtime.config.origin);
    const [lists, linked] = await Promise.all([
      listFederationLists(db),
      db.selectFrom("instances").selectAll().where("host", "!=", localHost).orderBy("host").execute(),
    ]);
    return {
      federated_instances: {
        linked: linked.map(toApiInstance),
        allowed: lists.allowed.map(toApiInstance),
        blocked: lists.blocked.map(toApiInstance),
      },
    };
  });
}
