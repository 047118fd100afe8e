// Fedify's MessageQueue on the queue_messages table (one instance per queue), through the same durable
// queue the domain events use (packages/core/src/queue). Fedify retries failed deliveries itself
// (nativeRetrial = false): it enqueues the retry with a delay, which this queue honours.
// Fedify's outbox messages (deliveries) have their own queue, "fedify_outbox", consumed by several
// consumers at once, so that a server slow to answer holds up one of them, not every delivery; inbox
// and fan-out messages stay on "fedify", one at a time. Every outbox message also passes
// delivery-health.ts: deliveries to dead servers are neither queued nor sent, and each delivery's
// outcome is recorded per server.
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import {
  consumeQueue,
  type Db,
  DEFAULT_DEAD_SERVER_POLICY,
  type DeadServerPolicy,
  enqueueMessages,
  queueDepth,
  wake,
} from "@plenum/core";
import { admitOutboxMessages, isOutboxMessage, superviseDelivery } from "./delivery-health.ts";

export const FEDIFY_QUEUE = "fedify";
export const DELIVERY_QUEUE = "fedify_outbox";
/** Deliveries handled at once per worker process. Fedify sets no time limit on a delivery, so a
 *  server that accepts the connection and never answers holds a consumer until Node's fetch gives
 *  up (undici's 300 s header timeout); with 4, three keep delivering meanwhile. Each consumer holds
 *  a database connection only while it claims or records, and signing costs ~0.66 ms of CPU per
 *  delivery (research: performance-anchors.md §2), so 4 stays well within the pool and one core.
 *  Ours; Lemmy runs one sender per receiving instance. */
export const DELIVERY_CONSUMERS = 4;
const logger = getLogger(["plenum", "federation", "queue"]);

export interface PostgresMessageQueueOptions {
  /** When a receiving server is dead (the worker's queue; enqueueing alone does not need it). */
  deadServerPolicy?: DeadServerPolicy;
  /** Milliseconds a claimed message stays leased (the consumer's LEASE_MS unless set). */
  leaseMs?: number;
  /** Consumers running at once in listen() (1 unless set): messages are then handled in parallel,
   *  still one at a time per ordering key. */
  consumers?: number;
}

export class PostgresMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #db: Db;
  readonly #queue: string;
  readonly #deadServerPolicy: DeadServerPolicy;
  readonly #leaseMs: number | undefined;
  readonly #consumers: number;

  constructor(db: Db, queue: string = FEDIFY_QUEUE, options: PostgresMessageQueueOptions = {}) {
    this.#db = db;
    this.#queue = queue;
    this.#deadServerPolicy = options.deadServerPolicy ?? DEFAULT_DEAD_SERVER_POLICY;
    this.#leaseMs = options.leaseMs;
    this.#consumers = Math.max(1, options.consumers ?? 1);
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const admitted = await admitOutboxMessages(this.#db, messages);
    await enqueueMessages(this.#db, this.#queue, admitted, {
      delayMs: options?.delay?.total("millisecond") ?? 0,
      orderingKey: options?.orderingKey ?? null,
    });
    if (!options?.delay) wake(this.#queue);
  }

  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options?: MessageQueueListenOptions,
  ): Promise<void> {
    const supervised = (message: unknown) =>
      isOutboxMessage(message)
        ? superviseDelivery(this.#db, this.#deadServerPolicy, message, handler)
        : handler(message);
    const consume = () =>
      consumeQueue(this.#db, this.#queue, supervised, {
        signal: options?.signal,
        leaseMs: this.#leaseMs,
        onError: (error) => logger.error("Queue handler failed: {error}", { error }),
      });
    await Promise.all(Array.from({ length: this.#consumers }, consume));
  }

  async getDepth() {
    return queueDepth(this.#db, this.#queue);
  }
}
