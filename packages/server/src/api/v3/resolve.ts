// /api/v3/resolve_object: a community, person, post or comment by handle or URL, fetched from its
// server and stored if it is not here yet (as Lemmy does). Only logged-in readers make the
// server fetch anything; anonymous readers find what is stored already.
import {
  canSeePostContent,
  exhaustiveCheck,
  getCommentView,
  getCommunityView,
  getPersonProfile,
  getPostView,
  withoutPostContent,
} from "@plenum/core";
import { resolveObject } from "@plenum/federation";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { fail } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { toApiCommentView, toApiCommunityView, toApiPerson, toApiPersonCounts, toApiPostView } from "./serialize.ts";

const ResolveObject = z.object({ q: z.string().trim().min(1).max(2000) });

export function registerResolveRoutes(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;
  const { db } = runtime.database;

  app.get("/resolve_object", async (request, reply) => {
    const input = parseInput(ResolveObject, request.query);
    if (!input.ok) return fail(reply, "invalid_request", input.message);
    const me = await api.viewer(request);
    const context = runtime.federation.createContext(new URL(runtime.config.origin), runtime.contextData);
    const resolved = await resolveObject(context, input.value.q, { fetch: me !== null });
    if (!resolved.ok) return fail(reply, "couldnt_find_object", resolved.error.reason);
    const found = resolved.value;
    const viewerId = me?.person.id ?? null;
    switch (found.kind) {
      case "community": {
        const view = await getCommunityView(db, found.row.id, viewerId);
        return view ? { community: toApiCommunityView(view) } : fail(reply, "couldnt_find_object");
      }
      case "person": {
        const profile = await getPersonProfile(db, found.row);
        return {
          person: { person: toApiPerson(found.row), counts: toApiPersonCounts(found.row), is_admin: profile.isAdmin },
        };
      }
      case "post": {
        const view = await getPostView(db, found.row.id, viewerId);
        if (!view) return fail(reply, "couldnt_find_object");
        const visible = await canSeePostContent(db, me, view.post);
        return { post: toApiPostView(visible ? view : { ...view, post: withoutPostContent(view.post) }) };
      }
      case "comment": {
        const view = await getCommentView(
          db,
          found.row.id,
          me
            ? { personId: me.person.id, admin: me.localUser.admin, showBotAccounts: me.localUser.show_bot_accounts }
            : null,
        );
        return view ? { comment: toApiCommentView(view) } : fail(reply, "couldnt_find_object");
      }
      default:
        return exhaustiveCheck(found);
    }
  });
}
