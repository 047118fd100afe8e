// What microblogs (Mastodon and its kin) send that Lemmy does not: boosts, an Announce by a
// person of a post or comment (federation-wire-formats.md §3.1), and their Undo. Lemmy ignores
// boosts and Mbin counts them as upvotes; here they are recorded as boosts, counted apart from
// votes, and count as activity in the discussion (docs/federation.md, "Boosts"). Replies, votes
// and posts that mention a community need nothing of their own: receive.ts takes them in like
// Lemmy's (a reply by its inReplyTo chain, a Note by the community in its cc or Mention tags).
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Dislike, Like, Undo } from "@fedify/vocab";
import {
  type BoostTarget,
  checkBan,
  completeInboundActivity,
  findCommunityById,
  findPersonByApId,
  hostOf,
  recordBoost,
  removeBoost,
} from "@plenum/core";
import type { FederationContextData } from "../context.ts";
import { PostgresKvStore } from "../kv.ts";
import { duration } from "../temporal.ts";
import type { ParsedActivity } from "./parse.ts";
import { applied, type Outcome, type ReceiveEnv, rejected, type Step, storedTarget } from "./receive.ts";

type Announce = Extract<ParsedActivity, { type: "Announce" }>;

/** The id an Announce shares: a URL (Mastodon), or an embedded post's id (never its content). */
function sharedId(announce: Announce): string | null {
  const object = announce.object;
  if (typeof object === "string") return object;
  return "kind" in object ? object.id : null;
}

/** A post or comment stored here, by its id. Nothing is fetched: only what is here is boosted here. */
async function boostTargetAt(env: ReceiveEnv, url: string): Promise<BoostTarget | null> {
  const target = await storedTarget(env.db, url);
  if (!target) return null;
  const { post, comment } = target;
  return comment ? { kind: "comment", comment, post } : { kind: "post", post };
}

/**
 * An Announce by someone who is not a community we follow: a boost, if a person shares a post or
 * comment of a local community. Boosts of content in remote communities are ignored (their
 * community's own server counts them, if it does), and a boost is not announced onward: Lemmy
 * cannot read an Announce by a person.
 */
export async function receiveBoost(env: ReceiveEnv, announce: Announce): Promise<Outcome> {
  const { db } = env;
  if (hostOf(announce.id) !== hostOf(announce.actor)) return rejected("activity_host_mismatch");
  const objectId = sharedId(announce);
  if (!objectId) return rejected("boost_of_an_activity");
  const target = await boostTargetAt(env, objectId);
  if (!target) return rejected("boosted_object_unknown");
  const community = await findCommunityById(db, target.post.community_id);
  if (!community?.local) return rejected("boost_outside_local_community");
  const item = target.kind === "post" ? target.post : target.comment;
  if (item.deleted || item.removed || target.post.deleted || target.post.removed) return rejected("target_deleted");
  // A Group or anything else that is not a person is refused here (remote.person returns null).
  const booster = await env.remote.person(announce.actor);
  if (!booster) return rejected("booster_is_not_a_person");
  if (await checkBan(db, booster.id, { communityId: community.id })) return rejected("booster_banned");
  const outcome = await recordBoost(db, { apId: announce.id, personId: booster.id, target, at: new Date() });
  await completeInboundActivity(db, { ids: [announce.id] });
  return { status: "applied", effect: `boost_${outcome}`, communityId: community.id };
}

/** Undo of a boost: the Announce embedded (Mastodon) or named by its id alone. Never announced
 *  onward (boosts are not), so the step names no community. */
export async function undoBoost(env: ReceiveEnv, actor: string, announce: Announce | string): Promise<Step> {
  const person = await findPersonByApId(env.db, actor);
  if (!person) return rejected("undone_boost_unknown");
  const announceId = typeof announce === "string" ? announce : announce.id;
  const objectId = typeof announce === "string" ? null : sharedId(announce);
  const target = objectId ? await boostTargetAt(env, objectId) : null;
  const removed = await removeBoost(env.db, { personId: person.id, apId: announceId, target });
  if (removed === 0) return rejected("undone_boost_unknown");
  return applied("boost_undone", null);
}

