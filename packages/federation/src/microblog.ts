// What a local community sends to followers on microblog servers (Mastodon and kin; core:
// instances/instance-software.ts has the list). Mastodon shows every Announce from a Group as a
// boost and cannot read FEP-1b12's wrapped activities (it re-fetches each one by id), so
// announcing everything floods its users' timelines with comments and votes (Lemmy #2606, #3603).
// Those servers get one thing: an Announce of each new post, its object the post's URL, which is
// how Mastodon itself boosts (federation-wire-formats.md §3.1) and what PieFed sends them
// (features-and-ranking.md §4.8). Mastodon fetches the post by id even when it is embedded
// (§3.5), so embedding it would only add bytes and a copy that may be stale by the time it is read.
// When the post is deleted or removed they get Undo of that Announce, which takes the boost out of
// timelines (Mastodon finds the boost by the Announce's id, so that id is derived from the post's);
// when it is restored, the Announce again.
// Mastodon takes an edit or a deletion of a status only from the status's author (its Update and
// Delete handlers match the status by id and actor; federation-wire-formats.md §3.6), so for a
// local person's post they also get the author's own Update(Page) and Delete, signed by the author.
import { createHash } from "node:crypto";
import {
  type DbLike,
  findInstanceSoftware,
  findPersonByApId,
  findPostByApId,
  hostOf,
  instanceKindOf,
} from "@plenum/core";
import { embeddedType, toAnnounceJson } from "./activities.ts";
import type { PlenumContext } from "./context.ts";
import type { Delivery } from "./deliver.ts";
import { parseActorIdentifier } from "./identifiers.ts";
import { POST_OBJECT_TYPES } from "./inbox/parse.ts";
import { ensureInstanceSoftware } from "./nodeinfo.ts";
import type { Json } from "./objects.ts";

/** The post an activity creates or updates (embedded), else null. */
export function postOf(activity: Json): Json | null {
  if (activity.type !== "Create" && activity.type !== "Update") return null;
  const type = embeddedType(activity);
  const object = activity.object as Json;
  if (type === null) return null;
  // A Note without inReplyTo is a post too (Mastodon, Mitra).
  if (POST_OBJECT_TYPES.has(type) && (type !== "Note" || object.inReplyTo == null)) return object;
  return null;
}

/** The id of the post an activity creates (not updates), which microblog followers are sent. */
export function createdPostId(activity: Json): string | null {
  if (activity.type !== "Create") return null;
  const id = postOf(activity)?.id;
  return typeof id === "string" ? id : null;
}

/** The first actor a delivery reaches: its host is the server's (a shared inbox may be elsewhere). */
const firstActorOf = (target: Delivery) => target.actorIds[0] ?? target.inbox;

/** The software stored for the server of each delivery, by the host of its first actor (null: not known). */
export async function softwareOfDeliveries(
  db: DbLike,
  targets: readonly Delivery[],
): Promise<(target: Delivery) => string | null> {
  const hostOfTarget = (target: Delivery) => hostOf(firstActorOf(target)).toLowerCase();
  const software = await findInstanceSoftware(db, targets.map(hostOfTarget));
  return (target) => software.get(hostOfTarget(target))?.software ?? null;
}

/**
 * Splits deliveries by the kind of server they reach (by the host of the first actor reached
 * there). Instances never asked are asked first (NodeInfo, bounded in time); unknown software
 * counts as threadiverse, which is what every server got before the kinds were told apart.
 */
export async function splitByInstanceKind(
  ctx: PlenumContext,
  targets: readonly Delivery[],
): Promise<{ threadiverse: Delivery[]; microblog: Delivery[] }> {
  const { db, remoteFetch } = ctx.data;
  await ensureInstanceSoftware(db, targets.map(firstActorOf), remoteFetch);
  const softwareAt = await softwareOfDeliveries(db, targets);
  const threadiverse: Delivery[] = [];
  const microblog: Delivery[] = [];
  for (const target of targets) {
    (instanceKindOf(softwareAt(target)) === "microblog" ? microblog : threadiverse).push(target);
  }
  return { threadiverse, microblog };
}

type Group = { apId: string; followersUrl: string };

/** The id of the community's Announce of a post: the same every time, so it can be undone. */
function postAnnounceId(origin: string, postId: string): string {
  const digest = createHash("sha256").update(postId).digest("hex").slice(0, 32);
  return `${origin}/activities/announce/post/${digest}`;
}

/** The community boosts a post: Announce with the post's URL as object. */
function toPostAnnounceJson(origin: string, community: Group, postId: string): Json {
  return toAnnounceJson(postAnnounceId(origin, postId), community, postId);
}

/** The URL a Delete deletes, and whether the activity is the Undo of that Delete (a restore). */
function deletion(activity: Json): { objectId: string; restored: boolean } | null {
  const idOf = (value: unknown) =>
    typeof value === "string"
      ? value
      : typeof (value as Json | null)?.id === "string"
        ? String((value as Json).id)
        : null;
  if (activity.type === "Delete") {
    const objectId = idOf(activity.object);
    return objectId ? { objectId, restored: false } : null;
  }
  const inner = activity.object as Json | null;
  if (activity.type === "Undo" && inner && typeof inner === "object" && inner.type === "Delete") {
    const objectId = idOf(inner.object);
    return objectId ? { objectId, restored: true } : null;
  }
  return null;
}

/**
 * What microblog followers are sent for an activity the community announces, or null: a new
 * post's Announce, Undo of it when the post is deleted or removed, the Announce again when it is
 * restored. Comments, votes and edits send nothing here (a local author's own edit or deletion of
 * a post goes out as it is: microblogAuthorOf).
 */
export async function toMicroblogActivityJson(
  ctx: PlenumContext,
  community: Group,
  activity: Json,
  newActivityId: (type: string) => string,
): Promise<Json | null> {
  const created = createdPostId(activity);
  if (created) return toPostAnnounceJson(ctx.origin, community, created);
  const deleted = deletion(activity);
  if (deleted === null || !(await findPostByApId(ctx.data.db, deleted.objectId))) return null;
  const announce = toPostAnnounceJson(ctx.origin, community, deleted.objectId);
  if (deleted.restored) return announce;
  return { ...toAnnounceJson(newActivityId("undo"), community, announce), type: "Undo" };
}

/**
 * The name of the local person whose own edit or deletion of their post `activity` is, or null:
 * microblog followers are sent those as they are, signed by that person (comments, votes,
 * restores and moderators' removals are not; Mastodon would drop them).
 */
export async function microblogAuthorOf(ctx: PlenumContext, activity: Json): Promise<string | null> {
  if (typeof activity.actor !== "string") return null;
  const parsed = ctx.parseUri(new URL(activity.actor));
  const ref = parsed?.type === "actor" ? parseActorIdentifier(parsed.identifier) : null;
  if (ref?.kind !== "person") return null;
  if (activity.type === "Update") {
    return postOf(activity)?.attributedTo === activity.actor ? ref.name : null;
  }
  const deleted = deletion(activity);
  if (deleted === null || deleted.restored) return null;
  const [post, author] = await Promise.all([
    findPostByApId(ctx.data.db, deleted.objectId),
    findPersonByApId(ctx.data.db, activity.actor),
  ]);
  return post && author?.local && post.creator_id === author.id ? ref.name : null;
}
