// /api/v3/search: full-text search over posts, comments, communities and persons (Lemmy's
// search call; docs/api.md, "Search").
import {
  findCommunityByName,
  getSite,
  LISTING_TYPES,
  type ListingType,
  SEARCH_TYPES,
  SORT_TYPES,
  search,
} from "@plenum/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./community.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommentView, toApiCommunityView, toApiPerson, toApiPersonCounts, toApiPostView } from "./serialize.ts";

const queryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Deepest page of search results: Lemmy's PAGE_LIMIT_MAX (offset paging past it is refused). */
const MAX_SEARCH_PAGE = 100;

const Search = z.object({
  q: z.string().max(1000),
  type_: z.enum(SEARCH_TYPES).optional(),
  community_id: queryId.optional(),
  community_name: z.string().max(300).optional(),
  creator_id: queryId.optional(),
  sort: z.enum(SORT_TYPES).optional(),
  listing_type: z.enum(LISTING_TYPES).optional(),
  page: z.coerce.number().int().min(1).max(MAX_SEARCH_PAGE).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
});

export function registerSearchRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;

  app.get("/search", async (request, reply) => {
    const input = parseInput(Search, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const v = input.value;
    const me = await api.viewer(request);
    const site = await getSite(db);
    let communityId = v.community_id === undefined ? undefined : String(v.community_id);
    if (communityId === undefined && v.community_name !== undefined) {
      const community = await findCommunityByName(db, v.community_name);
      if (!community) return fail(reply, "couldnt_find_community");
      communityId = community.id;
    }
    const type = v.type_ ?? "All";
    // Lemmy: All by default, whatever the reader's default listing.
    const listingType: ListingType = v.listing_type ?? "All";
    const results = await search(db, {
      query: v.q,
      type,
      communityId,
      creatorId: v.creator_id === undefined ? undefined : String(v.creator_id),
      sort: v.sort ?? "TopAll",
      listingType,
      viewer: me
        ? { personId: me.person.id, admin: me.localUser.admin, showBotAccounts: me.localUser.show_bot_accounts }
        : null,
      showNsfw: site.enable_nsfw && (me?.localUser.show_nsfw ?? false),
      page: v.page ?? 1,
      limit: v.limit ?? DEFAULT_PAGE_LIMIT,
    });
    return {
      type_: type,
      comments: results.comments.map(toApiCommentView),
      posts: results.posts.map(toApiPostView),
      communities: results.communities.map(toApiCommunityView),
      users: results.persons.map(({ person, isAdmin }) => ({
        person: toApiPerson(person),
        counts: toApiPersonCounts(person),
        is_admin: isAdmin,
      })),
    };
  });
}
