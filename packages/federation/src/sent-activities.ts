// Activities Plenum sends, kept so each is fetchable at its id, as Lemmy serves its sent
// activities at /activities/{type}/{id} (crates/apub/src/http/mod.rs, get_activity). Servers do
// fetch them: Mastodon cannot read the activity a community's Announce wraps (FEP-1b12) and
// fetches it by id instead (federation-wire-formats.md §3.5), and any server may check an
// activity against its origin. deliverJson records each activity when it queues it for at least
// one inbox (an id sent again keeps its latest copy): an id no server was ever sent cannot be asked
// for, so activities without recipients are not kept.
//
// What is kept: the activity as delivered, and each activity of ours embedded in it (the
// Create or vote a community's Announce wraps; the vote an Undo carries), with the @context of
// the outer document, so the embedded one is a complete document too. Only public activities:
// reports and their resolution (Flag, Resolve of a Flag: for the community's moderators and the
// reporter) and follows (Follow, Accept, Undo of a Follow, sent by Fedify in bridge.ts, one actor
// to another) are not served, as Lemmy answers 404 for its "sensitive" ones, so they are not
// stored either.
import { recordSentActivities, type SentActivity } from "@plenum/core";
import type { PlenumContext } from "./context.ts";
import type { Json } from "./objects.ts";

/** Types addressed to one actor or to moderators rather than the public; never served. */
const PRIVATE_TYPES = new Set(["Flag", "Resolve", "Follow", "Accept", "Reject"]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether anyone may fetch the activity: not a report or a follow, nor one that embeds one
 *  (Undo of a Follow). An embedded object that is not an activity (a Page) is public. */
export function isPublicActivity(activity: Json): boolean {
  if (typeof activity.type !== "string" || PRIVATE_TYPES.has(activity.type)) return false;
  const object = activity.object;
  if (isObject(object) && typeof object.type === "string" && PRIVATE_TYPES.has(object.type)) return false;
  if (isObject(object) && isObject(object.object)) return isPublicActivity(object);
  return true;
}

/** Our activities in `activity`: itself and those embedded as its object, at any depth. */
export function localActivitiesIn(activity: Json, activitiesPrefix: string): SentActivity[] {
  const context = activity["@context"];
  const found: SentActivity[] = [];
  let current: unknown = activity;
  while (isObject(current) && typeof current.id === "string" && current.id.startsWith(activitiesPrefix)) {
    const { "@context": _own, ...rest } = current;
    found.push({ apId: current.id, activity: context === undefined ? rest : { "@context": context, ...rest } });
    current = current.object;
  }
  return found;
}

/** Stores the public activities of ours that `activity` (a complete document) is or embeds. */
export async function recordSentActivity(ctx: PlenumContext, activity: Json): Promise<void> {
  if (!isPublicActivity(activity)) return;
  const activities = localActivitiesIn(activity, `${ctx.origin}/activities/`).filter((sent) =>
    isPublicActivity(sent.activity),
  );
  await recordSentActivities(ctx.data.db, activities);
}
