// The last step of applying an activity from another server: remember its id, and when a local
// community accepted it, record the event that announces it to the community's followers. Both
// in one transaction, so that of two concurrent deliveries of one activity only one announces it.
import type { Db } from "../db/connect.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { forgetActivitiesReceived, markActivityReceived } from "./inbound.repository.ts";

export interface CompletedActivity {
  /** The activity's id, and the id of an activity it wrapped (an Announce's object). */
  ids: readonly string[];
  /** The local community to announce the activity, as received, to its followers. */
  relay?: { communityId: string; activity: Record<string, unknown> };
  /**
   * Ids that may legitimately arrive again once this activity is applied: those of an undone vote
   * and of its Undo. Some servers reuse them when the same person votes again after undoing
   * (Mastodon derives the Undo's id from the Like's); they stay deduplicated while the vote
   * stands, since only an applied Undo frees them.
   */
  reusable?: readonly string[];
}

/** Records the activity as applied; false when another delivery of it got there first. */
export async function completeInboundActivity(db: Db, completed: CompletedActivity): Promise<boolean> {
  const [first, ...rest] = completed.ids;
  if (first === undefined) return false;
  const fresh = await db.transaction().execute(async (trx) => {
    const fresh = await markActivityReceived(trx, first);
    for (const id of rest) await markActivityReceived(trx, id);
    if (completed.reusable) await forgetActivitiesReceived(trx, completed.reusable);
    if (fresh && completed.relay) {
      await recordEvent(trx, {
        type: "community_activity_received",
        communityId: completed.relay.communityId,
        activity: completed.relay.activity,
      });
    }
    return fresh;
  });
  if (fresh && completed.relay) eventsCommitted();
  return fresh;
}
