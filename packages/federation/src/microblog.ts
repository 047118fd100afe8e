// What a local community sends to followers on microblog servers (Mastodon and kin; core:
// instances/instance-software.ts has the list). Mastodon shows every Announce from a Group as a
// boost and cannot read FEP-1b12's wrapped activities (it re-fetches each one by id), so
// announcing everything floods its users' timelines with comments and votes (Lemmy #2606, #3603).
// Those servers get one thing: an Announce of each new post, its object the post's URL, which is
// how Mastodon itself boosts (federation-wire-formats.md §3.1) and what PieFed sends them
// (features-and-ranking.md §4.8). Mastodon fetches the post by id even when it is embedded
// (§3.5), so embedding it would only add bytes and a copy that may be stale by the time it is read.
import { findInstanceSoftware, hostOf, instanceKindOf } from "@plenum/core";
import { embeddedType, toAnnounceJson } from "./activities.ts";
import type { PlenumContext } from "./context.ts";
import type { Delivery } from "./deliver.ts";
import { ensureInstanceSoftware } from "./nodeinfo.ts";
import type { Json } from "./objects.ts";

/** The types of object that are posts when created or updated (Lemmy's Page and its kin). */
const POST_TYPES = new Set(["Page", "Article", "Video", "Event", "Question"]);

/** The post an activity creates or updates (embedded), else null. */
export function postOf(activity: Json): Json | null {
  if (activity.type !== "Create" && activity.type !== "Update") return null;
  const type = embeddedType(activity);
  const object = activity.object as Json;
  if (type === null) return null;
  // A Note without inReplyTo is a post too (Mastodon, Mitra).
  if (POST_TYPES.has(type) || (type === "Note" && object.inReplyTo == null)) return object;
  return null;
}

/** The id of the post an activity creates (not updates), which microblog followers are sent. */
export function createdPostId(activity: Json): string | null {
  if (activity.type !== "Create") return null;
  const id = postOf(activity)?.id;
  return typeof id === "string" ? id : null;
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
  const actorOf = (target: Delivery) => target.actorIds[0] ?? target.inbox;
  await ensureInstanceSoftware(db, targets.map(actorOf), remoteFetch);
  const software = await findInstanceSoftware(
    db,
    targets.map((target) => hostOf(actorOf(target))),
  );
  const threadiverse: Delivery[] = [];
  const microblog: Delivery[] = [];
  for (const target of targets) {
    const known = software.get(hostOf(actorOf(target)).toLowerCase());
    const kind = instanceKindOf(known?.software ?? null);
    (kind === "microblog" ? microblog : threadiverse).push(target);
  }
  return { threadiverse, microblog };
}

/** The community boosts a post: Announce with the post's URL as object. */
export function toPostAnnounceJson(
  id: string,
  community: { apId: string; followersUrl: string },
  postId: string,
): Json {
  return toAnnounceJson(id, community, postId);
}
