// Fedify's MessageQueue on the queue_messages table (queue "fedify"), through the same durable
// queue the domain events use (packages/core/src/queue). Fedify retries failed deliveries itself
// (nativeRetrial = false): it enqueues the retry with a delay, which this queue honours.
// On the "fedify" queue every outbox message also passes delivery-health.ts: deliveries to dead
// servers are neither queued nor sent, and each delivery's outcome is recorded per server.
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
const logger = getLogger(["plenum", "federation", "queue"]);

export interface PostgresMessageQueueOptions {
  /** When a receiving server is dead (the worker's queue; enqueueing alone does not need it). */
  deadServerPolicy?: DeadServerPolicy;
  /** Milliseconds a claimed message stays leased (the consumer's LEASE_MS unless set). */
  leaseMs?: number;
}

export class PostgresMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #db: Db;
  readonly #queue: string;
  readonly #deadServerPolicy: DeadServerPolicy;

  readonly #leaseMs: number | undefined;

  constructor(db: Db, queue: string = FEDIFY_QUEUE, options: PostgresMessageQueueOptions = {}) {
    this.#db = db;
    this.#queue = queue;
    this.#deadServerPolicy = options.deadServerPolicy ?? DEFAULT_DEAD_SERVER_POLICY;
    this.#leaseMs = options.leaseMs;
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const admitted = this.#queue === FEDIFY_QUEUE ? await admitOutboxMessages(this.#db, messages) : messages;
    await enqueueMessages(this.#db, this.#queue, admitted, {
      delayMs: options?.delay?.total("millisecond") ?? 0,
      orderingKey: options?.orderingKey ?? null,
    });
    if (!options?.delay) wake(this.#queue);
  }

  listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    const supervised =
      this.#queue === FEDIFY_QUEUE
        ? (message: unknown) =>
            isOutboxMessage(message)
              ? superviseDelivery(this.#db, this.#deadServerPolicy, message, handler)
              : handler(message)
        : handler;
    return consumeQueue(this.#db, this.#queue, supervised, {
      signal: options?.signal,
      leaseMs: this.#leaseMs,
      onError: (error) => logger.error("Queue handler failed: {error}", { error }),
    });
  }

  async getDepth() {
    return queueDepth(this.#db, this.#queue);
  }
}
