// A polling consumer for one queue of queue_messages. Polling (rather than LISTEN/NOTIFY) works
// the same on PostgreSQL and on embedded PGlite and through any connection pooler; consumers in
// the same process are also woken at once by enqueues made through `wake`.
import type { Db } from "../db/connect.ts";
import { claimMessage, completeMessage, releaseMessage } from "./queue.repository.ts";

/** Milliseconds between polls of an idle queue: a new message waits at most this long (bounded
 *  latency) while an idle process costs 5 cheap index scans a second. */
export const IDLE_POLL_MS = 200;
/** Milliseconds a claimed message stays leased to one consumer. Deliveries are bounded well
 *  below this by Fedify's fetch timeouts, so a lease only expires when its consumer died. */
export const LEASE_MS = 5 * 60_000;
/** Milliseconds before a message whose handler threw is retried (doubling per attempt, capped). */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60 * 60_000;
/** Longest wait, in milliseconds, between claim attempts while the database keeps failing. */
const DB_RETRY_MAX_MS = 10_000;

type Waker = () => void;
const wakers = new Map<string, Set<Waker>>();

/** Wakes this process's idle consumers of a queue (after an enqueue). */
export function wake(queue: string): void {
  for (const waker of wakers.get(queue) ?? []) waker();
}

export interface ConsumeOptions {
  signal?: AbortSignal;
  /** Milliseconds a claimed message stays leased (LEASE_MS unless set): how long a message held
   *  by a killed consumer waits before another takes it. */
  leaseMs?: number;
  onError?: (error: unknown, message: unknown) => void;
}

/**
 * Handles messages of `queue` one at a time until `signal` aborts, then waits for the message in
 * hand to finish before resolving (graceful shutdown never abandons a half-handled message).
 */
export async function consumeQueue(
  db: Db,
  queue: string,
  handler: (message: unknown) => Promise<void> | void,
  options: ConsumeOptions = {},
): Promise<void> {
  const { signal } = options;
  let sleeping: Waker | null = null;
  const waker: Waker = () => sleeping?.();
  const set = wakers.get(queue) ?? new Set();
  set.add(waker);
  wakers.set(queue, set);
  const onAbort = () => sleeping?.();
  signal?.addEventListener("abort", onAbort);
  // Consecutive database failures; each waits longer, so an outage is not a busy loop.
  let failures = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleeping = null;
        resolve();
      }
      sleeping = done;
    });
  try {
    while (!signal?.aborted) {
      let claimed: Awaited<ReturnType<typeof claimMessage>>;
      try {
        claimed = await claimMessage(db, queue, options.leaseMs ?? LEASE_MS);
        failures = 0;
      } catch (error) {
        // The database is unreachable or restarting: keep the consumer alive and try again.
        failures += 1;
        options.onError?.(error, null);
        await sleep(Math.min(DB_RETRY_MAX_MS, IDLE_POLL_MS * 2 ** failures));
        continue;
      }
      if (claimed == null) {
        await sleep(IDLE_POLL_MS);
        continue;
      }
      try {
        await handler(claimed.message);
      } catch (error) {
        options.onError?.(error, claimed.message);
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (claimed.attempts - 1));
        await releaseMessage(db, claimed.id, delay, String(error)).catch((releaseError: unknown) =>
          // Not released: the lease runs out and the message comes back anyway.
          options.onError?.(releaseError, claimed.message),
        );
        continue;
      }
      await completeMessage(db, claimed.id).catch((completeError: unknown) =>
        // Not deleted: it will be handled again after its lease (at-least-once delivery).
        options.onError?.(completeError, claimed.message),
      );
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    set.delete(waker);
  }
}
