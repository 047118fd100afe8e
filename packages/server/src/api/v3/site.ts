// /api/v3/site: getSite and editSite.
import {
  getSite,
  getSiteCounts,
  LANGUAGES,
  LISTING_TYPES,
  type LocalAccount,
  listAdmins,
  listBlockedCommunities,
  listBlockedPersons,
  listTaglines,
  MAX_TAGLINE_LENGTH,
  MAX_TAGLINES,
  replaceTaglines,
  type SiteRow,
  SORT_TYPES,
  type TaglineRow,
  updateSite,
} from "@plenum/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { FederationListFields, saveFederationLists } from "./moderation.ts";
import {
  iso,
  isoOrUndefined,
  num,
  opt,
  toApiCommunity,
  toApiLocalUser,
  toApiPerson,
  toApiPersonCounts,
} from "./serialize.ts";

/** Plenum's version, reported as the API's `version`. */
const VERSION = "0.1.0";

const optionalUrl = z.union([z.literal(""), z.url({ protocol: /^https?$/ })]);

const EditSite = z.object({
  name: z.string().trim().min(1).max(20).optional(),
  sidebar: z.string().max(50_000).optional(),
  description: z.string().max(150).optional(),
  icon: optionalUrl.optional(),
  banner: optionalUrl.optional(),
  enable_downvotes: z.boolean().optional(),
  enable_nsfw: z.boolean().optional(),
  community_creation_admin_only: z.boolean().optional(),
  application_question: z.string().max(10_000).optional(),
  default_post_listing_type: z.enum(LISTING_TYPES).optional(),
  default_sort_type: z.enum(SORT_TYPES).optional(),
  legal_information: z.string().max(50_000).optional(),
  hide_modlog_mod_names: z.boolean().optional(),
  registration_mode: z.enum(["Closed", "RequireApplication", "Open"]).optional(),
  // Plenum: the pronouns members may choose from.
  pronouns: z.array(z.string().trim().min(1).max(30)).max(100).optional(),
  // Replaces every tagline (Markdown); [] removes them all.
  taglines: z.array(z.string().max(MAX_TAGLINE_LENGTH)).max(MAX_TAGLINES).optional(),
  // The instance allow and block lists (moderation.ts stores them).
  ...FederationListFields,
});

const blankToNull = (value: string | undefined) =>
  value === undefined ? undefined : value.trim() === "" ? null : value;

export function toApiSite(site: SiteRow, origin: string) {
  return {
    id: 1,
    name: site.name,
    sidebar: opt(site.sidebar),
    published: iso(site.published_at),
    updated: isoOrUndefined(site.updated_at),
    icon: opt(site.icon_url),
    banner: opt(site.banner_url),
    description: opt(site.description),
    actor_id: `${origin}/`,
    last_refreshed_at: iso(site.updated_at ?? site.published_at),
    inbox_url: `${origin}/inbox`,
    // Plenum has no instance actor yet, so no instance key to publish.
    public_key: "",
    instance_id: 1,
  };
}

function toApiLocalSite(site: SiteRow) {
  return {
    id: 1,
    site_id: 1,
    site_setup: true,
    enable_downvotes: site.enable_downvotes,
    enable_nsfw: site.enable_nsfw,
    community_creation_admin_only: site.community_creation_admin_only,
    require_email_verification: false,
    application_question: opt(site.application_question),
    private_instance: false,
    default_theme: "browser",
    default_post_listing_type: site.default_listing_type,
    legal_information: opt(site.legal_information),
    hide_modlog_mod_names: site.hide_modlog_mod_names,
    application_email_admins: false,
    actor_name_max_length: 20,
    federation_enabled: true,
    captcha_enabled: false,
    captcha_difficulty: "medium",
    published: iso(site.published_at),
    updated: isoOrUndefined(site.updated_at),
    registration_mode: site.registration_mode,
    reports_email_admins: false,
    federation_signed_fetch: false,
    default_post_listing_mode: "List",
    default_sort_type: site.default_sort_type,
  };
}

/** lemmy-js-client's Tagline. */
function toApiTagline(tagline: TaglineRow) {
  return {
    id: Number(tagline.id),
    local_site_id: 1,
    content: tagline.content,
    published: iso(tagline.published_at),
    updated: isoOrUndefined(tagline.updated_at),
  };
}

