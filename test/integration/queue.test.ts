// PostgresMessageQueue (Fedify's MessageQueue on queue_messages) against a real database:
// Fedify's own conformance suite, then the failure modes a durable queue exists for.

import { testMessageQueue } from "@fedify/testing";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { claimMessage, type DatabaseHandle, openDatabase } from "@plenum/core";
import { sql } from "kysely";
import { PostgresMessageQueue } from "../../packages/federation/src/mq.ts";
// The polyfill Fedify runs on, typed as the Temporal its declarations name.
import { duration } from "../../packages/federation/src/temporal.ts";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "../support/database.ts";
import { waitUntil } from "../support/wait.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

/** A queue name of its own per test, so no test sees another's leftover messages. */
let queues = 0;
function freshQueue(): string {
  queues += 1;
  return `test-${queues}`;
}

/** Runs mq.listen() until stop() is called; stop() resolves once listen() has returned. */
function startListening(mq: PostgresMessageQueue, handler: (message: unknown) => Promise<void> | void) {
  const controller = new AbortController();
  const listening = mq.listen(handler, { signal: controller.signal });
  return {
    async stop() {
      controller.abort();
      await listening;
    },
  };
}

// Conformance on both engines Plenum runs on: PostgreSQL (when the run has a server) and PGlite.
const engines: Array<"postgres" | "embedded"> = postgresAvailable() ? ["postgres", "embedded"] : ["embedded"];

describe.each(engines)("Fedify's MessageQueue conformance suite on %s", (kind) => {
  // The suite has about 8 s of fixed sleeps and waits up to 15-30 s per step when something is
  // wrong; Jest's default 30 s would cut a slow but correct run short.
  const SUITE_TIMEOUT_MS = 90_000;

  test(
    "passes with two consumers",
    async () => {
      const engineDatabase = kind === database.kind ? database : await createTestDatabase({ kind });
      const queue = freshQueue();
      // Two pools on one database behave like two worker processes. Embedded PGlite belongs to
      // this process and has a single connection, so there both queues share it.
      const extraPools: DatabaseHandle[] = [];
      try {
        await testMessageQueue(
          async () => {
            if (engineDatabase.url === null) return new PostgresMessageQueue(engineDatabase.db, queue);
            const handle = await openDatabase({ kind: "postgres", url: engineDatabase.url });
            extraPools.push(handle);
            return new PostgresMessageQueue(handle.db, queue);
          },
          async ({ controller }) => {
            controller.abort();
            await Promise.all(extraPools.map((handle) => handle.close()));
          },
          { testOrderingKey: true },
        );
        // testMessageQueue throws on any failure; reaching this line is the pass.
        expect(await new PostgresMessageQueue(engineDatabase.db, queue).getDepth()).toEqual({
          queued: 0,
          ready: 0,
          delayed: 0,
        });
      } finally {
        if (engineDatabase !== database) await engineDatabase.close();
      }
    },
    SUITE_TIMEOUT_MS,
  );
});

