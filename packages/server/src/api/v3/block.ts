// /api/v3/user/block and /api/v3/community/block: a person's own blocks (Lemmy's blockPerson and
// blockCommunity). Listings then leave out the blocked person's or community's content.
import { blockCommunity, blockPerson, exhaustiveCheck, getCommunityView, getPersonProfile } from "@plenum/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommunityView, toApiPerson, toApiPersonCounts } from "./serialize.ts";

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const BlockPerson = z.object({ person_id: id, block: z.boolean() });
const BlockCommunity = z.object({ community_id: id, block: z.boolean() });

export function registerBlockRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;

  app.post("/user/block", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(BlockPerson, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await blockPerson(db, me, String(input.value.person_id), input.value.block);
    if (!result.ok) {
      switch (result.error.type) {
        case "couldnt_find_person":
        case "cant_block_yourself":
        case "cant_block_admin":
          return fail(reply, result.error.type);
        default:
          return exhaustiveCheck(result.error);
      }
    }
    const profile = await getPersonProfile(db, result.value);
    return {
      person_view: {
        person: toApiPerson(result.value),
        counts: toApiPersonCounts(result.value),
        is_admin: profile.isAdmin,
      },
      blocked: input.value.block,
    };
  });

  app.post("/community/block", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(BlockCommunity, request.body);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const result = await blockCommunity(db, me, String(input.value.community_id), input.value.block);
    if (!result.ok) return fail(reply, result.error.type);
    const view = await getCommunityView(db, result.value.id, me.person.id);
    if (!view) return fail(reply, "couldnt_find_community");
    return { community_view: toApiCommunityView(view), blocked: input.value.block };
  });
}
