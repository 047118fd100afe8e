// Durable queue on the queue_messages table. Several consumer processes may claim from it at
// once: claims use FOR UPDATE SKIP LOCKED and a lease, so a message is handled by one consumer
// at a time and comes back if that consumer dies before finishing (at-least-once delivery).
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";

export interface EnqueueOptions {
  /** Milliseconds before the message becomes due. */
  delayMs?: number;
  /** Messages sharing a key are handled strictly one after another, in enqueue order. */
  orderingKey?: string | null;
}

export interface ClaimedMessage {
  id: string;
  message: unknown;
  attempts: number;
}

export async function enqueueMessages(
  db: DbLike,
  queue: string,
  messages: readonly unknown[],
  options: EnqueueOptions = {},
): Promise<void> {
  if (messages.length === 0) return;
  const runAt = sql<Date>`now() + ${`${Math.max(0, options.delayMs ?? 0)} milliseconds`}::interval`;
  await db
    .insertInto("queue_messages")
    .values(
      messages.map((message) => ({
        queue,
        message: JSON.stringify(message),
        ordering_key: options.orderingKey ?? null,
        run_at: runAt,
      })),
    )
    .execute();
}

/**
 * Claims the oldest due message of a queue for leaseMs. A message with an ordering key is only
 * due when no older message with the same key is still in the table (queued, leased or waiting
 * for a retry), which keeps per-key order even across consumers.
 */
export async function claimMessage(db: DbLike, queue: string, leaseMs: number): Promise<ClaimedMessage | null> {
  const result = await sql<{ id: string; message: unknown; attempts: number }>`
    update queue_messages set locked_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1
    where id = (
      select m.id from queue_messages m
      where m.queue = ${queue}
        and m.run_at <= now()
        and (m.locked_until is null or m.locked_until < now())
        and (m.ordering_key is null or not exists (
          select 1 from queue_messages older
          where older.queue = m.queue and older.ordering_key = m.ordering_key and older.id < m.id))
      order by m.run_at, m.id
      for update skip locked
      limit 1)
    returning id, message, attempts`.execute(db);
  return result.rows[0] ?? null;
}

/** Removes a handled message. */
export async function completeMessage(db: DbLike, id: string): Promise<void> {
  await db.deleteFrom("queue_messages").where("id", "=", id).execute();
}

/** Gives a failed message back to the queue, due again after retryDelayMs. */
export async function releaseMessage(db: DbLike, id: string, retryDelayMs: number, error: string): Promise<void> {
  await db
    .updateTable("queue_messages")
    .set({
      locked_until: null,
      run_at: sql<Date>`now() + ${`${retryDelayMs} milliseconds`}::interval`,
      last_error: error.slice(0, 2000),
    })
    .where("id", "=", id)
    .execute();
}

export interface QueueDepth {
  queued: number;
  ready: number;
  delayed: number;
}

export async function queueDepth(db: DbLike, queue: string): Promise<QueueDepth> {
  const row = await db
    .selectFrom("queue_messages")
    .where("queue", "=", queue)
    .select([
      sql<string>`count(*)`.as("queued"),
      sql<string>`count(*) filter (where run_at <= now())`.as("ready"),
      sql<string>`count(*) filter (where run_at > now())`.as("delayed"),
    ])
    .executeTakeFirstOrThrow();
  return { queued: Number(row.queued), ready: Number(row.ready), delayed: Number(row.delayed) };
}
