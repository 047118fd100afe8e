// /api/v3/community: create, edit, get, list, follow, and appoint moderators.
import {
  type CommunityRow,
  canModerate,
  createCommunity,
  editCommunity,
  findCommunityById,
  findCommunityByName,
  getCommunityView,
  getSite,
  hostOf,
  LANGUAGES,
  LISTING_TYPES,
  type LocalAccount,
  listCommunityViews,
  listModeratorPersons,
  SORT_TYPES,
  setCommunityFollow,
  setCommunityModerator,
} from "@plenum/core";
import { resolveCommunity } from "@plenum/federation";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommunityView, toApiModerators } from "./serialize.ts";

/** Lemmy's page size when a list call gives no limit, and the largest it accepts. */
export const DEFAULT_PAGE_LIMIT = 10;
export const MAX_PAGE_LIMIT = 50;

const id = z.number().int().positive();
const queryId = z.coerce.number().int().positive();
/** Bounds on free text before the services check Lemmy's own limits (which give Lemmy's codes). */
const text = z.string().max(100_000);

// Communities that only this instance can see need support in federation first; refuse rather
// than store a setting nothing would honour.
const visibility = z.literal("Public", { message: "only Public communities are supported so far" });

const CreateCommunity = z.object({
  name: z.string().max(100),
  title: text,
  description: text.optional(),
  // Plenum: a Markdown sidebar apart from the description.
  sidebar: text.optional(),
  icon: text.optional(),
  banner: text.optional(),
  nsfw: z.boolean().optional(),
  posting_restricted_to_mods: z.boolean().optional(),
  discussion_languages: z.array(z.number().int()).optional(),
  visibility: visibility.optional(),
});

const EditCommunity = CreateCommunity.omit({ name: true, title: true }).extend({
  community_id: id,
  title: text.optional(),
});

const GetCommunity = z.object({
  id: queryId.optional(),
  name: z.string().max(300).optional(),
});

const ListCommunities = z.object({
  type_: z.enum(LISTING_TYPES).optional(),
  sort: z.enum(SORT_TYPES).optional(),
  show_nsfw: z.stringbool().optional(),
  page: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
});

const FollowCommunity = z.object({ community_id: id, follow: z.boolean() });

const AddModToCommunity = z.object({ community_id: id, person_id: id, added: z.boolean() });

/** Every language id: communities take posts in any language (no per-community list yet). */
export function discussionLanguages(): number[] {
  return LANGUAGES.map((language) => language.id);
}

/**
 * Whether the reader sees a community: a deleted or removed one only its moderators and admins
 * do; a LocalOnly one only logged-in members.
 */
export async function canSeeCommunity(
  api: ApiContext,
  reader: LocalAccount | null,
  community: Pick<CommunityRow, "id" | "visibility" | "deleted" | "removed">,
) {
  if (community.visibility === "LocalOnly" && !reader) return false;
  if (!community.deleted && !community.removed) return true;
  return reader !== null && (await canModerate(api.runtime.database.db, reader, community.id));
}

export function registerCommunityRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const { urls } = api.runtime.contextData;

  /** CommunityResponse for a community the reader just acted on. */
  async function communityResponse(reply: FastifyReply, communityId: string, reader: LocalAccount) {
    const view = await getCommunityView(db, communityId, reader.person.id);
    if (!view) return fail(reply, "couldnt_find_community");
    return { community_view: toApiCommunityView(view), discussion_languages: discussionLanguages() };
  }

  app.post("/community", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(CreateCommunity, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    const result = await createCommunity(db, urls, await getSite(db), me, {
      name: v.name,
      title: v.title,
      description: v.description,
      sidebar: v.sidebar,
      icon: v.icon,
      banner: v.banner,
      nsfw: v.nsfw,
      postingRestrictedToMods: v.posting_restricted_to_mods,
    });
    if (!result.ok) return failCommunitySettings(reply, result.error);
    return communityResponse(reply, result.value.id, me);
  });

  app.put("/community", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(EditCommunity, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    const result = await editCommunity(db, await getSite(db), me, String(v.community_id), {
      title: v.title,
      description: v.description,
      sidebar: v.sidebar,
      icon: v.icon,
      banner: v.banner,
      nsfw: v.nsfw,
      postingRestrictedToMods: v.posting_restricted_to_mods,
    });
    if (!result.ok) return failCommunitySettings(reply, result.error);
    return communityResponse(reply, result.value.id, me);
  });

  app.get("/community", async (request, reply) => {
    const input = parseInput(GetCommunity, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const me = await api.viewer(request);
    let community: CommunityRow | undefined;
    if (input.value.id) {
      community = await findCommunityById(db, String(input.value.id));
    } else if (input.value.name) {
      community = await findCommunityByName(db, input.value.name);
      const host = input.value.name.replace(/^[!@]/, "").split("@")[1];
      // Unknown remote communities are fetched for logged-in readers, as Lemmy does; anonymous
      // requests never make the server fetch anything.
      if (!community && me && host && host.toLowerCase() !== hostOf(api.runtime.config.origin)) {
        const context = api.runtime.federation.createContext(
          new URL(api.runtime.config.origin),
          api.runtime.contextData,
        );
        const resolved = await resolveCommunity(context, input.value.name);
        if (resolved.ok) community = resolved.value;
      }
    } else {
      return fail(reply, "no_id_given");
    }
    if (!community || !(await canSeeCommunity(api, me, community))) return fail(reply, "couldnt_find_community");
    const [view, moderators] = await Promise.all([
      getCommunityView(db, community.id, me?.person.id ?? null),
      listModeratorPersons(db, community.id),
    ]);
    if (!view) return fail(reply, "couldnt_find_community");
    return {
      community_view: toApiCommunityView(view),
      moderators: toApiModerators(view.community, moderators),
      discussion_languages: discussionLanguages(),
    };
  });

  app.get("/community/list", async (request, reply) => {
    const input = parseInput(ListCommunities, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const me = await api.viewer(request);
    const site = await getSite(db);
    const v = input.value;
    const communities = await listCommunityViews(db, {
      viewerId: me?.person.id ?? null,
      listingType: v.type_ ?? "All",
      sort: v.sort ?? "Hot",
      showNsfw: site.enable_nsfw && (v.show_nsfw ?? me?.localUser.show_nsfw ?? false),
      page: v.page ?? 1,
      limit: v.limit ?? DEFAULT_PAGE_LIMIT,
    });
    return { communities: communities.map(toApiCommunityView) };
  });

  app.post("/community/follow", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(FollowCommunity, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const communityId = String(input.value.community_id);
    const result = await setCommunityFollow(db, urls, me, communityId, input.value.follow);
    if (!result.ok) return fail(reply, result.error.type);
    return communityResponse(reply, communityId, me);
  });

  app.post("/community/mod", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(AddModToCommunity, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const communityId = String(input.value.community_id);
    const result = await setCommunityModerator(db, me, {
      communityId,
      personId: String(input.value.person_id),
      added: input.value.added,
    });
    if (!result.ok) return fail(reply, result.error.type);
    const [community, moderators] = await Promise.all([
      findCommunityById(db, communityId),
      listModeratorPersons(db, communityId),
    ]);
    if (!community) return fail(reply, "couldnt_find_community");
    return { moderators: toApiModerators(community, moderators) };
  });
}

function failCommunitySettings(reply: FastifyReply, error: { type: string; field?: string }) {
  return fail(reply, error.type, error.field ? `${error.field} is not valid` : undefined);
}
