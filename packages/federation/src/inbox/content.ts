// Fedify's inbox listener for everything but follows: posts, comments, votes, boosts and
// moderation (Create, Update, Delete, Like, Dislike, Announce, Add, Remove, Block, Flag, and Lock
// and other types Fedify reads as a plain Activity) and Undo (other than of a Follow). A person's
// Update or Delete of themselves goes to person.ts; anything else is handed, as received, to the
// pipeline in receive.ts, and why it was not applied is logged.
import type { Context, InboxContext } from "@fedify/fedify";
import { type Activity, Group } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { type CommunityRow, findPersonByApId, type PersonRow } from "@plenum/core";
import { fetchActor, persistActor } from "../actors.ts";
import type { FederationContextData } from "../context.ts";
import type { Json } from "../objects.ts";
import { releaseReusedVoteIds } from "./microblog.ts";
import { applyPersonActivity } from "./person.ts";
import { type Outcome, type ReceiveEnv, type Remote, receiveActivity } from "./receive.ts";

const logger = getLogger(["plenum", "federation", "inbox"]);

/** How long a stored remote person is used before it is fetched again: Lemmy's 24 hours
 *  (ACTOR_REFETCH_INTERVAL_SECONDS); names, avatars and inboxes change rarely. */
export const PERSON_REFRESH_MS = 24 * 3600_000;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The network as the pipeline sees it: Fedify's bounded, cached loader (loader.ts). */
export function fedifyRemote(ctx: Context<FederationContextData>): Remote {
  const { db } = ctx.data;
  return {
    async person(id): Promise<PersonRow | null> {
      const known = await findPersonByApId(db, id);
      if (known?.local) return null;
      const fresh = known?.last_fetched_at && Date.now() - known.last_fetched_at.getTime() < PERSON_REFRESH_MS;
      if (known && fresh) return known;
      const actor = await fetchActor(ctx, id);
      if (actor) {
        const persisted = await persistActor(ctx, actor);
        if (persisted?.kind === "person") return persisted.row;
        return null;
      }
      // Unreachable for now: a stored copy beats nothing.
      return known ?? null;
    },
    async community(id): Promise<CommunityRow | null> {
      const group = await ctx.lookupObject(id).catch(() => null);
      if (!(group instanceof Group) || group.id?.href !== id) return null;
      const persisted = await persistActor(ctx, group);
      return persisted?.kind === "community" ? persisted.row : null;
    },
    async fetch(id) {
      try {
        const { document } = await ctx.documentLoader(id);
        return isRecord(document) && document.id === id ? document : null;
      } catch (error) {
        logger.debug("Fetching {id} failed: {error}", { id, error });
        return null;
      }
    },
  };
}

export function receiveEnv(ctx: Context<FederationContextData>): ReceiveEnv {
  return { db: ctx.data.db, origin: ctx.origin, remote: fedifyRemote(ctx) };
}

/**
 * The activity as the sender wrote it, which a community announces onward (FEP-1b12). Fedify's
 * inbox context holds the payload exactly as received (`activity`, which it forwards verbatim in
 * forwardActivity; not part of its typed interface). Failing that, toJsonLd() without a format
 * returns the JSON Fedify parsed the activity from, which for a payload with a Linked Data
 * signature is its compacted form without the signature.
 */
export async function receivedJson(ctx: InboxContext<FederationContextData>, activity: Activity): Promise<unknown> {
  const original = (ctx as { activity?: unknown }).activity;
  if (isRecord(original) && original.id === activity.id?.href) return original;
  return activity.toJsonLd();
}

function log(outcome: Outcome, activity: Activity): void {
  const id = activity.id?.href;
  switch (outcome.status) {
    case "applied":
      logger.info("Applied {id}: {effect}", { id, effect: outcome.effect });
      return;
    case "duplicate":
      logger.debug("Already applied {id}: ignored", { id });
      return;
    case "rejected":
      logger.debug("Dropped {id}: {reason}", { id, reason: outcome.reason });
      return;
  }
}

/** The listener for every content activity (Fedify verified its signature and that the signer is its actor). */
export async function onContentActivity(ctx: InboxContext<FederationContextData>, activity: Activity): Promise<void> {
  if (activity.actorId == null) return;
  const json = await receivedJson(ctx, activity);
  // A person's own profile edit or account deletion (person.ts).
  if (await applyPersonActivity(ctx, activity, json)) return;
  const outcome = await receiveActivity(receiveEnv(ctx), json, {
    signer: activity.actorId.href,
  });
  await releaseReusedVoteIds(ctx, activity, outcome);
  log(outcome, activity);
}
