// /api/v3/user: register, login, logout.
import {
  authenticate,
  type CommentSort,
  changePassword,
  deleteAccount,
  exhaustiveCheck,
  findPersonByIdOrName,
  findSiteBan,
  getPersonProfile,
  getSite,
  issueLoginToken,
  LISTING_TYPES,
  listComments,
  listPostViews,
  register,
  revokeLoginToken,
  SORT_TYPES,
  type SortType,
  saveUserSettings,
} from "@plenum/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { AUTH_COOKIE, tokenContext, tokenOf } from "../auth.ts";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommentView, toApiCommunity, toApiPerson, toApiPersonCounts, toApiPostView } from "./serialize.ts";
import { toApiSite } from "./site.ts";

const Register = z.object({
  username: z.string(),
  password: z.string(),
  password_verify: z.string(),
  show_nsfw: z.boolean().optional(),
  email: z.string().max(255).optional(),
  captcha_uuid: z.string().optional(),
  captcha_answer: z.string().optional(),
  honeypot: z.string().optional(),
  answer: z.string().max(10_000).optional(),
});

const Login = z.object({
  username_or_email: z.string().min(1).max(255),
  password: z.string().min(1).max(255),
  totp_2fa_token: z.string().optional(),
});

const optionalUrl = z.union([z.literal(""), z.url({ protocol: /^https?$/ })]);

const SaveUserSettings = z.object({
  show_nsfw: z.boolean().optional(),
  blur_nsfw: z.boolean().optional(),
  theme: z.string().max(50).optional(),
  default_sort_type: z.enum(SORT_TYPES).optional(),
  default_listing_type: z.enum(LISTING_TYPES).optional(),
  interface_language: z.string().max(20).optional(),
  avatar: optionalUrl.optional(),
  banner: optionalUrl.optional(),
  display_name: z.string().max(200).optional(),
  email: z.union([z.literal(""), z.email()]).optional(),
  bio: z.string().max(10_000).optional(),
  show_avatars: z.boolean().optional(),
  bot_account: z.boolean().optional(),
  show_bot_accounts: z.boolean().optional(),
  show_read_posts: z.boolean().optional(),
  open_links_in_new_tab: z.boolean().optional(),
  show_scores: z.boolean().optional(),
  // Plenum: up to two values from the site's pronoun list.
  pronouns: z.array(z.string().max(30)).max(10).optional(),
});

const ChangePassword = z.object({
  new_password: z.string().max(1000),
  new_password_verify: z.string().max(1000),
  old_password: z.string().max(1000),
});

const DeleteAccount = z.object({
  password: z.string().max(1000),
  /** Lemmy 0.19: also delete every post and comment (false when absent, as in older clients). */
  delete_content: z.boolean().optional(),
});

const GetPersonDetails = z.object({
  person_id: z.coerce.number().int().positive().optional(),
  username: z.string().max(300).optional(),
  sort: z.enum(SORT_TYPES).optional(),
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
  community_id: z.coerce.number().int().positive().optional(),
  saved_only: z.stringbool().optional(),
});

/** Posts and comments per page of a profile when the client does not say (Lemmy's default). */
const PERSON_CONTENT_LIMIT = 10;

/** The comment order closest to a post sort, for a profile's comments. */
function commentSortFor(sort: SortType): CommentSort {
  if (sort === "Old") return "Old";
  if (sort === "Controversial") return "Controversial";
  if (sort === "Hot" || sort === "Active" || sort === "Scaled") return "Hot";
  if (sort.startsWith("Top") || sort === "MostComments") return "Top";
  return "New";
}

/** Web sessions last as long as the token is on record; the cookie itself expires after a year. */
const COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;

export function setAuthCookie(api: ApiContext, reply: FastifyReply, jwt: string): void {
  reply.setCookie(AUTH_COOKIE, jwt, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: api.runtime.config.origin.startsWith("https:"),
    maxAge: COOKIE_MAX_AGE_SECONDS,
  });
}

export async function issueToken(api: ApiContext, request: FastifyRequest, personId: string): Promise<string> {
  const { db } = api.runtime.database;
  const site = await getSite(db);
  return issueLoginToken(db, tokenContext(api.runtime, site.jwt_secret), personId, {
    ip: request.ip,
    userAgent: request.headers["user-agent"] ?? null,
  });
}

