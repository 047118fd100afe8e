// The activities Plenum sends about posts, comments and votes, in Lemmy's shapes
// (federation-wire-formats.md §2.7, §2.8, §5). Like objects.ts, these are plain JSON: the
// community's Announce must carry the activity it wraps verbatim (FEP-1b12), which Fedify's
// vocabulary cannot do (it re-serializes nested objects and drops terms it does not model).
import { AS_PUBLIC, type Json } from "./objects.ts";

/** A fresh activity id under our origin, as Lemmy names them: /activities/{type}/{uuid}. */
export function newActivityId(origin: string, type: string): string {
  return `${origin}/activities/${type}/${crypto.randomUUID()}`;
}

interface Addressing {
  /** The local actor (person or community) sending it. */
  actor: string;
  /** The community the activity is about. */
  community: string;
}

/** Create or Update of a Page or Note: addressed to the community and the public. */
export function toCreateOrUpdateJson(
  type: "Create" | "Update",
  id: string,
  { actor, community }: Addressing,
  object: Json,
): Json {
  // A Note also goes to the people it mentions (cc), as Lemmy does.
  const mentioned = Array.isArray(object.cc) ? object.cc : [];
  return {
    id,
    type,
    actor,
    to: [community, AS_PUBLIC],
    cc: mentioned,
    audience: community,
    object,
  };
}

/** The author deletes a post or comment: Lemmy sends the object as a bare URL. */
export function toDeleteJson(id: string, { actor, community }: Addressing, objectId: string): Json {
  return { id, type: "Delete", actor, to: [AS_PUBLIC], cc: [community], audience: community, object: objectId };
}

/** A vote: Like or Dislike of a post or comment URL, without to/cc (Lemmy's shape). */
export function toVoteJson(
  id: string,
  type: "Like" | "Dislike",
  { actor, community }: Addressing,
  objectId: string,
): Json {
  return { id, type, actor, object: objectId, audience: community };
}

/** Undo of a vote or a Delete (a restore), embedding the activity undone. */
export function toUndoJson(id: string, { actor, community }: Addressing, undone: Json): Json {
  return { id, type: "Undo", actor, to: [AS_PUBLIC], cc: [community], audience: community, object: undone };
}

/**
 * A community's Announce of an activity (FEP-1b12): to the public, cc its followers, with the
 * activity as received: every member and value kept. (The queues store JSON as jsonb, which may
 * reorder members; neither JSON-LD nor the JCS canonicalization of FEP-8b32 proofs depends on
 * member order.) The object is a URL for the boosts microblog servers get (microblog.ts).
 */
export function toAnnounceJson(
  id: string,
  community: { apId: string; followersUrl: string },
  object: Json | string,
): Json {
  return { id, type: "Announce", actor: community.apId, to: [AS_PUBLIC], cc: [community.followersUrl], object };
}

/** The type of an activity's object when it is embedded, else null. */
export function embeddedType(activity: Json): string | null {
  const object = activity.object;
  if (object && typeof object === "object" && !Array.isArray(object)) {
    const type = (object as Json).type;
    return typeof type === "string" ? type : null;
  }
  return null;
}
