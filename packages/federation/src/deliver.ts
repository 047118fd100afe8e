// Delivery of activities Plenum writes as JSON (activities.ts). Fedify's sendActivity() takes a
// vocabulary object and re-serializes it, which would rewrite an announced activity; instead
// these are queued as Fedify outbox messages (its public `Message` type) carrying the JSON as is.
// Fedify's queue worker then signs (RFC 9421 first, draft-cavage fallback) and POSTs each one,
// and retries failures with its own backoff, exactly as for activities it serialized itself.
import { exportJwk, type Message } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { PlenumContext } from "./context.ts";
import { DELIVERY_QUEUE, PostgresMessageQueue } from "./mq.ts";
import type { Json } from "./objects.ts";
import { recordSentActivity } from "./sent-activities.ts";

const logger = getLogger(["plenum", "federation", "deliver"]);

type OutboxMessage = Extract<Message, { type: "outbox" }>;

/** Someone to deliver to: their personal inbox and their server's shared inbox, if any. */
export interface InboxOwner {
  apId: string;
  inboxUrl: string;
  sharedInboxUrl: string | null;
}

/** One delivery target: an inbox URL and the actors reached through it. */
export interface Delivery {
  inbox: string;
  sharedInbox: boolean;
  actorIds: string[];
}

/**
 * Inboxes to deliver to, one per shared inbox (a server with many followers gets one copy), the
 * personal inbox for actors without one, and none on our own origin.
 */
export function deliveriesFor(owners: readonly InboxOwner[], ownOrigin: string): Delivery[] {
  const byInbox = new Map<string, Delivery>();
  for (const owner of owners) {
    const inbox = owner.sharedInboxUrl ?? owner.inboxUrl;
    if (new URL(inbox).origin === ownOrigin) continue;
    const delivery = byInbox.get(inbox) ?? { inbox, sharedInbox: owner.sharedInboxUrl !== null, actorIds: [] };
    delivery.actorIds.push(owner.apId);
    byInbox.set(inbox, delivery);
  }
  return [...byInbox.values()];
}

const AS = "https://www.w3.org/ns/activitystreams#";

/**
 * Queues `activity` (a complete document, @context included) for delivery to each target,
 * signed with the keys of the local actor `senderIdentifier`. With an ordering key, deliveries
 * to each server keep the order in which they were queued (as Fedify's sendActivity does).
 * Public activities are also kept, to be served at their ids (sent-activities.ts).
 */
export async function deliverJson(
  ctx: PlenumContext,
  senderIdentifier: string,
  targets: readonly Delivery[],
  activity: Json,
  options: { orderingKey?: string } = {},
): Promise<void> {
  if (targets.length === 0) return;
  // Kept before it is queued, so it is there when a receiver fetches it (sent-activities.ts).
  await recordSentActivity(ctx, activity);
  const keyPairs = await ctx.getActorKeyPairs(senderIdentifier);
  if (keyPairs.length === 0) throw new Error(`no key pair for ${senderIdentifier}`);
  const keys = await Promise.all(
    keyPairs.map(async (pair) => ({ keyId: pair.keyId.href, privateKey: await exportJwk(pair.privateKey) })),
  );
  // Fedify's worker listens on this queue for outbox messages (its `queue.outbox`, runtime.ts).
  const queue = new PostgresMessageQueue(ctx.data.db, DELIVERY_QUEUE);
  const started = new Date().toISOString();
  for (const target of targets) {
    const orderingKey =
      options.orderingKey === undefined ? undefined : `${options.orderingKey}\n${new URL(target.inbox).origin}`;
    const message: OutboxMessage = {
      type: "outbox",
      id: crypto.randomUUID(),
      baseUrl: ctx.origin,
      keys,
      activity,
      activityId: typeof activity.id === "string" ? activity.id : undefined,
      activityType: `${AS}${String(activity.type)}`,
      inbox: target.inbox,
      sharedInbox: target.sharedInbox,
      actorIds: target.actorIds,
      started,
      attempt: 0,
      headers: {},
      orderingKey,
      traceContext: {},
    };
    await queue.enqueue(message, orderingKey === undefined ? undefined : { orderingKey });
  }
  logger.debug("Queued {activityId} for {count} inboxes", { activityId: activity.id, count: targets.length });
}
