import { Group } from "@fedify/vocab";
import { type CommunityRow, err, findCommunityByApId, ok, type Result } from "@plenum/core";
import { persistActor } from "./actors.ts";
import type { PlenumContext } from "./context.ts";

/** The Group among the `self` links a WebFinger handle answers with, if any. */
async function groupByHandle(ctx: PlenumContext, handle: string): Promise<Group | null> {
  const answer = await ctx.lookupWebFinger(`acct:${handle.slice(1)}`).catch(() => null);
  for (const link of answer?.links ?? []) {
    if (link.rel !== "self" || link.href == null || !link.type?.includes("activity+json")) continue;
    const object = await ctx.lookupObject(link.href).catch(() => null);
    if (object instanceof Group) return object;
  }
  return null;
}

export type ResolveError = { type: "not_found"; query: string } | { type: "not_a_community"; query: string };

/**
 * Finds a community by URL or handle (!name@host, @name@host, name@host), fetching and storing
 * a remote one. Local URLs resolve from the database without a fetch.
 */
export async function resolveCommunity(ctx: PlenumContext, query: string): Promise<Result<CommunityRow, ResolveError>> {
  const trimmed = query.trim();
  const handle = trimmed.replace(/^!/, "@");
  const lookup = /^https?:\/\//.test(trimmed) ? trimmed : handle.startsWith("@") ? handle : `@${handle}`;
  if (/^https?:\/\//.test(lookup)) {
    const known = await findCommunityByApId(ctx.data.db, lookup);
    if (known?.local) return ok(known);
  }
  const found = await ctx.lookupObject(lookup).catch(() => null);
  // A person of the same name may come first (Lemmy, Plenum: webfinger.ts); look for the Group.
  const object =
    found != null && !(found instanceof Group) && lookup.startsWith("@")
      ? ((await groupByHandle(ctx, lookup)) ?? found)
      : found;
  if (object == null) return err({ type: "not_found", query });
  if (!(object instanceof Group)) return err({ type: "not_a_community", query });
  const persisted = await persistActor(ctx, object);
  if (persisted?.kind === "community") return ok(persisted.row);
  // Our own Group fetched by URL: persistActor leaves local rows alone.
  const local = object.id ? await findCommunityByApId(ctx.data.db, object.id.href) : undefined;
  return local ? ok(local) : err({ type: "not_found", query });
}
