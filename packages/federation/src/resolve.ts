// Looking up anything by handle or URL for a local person (Lemmy's resolve_object): a community
// (!name@host), a person (@name@host), or the URL of a community, person, post or comment. What
// is stored already is answered from the database; the rest is fetched (when allowed) and
// stored: actors through persistActor, posts and comments through the inbound pipeline.
import { isActor } from "@fedify/vocab";
import {
  type CommentRow,
  type CommunityRow,
  err,
  findCommentByApId,
  findCommunityByApId,
  findCommunityByName,
  findPersonByApId,
  findPostByApId,
  hostOf,
  instanceAllowed,
  ok,
  type PersonRow,
  type PostRow,
  type Result,
} from "@plenum/core";
import { persistActor } from "./actors.ts";
import type { PlenumContext } from "./context.ts";
import { receiveEnv } from "./inbox/content.ts";
import { POST_OBJECT_TYPES } from "./inbox/parse.ts";
import { takeInObject } from "./inbox/receive.ts";
import { resolveCommunity } from "./lookup.ts";

export type ResolvedObject =
  | { kind: "community"; row: CommunityRow }
  | { kind: "person"; row: PersonRow }
  | { kind: "post"; row: PostRow }
  | { kind: "comment"; row: CommentRow };

export type ResolveObjectError = { type: "not_found"; reason: string };

const ACTOR_TYPES = new Set(["Person", "Service", "Application", "Organization"]);

async function storedAt(ctx: PlenumContext, url: string): Promise<ResolvedObject | null> {
  const { db } = ctx.data;
  const community = await findCommunityByApId(db, url);
  if (community) return { kind: "community", row: community };
  const person = await findPersonByApId(db, url);
  if (person) return { kind: "person", row: person };
  const post = await findPostByApId(db, url);
  if (post) return { kind: "post", row: post };
  const comment = await findCommentByApId(db, url);
  if (comment) return { kind: "comment", row: comment };
  return null;
}

async function personByHandle(ctx: PlenumContext, name: string, host: string): Promise<PersonRow | undefined> {
  return ctx.data.db
    .selectFrom("persons as p")
    .innerJoin("instances as i", "i.id", "p.instance_id")
    .selectAll("p")
    .where("i.host", "=", host.toLowerCase())
    .where((eb) => eb(eb.fn("lower", ["p.name"]), "=", name.toLowerCase()))
    .executeTakeFirst();
}

/** An actor fetched by URL or handle and stored. */
async function fetchActor(ctx: PlenumContext, query: string): Promise<ResolvedObject | null> {
  const object = await ctx.lookupObject(query).catch(() => null);
  if (!object || !isActor(object)) return null;
  const persisted = await persistActor(ctx, object);
  if (persisted) return persisted.kind === "community" ? persisted : { kind: "person", row: persisted.row };
  // One of our own actors, fetched by URL: the rows are the truth.
  return object.id ? storedAt(ctx, object.id.href) : null;
}

/**
 * Resolves a handle or URL. With `fetch` false (nobody logged in) only what is stored is found;
 * anonymous requests never make the server fetch anything.
 */
export async function resolveObject(
  ctx: PlenumContext,
  query: string,
  options: { fetch: boolean },
): Promise<Result<ResolvedObject, ResolveObjectError>> {
  const q = query.trim();
  const notFound = (reason: string) => err<ResolveObjectError>({ type: "not_found", reason });
  if (/^https?:\/\//i.test(q)) {
    if (!URL.canParse(q)) return notFound("invalid_url");
    const url = new URL(q).href;
    const stored = await storedAt(ctx, url);
    if (stored) return ok(stored);
    if (new URL(url).origin === ctx.origin || !options.fetch) return notFound("not_stored");
    if (!(await instanceAllowed(ctx.data.db, hostOf(url)))) return notFound("instance_not_allowed");
    const { document } = await ctx.documentLoader(url).catch(() => ({ document: null }));
    const json = typeof document === "object" && document !== null ? (document as Record<string, unknown>) : null;
    const type = typeof json?.type === "string" ? json.type : "";
    const id = typeof json?.id === "string" && URL.canParse(json.id) ? new URL(json.id).href : null;
    // An object's web page (Mastodon's /@user/123) may answer with its id elsewhere on its host.
    if (!json || !id || hostOf(id) !== hostOf(url)) return notFound("unavailable");
    if (id !== url) {
      const known = await storedAt(ctx, id);
      if (known) return ok(known);
    }
    if (type === "Group") {
      const community = await resolveCommunity(ctx, id);
      return community.ok ? ok({ kind: "community", row: community.value }) : notFound(community.error.type);
    }
    if (ACTOR_TYPES.has(type)) {
      const actor = await fetchActor(ctx, id);
      return actor ? ok(actor) : notFound("actor_unavailable");
    }
    if (POST_OBJECT_TYPES.has(type)) {
      const taken = await takeInObject(receiveEnv(ctx), id);
      if (!taken.ok) return notFound(taken.reason);
      return ok(taken.comment ? { kind: "comment", row: taken.comment } : { kind: "post", row: taken.post });
    }
    return notFound(`unsupported_type:${type}`);
  }
  // A handle: !community@host, @person@host or name@host (a person first, then a community).
  const match = /^([!@]?)([^@\s]+)@([^@\s]+)$/.exec(q);
  if (!match) return notFound("invalid_query");
  const [, sigil, name = "", host = ""] = match;
  const local = host.toLowerCase() === new URL(ctx.origin).host.toLowerCase();
  if (sigil !== "!") {
    const person = await personByHandle(ctx, name, host);
    if (person) return ok({ kind: "person", row: person });
  }
  const community = await findCommunityByName(ctx.data.db, `${name}@${host}`);
  if (community) return ok({ kind: "community", row: community });
  if (local || !options.fetch) return notFound("not_stored");
  if (!(await instanceAllowed(ctx.data.db, host))) return notFound("instance_not_allowed");
  if (sigil === "!") {
    const fetched = await resolveCommunity(ctx, q);
    return fetched.ok ? ok({ kind: "community", row: fetched.value }) : notFound(fetched.error.type);
  }
  const actor = await fetchActor(ctx, `@${name}@${host}`);
  if (actor) return ok(actor);
  return notFound("actor_unavailable");
}
