// Fedify's MessageQueue on the queue_messages table (queue "fedify"), through the same durable
// queue the domain events use (packages/core/src/queue). Fedify retries failed deliveries itself
// (nativeRetrial = false): it enqueues the retry with a delay, which this queue honours.
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { consumeQueue, type Db, enqueueMessages, queueDepth, wake } from "@plenum/core";

export const FEDIFY_QUEUE = "fedify";
const logger = getLogger(["plenum", "federation", "queue"]);

export class PostgresMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #db: Db;
  readonly #queue: string;

  constructor(db: Db, queue: string = FEDIFY_QUEUE) {
    this.#db = db;
    this.#queue = queue;
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    await enqueueMessages(this.#db, this.#queue, messages, {
      delayMs: options?.delay?.total("millisecond") ?? 0,
      orderingKey: options?.orderingKey ?? null,
    });
    if (!options?.delay) wake(this.#queue);
  }

  listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    return consumeQueue(this.#db, this.#queue, handler, {
      signal: options?.signal,
      onError: (error) => logger.error("Queue handler failed: {error}", { error }),
    });
  }

  async getDepth() {
    return queueDepth(this.#db, this.#queue);
  }
}
