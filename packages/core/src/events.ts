// Domain events: what happened, in domain words. Services write them to the "events" queue in
// the same transaction as the change they describe, so a committed change always gets its
// outbound federation, even across a crash (the bridge in packages/federation consumes them).
import type { DbLike } from "./db/connect.ts";
import { wake } from "./queue/consumer.ts";
import { enqueueMessages } from "./queue/queue.repository.ts";

export const EVENTS_QUEUE = "events";

export type DomainEvent =
  /** A local person asked to follow a remote community: send Follow. */
  | { type: "community_follow_requested"; communityId: string; personId: string; followActivityId: string }
  /** A local person stopped following a remote community: send Undo(Follow). */
  | { type: "community_unfollowed"; communityId: string; personId: string; followActivityId: string | null }
  /** A local community accepted a remote person's follow: send Accept(Follow). */
  | { type: "community_follow_accepted"; communityId: string; personId: string; followActivityId: string };

export async function recordEvent(db: DbLike, event: DomainEvent): Promise<void> {
  // Events about one community stay in order (a Follow is never overtaken by its Undo).
  await enqueueMessages(db, EVENTS_QUEUE, [event], { orderingKey: `community:${event.communityId}` });
}

/** Call after the transaction that recorded events has committed, to skip the poll delay. */
export function eventsCommitted(): void {
  wake(EVENTS_QUEUE);
}
