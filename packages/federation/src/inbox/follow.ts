// Inbound Follow, Accept(Follow) and Undo(Follow). Bad or foreign input is dropped with a debug
// log, never thrown: a throw would only make Fedify retry an activity that can never succeed.

import type { InboxContext } from "@fedify/fedify";
import { type Accept, Follow, isActor, type Undo } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import {
  acceptRemoteFollow,
  deleteFollow,
  findCommunityByApId,
  findLocalCommunityByName,
  findLocalPersonByName,
  findPersonByApId,
  instanceAllowed,
  markFollowAccepted,
  rejectPersonFollow,
} from "@plenum/core";
import { persistActor } from "../actors.ts";
import type { FederationContextData } from "../context.ts";
import { parseActorIdentifier } from "../identifiers.ts";
import { ensureInstanceSoftware } from "../nodeinfo.ts";

const logger = getLogger(["plenum", "federation", "inbox"]);
type Ctx = InboxContext<FederationContextData>;

/** The local community a URL names, if it is one of ours. */
async function localCommunityAt(ctx: Ctx, url: URL | null) {
  if (url == null) return undefined;
  const parsed = ctx.parseUri(url);
  if (parsed?.type !== "actor") return undefined;
  const ref = parseActorIdentifier(parsed.identifier);
  if (ref?.kind !== "community") return undefined;
  return findLocalCommunityByName(ctx.data.db, ref.name);
}

/** The local person a URL names, if it is one of ours. */
async function localPersonAt(ctx: Ctx, url: URL | null) {
  if (url == null) return undefined;
  const parsed = ctx.parseUri(url);
  if (parsed?.type !== "actor") return undefined;
  const ref = parseActorIdentifier(parsed.identifier);
  if (ref?.kind !== "person") return undefined;
  return findLocalPersonByName(ctx.data.db, ref.name);
}

/** The remote person who sent a Follow, stored; null (logged) when they cannot be. */
async function followerOf(ctx: Ctx, follow: Follow, actorId: URL) {
  if (!(await instanceAllowed(ctx.data.db, actorId.host))) {
    logger.debug("Follow by {actor}, whose instance is not allowed: dropped", { actor: actorId.href });
    return null;
  }
  const actor = await follow.getActor(ctx);
  if (actor == null || !isActor(actor)) {
    logger.debug("Follow by {actor}, which could not be fetched: dropped", { actor: actorId.href });
    return null;
  }
  const persisted = await persistActor(ctx, actor);
  if (persisted?.kind !== "person") {
    logger.debug("Follow by {actor}, not a remote person: dropped", { actor: actorId.href });
    return null;
  }
  return persisted.row;
}

/**
 * A remote person follows one of our communities: record it and accept (public communities). A
 * Follow of one of our persons is rejected: persons cannot be followed here (as on Lemmy 0.19),
 * and without an answer Mastodon would show the request as pending for ever.
 */
export async function onFollowed(ctx: Ctx, follow: Follow): Promise<void> {
  if (follow.id == null || follow.actorId == null) {
    logger.debug("Follow without id or actor: dropped");
    return;
  }
  const community = await localCommunityAt(ctx, follow.objectId);
  const person = community ? undefined : await localPersonAt(ctx, follow.objectId);
  if (!community && !person) {
    logger.debug("Follow of {object}, not a local community or person: dropped", { object: follow.objectId?.href });
    return;
  }
  const follower = await followerOf(ctx, follow, follow.actorId);
  if (!follower) return;
  if (person) {
    await rejectPersonFollow(ctx.data.db, person.id, follower.id, follow.id.href);
    logger.info("{follower} asked to follow {person}: rejected", { follower: follower.ap_id, person: person.ap_id });
    return;
  }
  if (!community) return;
  await acceptRemoteFollow(ctx.data.db, community.id, follower.id, follow.id.href);
  logger.info("{person} follows {community}", { person: follower.ap_id, community: community.ap_id });
  // What the follower's server runs decides what the community sends it (microblog.ts).
  await ensureInstanceSoftware(ctx.data.db, [follower.ap_id], ctx.data.remoteFetch);
}

/** A remote community accepted a local person's Follow. */
export async function onFollowAccepted(ctx: Ctx, accept: Accept): Promise<void> {
  if (accept.actorId == null) return;
  const community = await findCommunityByApId(ctx.data.db, accept.actorId.href);
  if (!community || community.local) {
    logger.debug("Accept from {actor}, not a known remote community: dropped", { actor: accept.actorId.href });
    return;
  }
  // The Accept embeds our Follow (Lemmy keeps its id); take the follower from it. The signer is
  // the community itself, and we only act if that person has a pending follow of it.
  const follow = await accept
    .getObject({
      documentLoader: ctx.documentLoader,
      contextLoader: ctx.contextLoader,
      crossOrigin: "trust",
    })
    .catch(() => null);
  if (!(follow instanceof Follow) || follow.actorId == null) {
    logger.debug("Accept of something other than a Follow: dropped");
    return;
  }
  const person = await findPersonByApId(ctx.data.db, follow.actorId.href);
  if (!person?.local) return;
  if (await markFollowAccepted(ctx.data.db, community.id, person.id)) {
    logger.info("{community} accepted {person}", { person: person.ap_id, community: community.ap_id });
  }
}

/** Undo(Follow): the remote person stops following. Matched by actor and object, because Lemmy
 *  regenerates the inner Follow with a new id. An Undo of a Follow of a local person (which was
 *  rejected) finds no community and is ignored. */
export async function onFollowUndone(ctx: Ctx, undo: Undo, follow: Follow): Promise<void> {
  if (undo.actorId == null || follow.actorId?.href !== undo.actorId.href) {
    logger.debug("Undo(Follow) whose inner actor differs from its actor: dropped");
    return;
  }
  const community = await localCommunityAt(ctx, follow.objectId);
  const person = await findPersonByApId(ctx.data.db, undo.actorId.href);
  if (!community || !person || person.local) return;
  await deleteFollow(ctx.data.db, community.id, person.id);
}
