// The outbound bridge: turns domain events (from the "events" queue) into activities. Route
// handlers and services never send activities themselves; they record events in the same
// transaction as their change, and this runs in the worker (docs/architecture.md).
import { Accept, Follow, type Recipient, Undo } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import {
  type CommunityRow,
  type DomainEvent,
  exhaustiveCheck,
  findCommunityById,
  findPersonById,
  type PersonRow,
} from "@plenum/core";
import type { PlenumContext } from "./context.ts";
import { communityIdentifier, personIdentifier } from "./identifiers.ts";

const logger = getLogger(["plenum", "federation", "bridge"]);

function recipientOf(actor: PersonRow | CommunityRow): Recipient {
  return {
    id: new URL(actor.ap_id),
    inboxId: new URL(actor.inbox_url),
    endpoints: actor.shared_inbox_url ? { sharedInbox: new URL(actor.shared_inbox_url) } : null,
  };
}

const activityId = (ctx: PlenumContext, type: string) =>
  new URL(`/activities/${type}/${crypto.randomUUID()}`, ctx.origin);

/**
 * Sends what an event calls for. Deliveries about one community carry its id as ordering key, so
 * Fedify delivers them to each inbox in order (a Follow is never overtaken by its Undo).
 */
export async function handleDomainEvent(ctx: PlenumContext, event: DomainEvent): Promise<void> {
  const { db } = ctx.data;
  const [community, person] = await Promise.all([
    findCommunityById(db, event.communityId),
    findPersonById(db, event.personId),
  ]);
  if (!community || !person) {
    // Deleted since the event was recorded: nothing left to tell anyone.
    logger.info("Event {type} for a deleted community or person: skipped", { type: event.type });
    return;
  }
  switch (event.type) {
    case "community_follow_requested": {
      const follow = new Follow({
        id: new URL(event.followActivityId),
        actor: new URL(person.ap_id),
        object: new URL(community.ap_id),
        to: new URL(community.ap_id),
      });
      await ctx.sendActivity({ identifier: personIdentifier(person.name) }, recipientOf(community), follow, {
        orderingKey: community.ap_id,
      });
      return;
    }
    case "community_unfollowed": {
      const undo = new Undo({
        id: activityId(ctx, "undo"),
        actor: new URL(person.ap_id),
        to: new URL(community.ap_id),
        object: new Follow({
          id: event.followActivityId ? new URL(event.followActivityId) : activityId(ctx, "follow"),
          actor: new URL(person.ap_id),
          object: new URL(community.ap_id),
        }),
      });
      await ctx.sendActivity({ identifier: personIdentifier(person.name) }, recipientOf(community), undo, {
        orderingKey: community.ap_id,
      });
      return;
    }
    case "community_follow_accepted": {
      // Accept embeds the Follow with its original id, which Lemmy needs to match it.
      const accept = new Accept({
        id: activityId(ctx, "accept"),
        actor: new URL(community.ap_id),
        to: new URL(person.ap_id),
        object: new Follow({
          id: new URL(event.followActivityId),
          actor: new URL(person.ap_id),
          object: new URL(community.ap_id),
        }),
      });
      await ctx.sendActivity({ identifier: communityIdentifier(community.name) }, recipientOf(person), accept, {
        orderingKey: community.ap_id,
      });
      return;
    }
    default:
      exhaustiveCheck(event);
  }
}
