// A remote person's activities about themselves: Update(Person), a profile edit, and
// Delete(Person), an account deletion (docs/federation.md, "Profiles and account deletion").
// Fedify has verified the signature and that the signer is the actor; here the object must be
// that same actor, stored here as a remote person.
//
// An Update may change what persistActor stores from a fetched actor (name, bio, avatar, banner,
// pronouns, bot), never where the person is reached or how they sign: its inboxes must stay on the
// person's own server and its key must be the one we have.
//
// A deleted account's actor answers 410 on its server, so its Delete often cannot be verified
// (the key is gone with it; Mastodon and Lemmy serve a Tombstone). Such an unverified, signed
// Delete of the actor itself is applied only after the actor's own server confirms, answering 410
// for it (and without its removeData, which nothing vouches for).
import {
  type Context,
  exportSpki,
  type InboxContext,
  type RequestContext,
  type UnverifiedActivityReason,
} from "@fedify/fedify";
import { type Activity, Delete, isActor, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { applyRemotePersonDeletion, findPersonByApId, hostOf, instanceAllowed } from "@plenum/core";
import { persistActor } from "../actors.ts";
import type { FederationContextData } from "../context.ts";
import { fetchBoundedStatus } from "../loader.ts";
import type { Json } from "../objects.ts";

const logger = getLogger(["plenum", "federation", "inbox", "person"]);

type Handled = { effect: string } | { rejected: string };

function removeDataOf(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as Json).removeData === true;
}

/** A Delete whose object is its own actor (an account deletion), else null. */
function selfDeletion(activity: Activity): URL | null {
  if (!(activity instanceof Delete) || activity.actorId == null) return null;
  return activity.objectId?.href === activity.actorId.href ? activity.actorId : null;
}

async function applyDeletion(ctx: Context<FederationContextData>, actorId: URL, json: unknown): Promise<Handled> {
  const { db } = ctx.data;
  const person = await findPersonByApId(db, actorId.href);
  if (!person || person.local) return { rejected: "unknown_person" };
  if (person.deleted) return { effect: "person_already_deleted" };
  await applyRemotePersonDeletion(db, person.id, removeDataOf(json));
  return { effect: "person_deleted" };
}

async function applyUpdate(ctx: InboxContext<FederationContextData>, activity: Update): Promise<Handled> {
  const { db } = ctx.data;
  const actorId = activity.actorId as URL;
  const object = await activity.getObject({ documentLoader: ctx.documentLoader }).catch(() => null);
  if (!object || !isActor(object) || object.id?.href !== actorId.href) return { rejected: "not_the_actor_itself" };
  const stored = await findPersonByApId(db, actorId.href);
  if (!stored || stored.local) return { rejected: "unknown_person" };
  if (!(await instanceAllowed(db, hostOf(actorId.href)))) return { rejected: "instance_not_allowed" };
  // Where the person is reached must stay on their own server.
  const addresses = [object.inboxId, object.endpoints?.sharedInbox, object.outboxId, object.followersId];
  if (addresses.some((url) => url != null && url.origin !== actorId.origin)) {
    return { rejected: "address_on_another_host" };
  }
  // Nor may it change the key (a key rotation reaches us when the actor is fetched from its server).
  const key = await object.getPublicKey({ documentLoader: ctx.documentLoader }).catch(() => null);
  const pem = key?.publicKey ? await exportSpki(key.publicKey) : null;
  if (pem === null || pem !== stored.public_key_pem) return { rejected: "key_mismatch" };
  const persisted = await persistActor(ctx, object);
  return persisted?.kind === "person" ? { effect: "person_updated" } : { rejected: "not_a_person" };
}

/**
 * The listener's first stop: true when the activity was an Update of a Person or a Delete of the
 * actor itself, which this applies (or drops, with its reason); false for anything else.
 */
export async function applyPersonActivity(
  ctx: InboxContext<FederationContextData>,
  activity: Activity,
  json: unknown,
): Promise<boolean> {
  let handled: Handled;
  const deleted = selfDeletion(activity);
  if (deleted) handled = await applyDeletion(ctx, deleted, json);
  else if (activity instanceof Update && activity.actorId != null && isPersonObject(json)) {
    handled = await applyUpdate(ctx, activity);
  } else return false;
  if ("effect" in handled) logger.info("Applied {id}: {effect}", { id: activity.id?.href, effect: handled.effect });
  else logger.debug("Dropped {id}: {reason}", { id: activity.id?.href, reason: handled.rejected });
  return true;
}

function isPersonObject(json: unknown): boolean {
  if (typeof json !== "object" || json === null) return false;
  const object = (json as Json).object;
  if (typeof object !== "object" || object === null) return false;
  const type = (object as Json).type;
  return type === "Person" || type === "Service";
}

/**
 * Fedify's hook for activities whose signature could not be verified: a signed Delete of its own
 * actor is applied when the actor's server answers 410 Gone for it. Anything else keeps Fedify's
 * 401.
 */
export async function onUnverifiedActivity(
  ctx: RequestContext<FederationContextData>,
  activity: Activity,
  reason: UnverifiedActivityReason,
): Promise<Response | undefined> {
  const actorId = selfDeletion(activity);
  // The key could not be fetched (the actor is gone), or a key cached from before no longer
  // verifies it. Either way only the actor's own server decides, below; unsigned ones stay out.
  if (!actorId || reason.type === "noSignature") return undefined;
  if ((await fetchBoundedStatus(actorId.href, ctx.data.remoteFetch)) !== 410) return undefined;
  // Only the deletion itself is confirmed, not what the unsigned body asks: its removeData is
  // ignored, so nobody can have a gone person's content deleted in their name.
  const handled = await applyDeletion(ctx, actorId, {});
  logger.info("Unverified deletion of {actor}, confirmed gone by its server: {outcome}", {
    actor: actorId.href,
    outcome: "effect" in handled ? handled.effect : handled.rejected,
  });
  return new Response(null, { status: 202 });
}