describe("PostgresMessageQueue", () => {
  test("retries a message whose handler threw, before later messages with its ordering key", async () => {
    const mq = new PostgresMessageQueue(database.db, freshQueue());
    await mq.enqueue({ n: 1 }, { orderingKey: "actor-1" });
    await mq.enqueue({ n: 2 }, { orderingKey: "actor-1" });
    const attempts: string[] = [];
    const listener = startListening(mq, (message) => {
      const { n } = message as { n: number };
      const failing = n === 1 && !attempts.includes("1 failed");
      attempts.push(failing ? "1 failed" : `${n} done`);
      if (failing) throw new Error("remote server unavailable");
    });
    try {
      await waitUntil(() => attempts.length >= 3, "the failed message to be retried and the next one handled");
    } finally {
      await listener.stop();
    }
    expect(attempts).toEqual(["1 failed", "1 done", "2 done"]);
    expect((await mq.getDepth()).queued).toBe(0);
  });

  test("keeps a failed message, with its error, until the retry", async () => {
    const queue = freshQueue();
    const mq = new PostgresMessageQueue(database.db, queue);
    await mq.enqueue({ n: 1 });
    let calls = 0;
    const listener = startListening(mq, () => {
      calls += 1;
      throw new Error("remote server unavailable");
    });
    try {
      await waitUntil(() => calls >= 1, "the handler to run");
    } finally {
      await listener.stop();
    }
    const rows = await database.db
      .selectFrom("queue_messages")
      .select(["message", "attempts", "last_error"])
      .where("queue", "=", queue)
      .execute();
    expect(rows).toEqual([
      { message: { n: 1 }, attempts: calls, last_error: expect.stringContaining("remote server unavailable") },
    ]);
  });

  test("does not hand a leased message to a second consumer", async () => {
    const queue = freshQueue();
    const mq = new PostgresMessageQueue(database.db, queue);
    await mq.enqueue({ n: 1 });
    // A lease far longer than this test, so the second claim cannot race its expiry.
    const leaseMs = 10 * 60_000;
    expect(await claimMessage(database.db, queue, leaseMs)).toMatchObject({ message: { n: 1 }, attempts: 1 });
    expect(await claimMessage(database.db, queue, leaseMs)).toBeNull();
    expect((await mq.getDepth()).queued).toBe(1);
  });

  test("gives a message back when its consumer died, once the lease ran out", async () => {
    const queue = freshQueue();
    const mq = new PostgresMessageQueue(database.db, queue);
    await mq.enqueue({ n: 1 });
    // The "dead" consumer claims the message and never completes or releases it.
    const leaseMs = 300;
    expect(await claimMessage(database.db, queue, leaseMs)).toMatchObject({ message: { n: 1 } });
    const received: unknown[] = [];
    const listener = startListening(mq, (message) => {
      received.push(message);
    });
    try {
      await waitUntil(() => received.length >= 1, "the message to come back after its lease");
    } finally {
      await listener.stop();
    }
    expect(received).toEqual([{ n: 1 }]);
    expect((await mq.getDepth()).queued).toBe(0);
  });

  test("keeps consuming after the database failed for a while", async () => {
    // Its own database: the queue table disappears for a moment, which would upset other tests.
    const own = await createTestDatabase();
    const mq = new PostgresMessageQueue(own.db, freshQueue());
    const received: unknown[] = [];
    const listener = startListening(mq, (message) => {
      received.push(message);
    });
    try {
      await sql`alter table queue_messages rename to queue_messages_away`.execute(own.db);
      // Claims now fail; give the consumer time to hit the error at least once.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await sql`alter table queue_messages_away rename to queue_messages`.execute(own.db);
      await mq.enqueue({ n: 1 });
      await waitUntil(() => received.length >= 1, "the consumer to recover and take the message");
    } finally {
      await listener.stop();
      await own.close();
    }
    expect(received).toEqual([{ n: 1 }]);
  });

  test("listen() resolves after an abort only once the message in hand is finished", async () => {
    const mq = new PostgresMessageQueue(database.db, freshQueue());
    await mq.enqueue({ n: 1 });
    const events: string[] = [];
    let finishHandler = () => {};
    const handlerMayFinish = new Promise<void>((resolve) => {
      finishHandler = resolve;
    });
    const controller = new AbortController();
    const listening = mq
      .listen(
        async () => {
          events.push("handler started");
          await handlerMayFinish;
          events.push("handler finished");
        },
        { signal: controller.signal },
      )
      .then(() => events.push("listen resolved"));
    await waitUntil(() => events.includes("handler started"), "the handler to start");
    controller.abort();
    // Give a wrongly early resolution time to happen (several idle-poll periods of 200 ms) before
    // letting the handler finish; the order of events below is the assertion.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    finishHandler();
    await listening;
    expect(events).toEqual(["handler started", "handler finished", "listen resolved"]);
    // Finished, not abandoned: the message is gone rather than waiting for a retry.
    expect((await mq.getDepth()).queued).toBe(0);
  });

  test("getDepth() counts queued, ready and delayed messages", async () => {
    const mq = new PostgresMessageQueue(database.db, freshQueue());
    expect(await mq.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
    await mq.enqueueMany([{ n: 1 }, { n: 2 }]);
    await mq.enqueue({ n: 3 }, { delay: duration({ hours: 1 }) });
    expect(await mq.getDepth()).toEqual({ queued: 3, ready: 2, delayed: 1 });
    // Another queue's messages are not counted.
    await new PostgresMessageQueue(database.db, freshQueue()).enqueue({ n: 4 });
    expect(await mq.getDepth()).toEqual({ queued: 3, ready: 2, delayed: 1 });
  });
});
