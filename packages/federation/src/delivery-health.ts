// Delivery health per receiving server, observed around Fedify's outbox worker
// (docs/decisions/0009-delivery-health.md). Fedify signs, sends and retries each queued outbox
// message but reports only failures (onOutboxError), never a success. So the queue's listener
// (mq.ts) runs each outbox message through superviseDelivery: it first asks whether the server
// is dead (skip, or probe), then runs Fedify's handler in an async context that notes what
// happens inside it: an error reported to onOutboxError, the same message put back on the queue
// (a retry, or a hold by Fedify's circuit breaker), or a held message dropped. What is left when
// the handler returns is the outcome: no error and not put back means the server accepted it.
import { AsyncLocalStorage } from "node:async_hooks";
import { type Message, SendActivityError } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import {
  type Db,
  type DeadServerPolicy,
  type DeliveryHealthRecord,
  listDeliveryHealth,
  recordDeliveryFailure,
  recordDeliverySuccess,
  skipDeadHosts,
  takeDeliveryPermit,
} from "@plenum/core";
import { sql } from "kysely";

const logger = getLogger(["plenum", "federation", "delivery"]);

type OutboxMessage = Extract<Message, { type: "outbox" }>;

/** What happened to the outbox message in hand, noted by Fedify's callbacks and our queue. */
interface DeliveryObservation {
  messageId: string;
  error: unknown;
  requeued: boolean;
  dropped: boolean;
}

const inHand = new AsyncLocalStorage<DeliveryObservation>();

export function isOutboxMessage(message: unknown): message is OutboxMessage {
  if (typeof message !== "object" || message === null) return false;
  const candidate = message as Partial<OutboxMessage>;
  return candidate.type === "outbox" && typeof candidate.id === "string" && typeof candidate.inbox === "string";
}

/** The server a delivery goes to: the inbox URL's host, with its port when it has one. */
function deliveryHost(inbox: string): string | null {
  try {
    return new URL(inbox).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Fedify's onOutboxError: called for every failed attempt, inside the handler's context. */
export function noteDeliveryError(error: Error): void {
  const observation = inHand.getStore();
  if (observation) observation.error = error;
}

/** Fedify's circuitBreaker.onActivityDrop: a message held too long was given up. */
export function noteDeliveryDropped(): void {
  const observation = inHand.getStore();
  if (observation) observation.dropped = true;
}

/**
 * Called by the queue before it stores messages: notes the message in hand being put back
 * (Fedify's retry or hold), and leaves out new deliveries to dead servers not due for a probe.
 */
export async function admitOutboxMessages(db: Db, messages: readonly unknown[]): Promise<unknown[]> {
  const observation = inHand.getStore();
  const newHosts: string[] = [];
  for (const message of messages) {
    if (!isOutboxMessage(message)) continue;
    if (observation && message.id === observation.messageId) {
      observation.requeued = true;
      continue;
    }
    const host = deliveryHost(message.inbox);
    if (host) newHosts.push(host);
  }
  if (newHosts.length === 0) return [...messages];
  const skipped = await skipDeadHosts(db, newHosts);
  if (skipped.size === 0) return [...messages];
  logger.debug("Not queueing deliveries to dead servers {hosts}", { hosts: [...skipped] });
  return messages.filter((message) => {
    if (!isOutboxMessage(message) || message.id === observation?.messageId) return true;
    const host = deliveryHost(message.inbox);
    return host === null || !skipped.has(host);
  });
}

/** A failure in a few words: the status (and the start of the answer), or the network error. */
function describeDeliveryError(error: unknown): string {
  if (error instanceof SendActivityError) {
    const body = error.responseBody.replace(/\s+/g, " ").trim().slice(0, 100);
    return body ? `HTTP ${error.statusCode}: ${body}` : `HTTP ${error.statusCode}`;
  }
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = cause ? String(cause.code ?? cause.message ?? "") : "";
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}

/** A 4xx answer: the server is up and said no (Fedify's circuit breaker sees it the same way). */
function isReachableFailure(error: unknown): boolean {
  return error instanceof SendActivityError && error.statusCode >= 400 && error.statusCode < 500;
}

/**
 * Runs Fedify's handler for one outbox message, unless its server is dead, and records the
 * outcome. Recording never fails the delivery: a database error there is logged.
 */
export async function superviseDelivery(
  db: Db,
  policy: DeadServerPolicy,
  message: OutboxMessage,
  handler: (message: unknown) => Promise<void> | void,
): Promise<void> {
  const host = deliveryHost(message.inbox);
  if (host === null) return handler(message);
  const permit = await takeDeliveryPermit(db, host, policy);
  if (permit === "skip") {
    logger.debug("Skipping {activityId} to dead server {host}", { activityId: message.activityId, host });
    return;
  }
  const observation: DeliveryObservation = { messageId: message.id, error: undefined, requeued: false, dropped: false };
  try {
    await inHand.run(observation, () => handler(message));
  } catch (error) {
    observation.error ??= error;
    await record(db, host, policy, observation);
    throw error;
  }
  await record(db, host, policy, observation);
}

async function record(db: Db, host: string, policy: DeadServerPolicy, observation: DeliveryObservation) {
  try {
    if (observation.error !== undefined) {
      await recordDeliveryFailure(
        db,
        host,
        { error: describeDeliveryError(observation.error), reachable: isReachableFailure(observation.error) },
        policy,
      );
    } else if (!observation.requeued && !observation.dropped) {
      await recordDeliverySuccess(db, host);
    }
    // Put back without an error: held by Fedify's circuit breaker, not attempted; nothing to record.
  } catch (error) {
    logger.error("Recording delivery health for {host} failed: {error}", { host, error });
  }
}

/** A receiving server's delivery record with its backlog: outbox messages queued for it. */
export interface DeliveryHealthView extends DeliveryHealthRecord {
  backlog: number;
  dead: boolean;
}

/** Outbox messages queued per receiving host (due, retrying or held), on whichever queue. */
async function countBacklog(db: Db): Promise<Map<string, number>> {
  const result = await sql<{ host: string | null; backlog: string }>`
    select lower(substring(message->>'inbox' from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)')) as host,
      count(*) as backlog
    from queue_messages
    where message->>'type' = 'outbox'
    group by 1`.execute(db);
  return new Map(
    result.rows.flatMap((row) => (row.host === null ? [] : [[row.host, Number(row.backlog)] as [string, number]])),
  );
}

/** Every server delivered to or with deliveries queued, by host. */
export async function getDeliveryHealth(db: Db): Promise<DeliveryHealthView[]> {
  const [records, backlog] = await Promise.all([listDeliveryHealth(db), countBacklog(db)]);
  const views = records.map((record) => ({
    ...record,
    backlog: backlog.get(record.host) ?? 0,
    dead: record.deadSince !== null,
  }));
  const known = new Set(records.map((record) => record.host));
  for (const [host, count] of backlog) {
    if (known.has(host)) continue;
    views.push({
      host,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastError: null,
      consecutiveFailures: 0,
      totalSuccesses: 0,
      totalFailures: 0,
      skippedDeliveries: 0,
      failingSince: null,
      deadSince: null,
      nextProbeAt: null,
      backlog: count,
      dead: false,
    });
  }
  return views.sort((a, b) => a.host.localeCompare(b.host));
}