export function registerSiteRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const origin = api.runtime.config.origin;

  async function myUser(account: LocalAccount) {
    const [follows, moderates, blockedPersons, blockedCommunities] = await Promise.all([
      db
        .selectFrom("community_follows as f")
        .innerJoin("communities as c", "c.id", "f.community_id")
        .where("f.person_id", "=", account.person.id)
        .where("f.state", "=", "accepted")
        .selectAll("c")
        .orderBy("c.name")
        .execute(),
      db
        .selectFrom("community_moderators as m")
        .innerJoin("communities as c", "c.id", "m.community_id")
        .where("m.person_id", "=", account.person.id)
        .selectAll("c")
        .orderBy("c.name")
        .execute(),
      listBlockedPersons(db, account.person.id),
      listBlockedCommunities(db, account.person.id),
    ]);
    const person = toApiPerson(account.person);
    return {
      local_user_view: {
        local_user: toApiLocalUser(account),
        local_user_vote_display_mode: {
          local_user_id: num(account.person.id),
          score: account.localUser.show_scores,
          upvotes: true,
          downvotes: true,
          upvote_percentage: false,
        },
        person,
        counts: toApiPersonCounts(account.person),
      },
      follows: follows.map((c) => ({ community: toApiCommunity(c), follower: person })),
      moderates: moderates.map((c) => ({ community: toApiCommunity(c), moderator: person })),
      community_blocks: blockedCommunities.map((c) => ({ person, community: toApiCommunity(c) })),
      instance_blocks: [],
      person_blocks: blockedPersons.map((target) => ({ person, target: toApiPerson(target) })),
      discussion_languages: [],
    };
  }

  async function siteResponse(viewer: LocalAccount | null) {
    const [site, counts, admins, taglines] = await Promise.all([
      getSite(db),
      getSiteCounts(db),
      listAdmins(db),
      listTaglines(db),
    ]);
    const limits = api.runtime.config.rateLimits;
    return {
      site_view: {
        site: toApiSite(site, origin),
        local_site: toApiLocalSite(site),
        local_site_rate_limit: {
          local_site_id: 1,
          message: limits?.vote.max ?? 0,
          message_per_second: limits?.vote.perSeconds ?? 0,
          post: limits?.post.max ?? 0,
          post_per_second: limits?.post.perSeconds ?? 0,
          register: limits?.register.max ?? 0,
          register_per_second: limits?.register.perSeconds ?? 0,
          image: 0,
          image_per_second: 0,
          comment: limits?.comment.max ?? 0,
          comment_per_second: limits?.comment.perSeconds ?? 0,
          search: 0,
          search_per_second: 0,
          published: iso(site.published_at),
          import_user_settings: 0,
          import_user_settings_per_second: 0,
        },
        counts: {
          site_id: 1,
          users: counts.users,
          posts: counts.posts,
          comments: counts.comments,
          communities: counts.communities,
          users_active_day: counts.usersActiveDay,
          users_active_week: counts.usersActiveWeek,
          users_active_month: counts.usersActiveMonth,
          users_active_half_year: counts.usersActiveHalfYear,
        },
      },
      admins: admins.map((person) => ({
        person: toApiPerson(person),
        counts: toApiPersonCounts(person),
        is_admin: true,
      })),
      version: VERSION,
      my_user: viewer ? await myUser(viewer) : undefined,
      all_languages: LANGUAGES,
      discussion_languages: [],
      taglines: taglines.map(toApiTagline),
      custom_emojis: [],
      blocked_urls: [],
      // Plenum: the pronoun values members may pick (up to two each).
      pronouns: site.pronouns,
    };
  }

  app.get("/site", async (request) => siteResponse(await api.viewer(request)));

  app.put("/site", async (request, reply) => {
    const viewer = await api.requireViewer(request, reply);
    if (!viewer) return reply;
    if (!viewer.localUser.admin) return fail(reply, "not_an_admin");
    const input = parseInput(EditSite, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const e = input.value;
    const current = await getSite(db);
    const applicationQuestion =
      e.application_question === undefined ? current.application_question : blankToNull(e.application_question);
    // Lemmy refuses application mode without a question to answer.
    if ((e.registration_mode ?? current.registration_mode) === "RequireApplication" && !applicationQuestion) {
      return fail(reply, "application_question_required");
    }
    if (!(await saveFederationLists(api, reply, e))) return reply;
    await updateSite(db, {
      name: e.name,
      sidebar: blankToNull(e.sidebar),
      description: blankToNull(e.description),
      icon_url: blankToNull(e.icon),
      banner_url: blankToNull(e.banner),
      enable_downvotes: e.enable_downvotes,
      enable_nsfw: e.enable_nsfw,
      community_creation_admin_only: e.community_creation_admin_only,
      application_question: applicationQuestion,
      default_listing_type: e.default_post_listing_type,
      default_sort_type: e.default_sort_type,
      legal_information: blankToNull(e.legal_information),
      hide_modlog_mod_names: e.hide_modlog_mod_names,
      registration_mode: e.registration_mode,
      // Members who chose a value that is no longer listed keep it until they change it.
      pronouns: e.pronouns ? [...new Set(e.pronouns)] : undefined,
    });
    if (e.taglines) await replaceTaglines(db, e.taglines);
    const response = await siteResponse(viewer);
    return { site_view: response.site_view, taglines: response.taglines };
  });
}