/** Ids freed when an Undo of a vote was applied (see CompletedActivity.reusable in core). */
export function reusableIds(activity: ParsedActivity, effect: string): string[] {
  if (activity.type !== "Undo" || effect !== "vote_undone") return [];
  const inner = activity.object;
  return [typeof inner === "string" ? inner : inner.id, activity.id];
}

/** A leading mention in Markdown converted from Mastodon's HTML: `[@lobby](https://…)` or `@lobby@host`. */
const LEADING_MENTIONS = /^(\s*(\[@[^\]]*\]\([^)]*\)|@\S+))+/;

/**
 * The body of a post made from a microblog Note without a name: its text after the line that
 * became the title (titleOf in receive.ts takes the first line with text once leading mentions
 * are stripped). Null when nothing follows the title.
 */
export function bodyAfterTitleLine(markdown: string | null): string | null {
  if (markdown === null) return null;
  const lines = markdown.split("\n");
  const titleLine = lines.findIndex((line) => line.replace(LEADING_MENTIONS, "").replace(/\\$/, "").trim() !== "");
  if (titleLine < 0) return null;
  const rest = lines
    .slice(titleLine + 1)
    .join("\n")
    .trim();
  return rest === "" ? null : rest;
}

/**
 * Fedify's inbox deduplication key (withIdempotency): per inbox, as Fedify's default, except for
 * votes and Undos, whose ids may come again after an Undo (see reusableIds). Those are
 * deduplicated by received_activities alone, which an applied Undo of a vote releases.
 */
export function inboxIdempotencyKey(ctx: InboxContext<FederationContextData>, activity: Activity): string | null {
  if (activity instanceof Like || activity instanceof Dislike || activity instanceof Undo) return null;
  if (!activity.id) return null;
  return `${ctx.origin}\n${activity.id.href}\n${ctx.recipient ?? ""}`;
}

/** Fedify's key prefix for processed inbox activities (its default kvPrefixes.activityIdempotence). */
const FEDIFY_PROCESSED = ["_fedify", "activityIdempotence"] as const;
/** Our note of which Undo freed a vote's id: [prefix, vote activity id] → the Undo's id. */
const FREED_BY_UNDO = ["plenum", "voteFreedByUndo"] as const;
/** How long Fedify remembers a processed activity: one day (its inbox queue's fixed TTL). */
const FEDIFY_PROCESSED_TTL = duration({ days: 1 });

/**
 * Fedify's inbox queue also drops an activity whose id it processed in the last day (keyed by
 * origin and id, whatever withIdempotency says, and set once the listener returns). For vote ids
 * reused after an Undo (reusableIds) to get through, an applied Undo of a vote clears the vote's
 * entry at once and notes its own id, which is cleared when the vote is cast again.
 */
export async function releaseReusedVoteIds(
  ctx: InboxContext<FederationContextData>,
  activity: Activity,
  outcome: Outcome,
): Promise<void> {
  if (outcome.status !== "applied" || !activity.id) return;
  const kv = new PostgresKvStore(ctx.data.db);
  if (activity instanceof Undo && outcome.effect === "vote_undone" && activity.objectId) {
    await kv.delete([...FEDIFY_PROCESSED, ctx.origin, activity.objectId.href]);
    await kv.set([...FREED_BY_UNDO, activity.objectId.href], activity.id.href, { ttl: FEDIFY_PROCESSED_TTL });
  } else if (activity instanceof Like || activity instanceof Dislike) {
    const undoId = await kv.get<string>([...FREED_BY_UNDO, activity.id.href]);
    if (typeof undoId !== "string") return;
    await kv.delete([...FEDIFY_PROCESSED, ctx.origin, undoId]);
    await kv.delete([...FREED_BY_UNDO, activity.id.href]);
  }
}