export function registerUserRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const { urls } = api.runtime.contextData;

  app.post("/user/register", { config: api.rateLimit("register") }, async (request, reply) => {
    const input = parseInput(Register, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    // A filled honeypot field means a bot filled in every field it saw (Lemmy's check).
    if (input.value.honeypot) return fail(reply, "honeypot_failed");
    const site = await getSite(db);
    const result = await register(db, urls, site, {
      username: input.value.username,
      password: input.value.password,
      passwordVerify: input.value.password_verify,
      email: input.value.email ?? null,
      showNsfw: input.value.show_nsfw ?? false,
      answer: input.value.answer ?? null,
    });
    if (!result.ok) return fail(reply, result.error.type);
    if (result.value.applicationCreated) {
      return { registration_created: true, verify_email_sent: false };
    }
    const jwt = await issueToken(api, request, result.value.account.person.id);
    setAuthCookie(api, reply, jwt);
    return { jwt, registration_created: false, verify_email_sent: false };
  });

  app.post("/user/login", { config: api.rateLimit("login") }, async (request, reply) => {
    const input = parseInput(Login, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await authenticate(db, input.value.username_or_email, input.value.password);
    if (!result.ok) {
      switch (result.error.type) {
        case "incorrect_login":
        case "registration_application_is_pending":
        case "deleted":
          return fail(reply, result.error.type);
        case "registration_denied":
          return fail(reply, "registration_denied", result.error.reason ?? undefined);
        default:
          return exhaustiveCheck(result.error);
      }
    }
    const jwt = await issueToken(api, request, result.value.person.id);
    setAuthCookie(api, reply, jwt);
    return { jwt, registration_created: false, verify_email_sent: false };
  });

  app.put("/user/save_user_settings", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(SaveUserSettings, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    const result = await saveUserSettings(db, await getSite(db), me.person.id, {
      displayName: v.display_name,
      bio: v.bio,
      avatarUrl: v.avatar,
      bannerUrl: v.banner,
      email: v.email,
      botAccount: v.bot_account,
      pronouns: v.pronouns,
      showNsfw: v.show_nsfw,
      blurNsfw: v.blur_nsfw,
      showBotAccounts: v.show_bot_accounts,
      showReadPosts: v.show_read_posts,
      showScores: v.show_scores,
      showAvatars: v.show_avatars,
      openLinksInNewTab: v.open_links_in_new_tab,
      defaultSortType: v.default_sort_type,
      defaultListingType: v.default_listing_type,
      theme: v.theme,
      interfaceLanguage: v.interface_language,
    });
    if (!result.ok) {
      const error = result.error;
      switch (error.type) {
        case "invalid_url":
          return fail(reply, "invalid_url", `${error.field} must be an http(s) URL`);
        case "invalid_pronouns":
          return fail(
            reply,
            "invalid_pronouns",
            `"${error.value}" is not on this site's pronoun list, or more than two were given`,
          );
        default:
          return fail(reply, error.type);
      }
    }
    return { success: true };
  });

  app.put("/user/change_password", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(ChangePassword, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await changePassword(db, me.person.id, {
      oldPassword: input.value.old_password,
      newPassword: input.value.new_password,
      newPasswordVerify: input.value.new_password_verify,
    });
    if (!result.ok) return fail(reply, result.error.type);
    // Every earlier login ended with the change; this one starts the new session.
    const jwt = await issueToken(api, request, me.person.id);
    setAuthCookie(api, reply, jwt);
    return { jwt, registration_created: false, verify_email_sent: false };
  });

  // Lemmy's deleteAccount: the password confirms it; every login of the account ends with it.
  app.post("/user/delete_account", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(DeleteAccount, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await deleteAccount(db, me.person.id, {
      password: input.value.password,
      deleteContent: input.value.delete_content ?? false,
    });
    if (!result.ok) return fail(reply, result.error.type);
    reply.clearCookie(AUTH_COOKIE, { path: "/" });
    return { success: true };
  });

  app.get("/user/validate_auth", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    return { success: true };
  });

  app.get("/user", async (request, reply) => {
    const input = parseInput(GetPersonDetails, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    if (!input.value.person_id && !input.value.username) return fail(reply, "no_id_given");
    const person = await findPersonByIdOrName(db, {
      id: input.value.person_id ? String(input.value.person_id) : undefined,
      name: input.value.username,
    });
    if (!person || person.deleted) return fail(reply, "couldnt_find_person");
    const me = await api.viewer(request);
    const sort = input.value.sort ?? "New";
    const limit = input.value.limit ?? PERSON_CONTENT_LIMIT;
    const page = input.value.page ?? 1;
    const savedOnly = input.value.saved_only === true && me?.person.id === person.id;
    const [profile, siteBan, posts, comments] = await Promise.all([
      getPersonProfile(db, person),
      findSiteBan(db, person.id),
      listPostViews(db, {
        viewer: me ? { personId: me.person.id, showBotAccounts: true } : null,
        listingType: "All",
        sort,
        creatorId: savedOnly ? undefined : person.id,
        communityId: input.value.community_id ? String(input.value.community_id) : undefined,
        savedOnly,
        showNsfw: me?.localUser.show_nsfw ?? false,
        limit,
        page,
      }),
      listComments(
        db,
        {
          sort: commentSortFor(sort),
          page,
          limit,
          listing: "All",
          creatorId: savedOnly ? undefined : person.id,
          communityId: input.value.community_id ? String(input.value.community_id) : undefined,
          savedOnly,
        },
        me ? { personId: me.person.id, admin: me.localUser.admin, showBotAccounts: true } : null,
      ),
    ]);
    if (!posts.ok) return fail(reply, "invalid_request", "sort");
    const apiPerson = toApiPerson(person, { banned: siteBan !== null, expiresAt: siteBan?.expiresAt ?? null });
    return {
      person_view: { person: apiPerson, counts: toApiPersonCounts(person), is_admin: profile.isAdmin },
      site: person.local ? toApiSite(await getSite(db), api.runtime.config.origin) : undefined,
      comments: comments.map(toApiCommentView),
      posts: posts.value.posts.map(toApiPostView),
      moderates: profile.moderates.map((community) => ({ community: toApiCommunity(community), moderator: apiPerson })),
    };
  });

  app.post("/user/logout", async (request, reply) => {
    const token = tokenOf(request);
    if (token) await revokeLoginToken(db, token);
    reply.clearCookie(AUTH_COOKIE, { path: "/" });
    return { success: true };
  });
}
