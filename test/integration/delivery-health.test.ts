// The delivery-health rules on a real database: failures in a row, Lemmy's dead-server rule with
// its probe (one at a time), 4xx answers proving a server up, skipping at enqueue, and the backlog.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type DeadServerPolicy,
  enqueueMessages,
  listDeliveryHealth,
  recordDeliveryFailure,
  recordDeliverySuccess,
  skipDeadHosts,
  takeDeliveryPermit,
} from "@plenum/core";
import { getDeliveryHealth } from "@plenum/federation";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const HOUR_MS = 3600_000;
const threeDays: DeadServerPolicy = { deadAfterMs: 72 * HOUR_MS, probeIntervalMs: HOUR_MS };
const down = { error: "fetch failed (ECONNREFUSED)", reachable: false };

let database: TestDatabase;
const db = () => database.db;

/** The stored record of one host. */
async function recordOf(host: string) {
  return (await listDeliveryHealth(db())).find((record) => record.host === host);
}

/** Moves the start of a host's run of failures into the past (time passing, without waiting). */
async function failingFor(host: string, hours: number) {
  await sql`update delivery_health set failing_since = now() - ${`${hours} hours`}::interval where host = ${host}`.execute(
    db(),
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe("failures and the dead-server rule", () => {
  test("failures count in a row; a server is dead only once it has failed for the whole period", async () => {
    const host = "flaky.example";
    await recordDeliveryFailure(db(), host, down, threeDays);
    await recordDeliveryFailure(db(), host, { error: "HTTP 503", reachable: false }, threeDays);
    expect(await recordOf(host)).toMatchObject({
      consecutiveFailures: 2,
      totalFailures: 2,
      lastError: "HTTP 503",
      deadSince: null,
      nextProbeAt: null,
    });
    await failingFor(host, 71);
    await recordDeliveryFailure(db(), host, down, threeDays);
    expect((await recordOf(host))?.deadSince).toBeNull();
    await failingFor(host, 72);
    await recordDeliveryFailure(db(), host, down, threeDays);
    const dead = await recordOf(host);
    expect(dead?.deadSince).toBeInstanceOf(Date);
    // The first probe is an hour after death.
    const probeIn = (dead?.nextProbeAt?.getTime() ?? 0) - (dead?.deadSince?.getTime() ?? 0);
    expect(probeIn).toBe(HOUR_MS);
    expect(dead?.consecutiveFailures).toBe(4);
  });

  test("a success ends the run of failures and brings a dead server back", async () => {
    const host = "flaky.example";
    await recordDeliverySuccess(db(), host);
    expect(await recordOf(host)).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
      deadSince: null,
      nextProbeAt: null,
      totalSuccesses: 1,
      totalFailures: 4,
    });
  });

  test("a 4xx answer is a failure, but the server is up: no run of failures, not dead", async () => {
    const host = "picky.example";
    await recordDeliveryFailure(db(), host, down, { deadAfterMs: 0, probeIntervalMs: HOUR_MS });
    expect((await recordOf(host))?.deadSince).toBeInstanceOf(Date);
    await recordDeliveryFailure(db(), host, { error: "HTTP 410", reachable: true }, threeDays);
    expect(await recordOf(host)).toMatchObject({
      consecutiveFailures: 0,
      totalFailures: 2,
      lastError: "HTTP 410",
      deadSince: null,
    });
  });

  test("long errors are cut to a short one", async () => {
    await recordDeliveryFailure(db(), "wordy.example", { error: "x".repeat(5000), reachable: false }, threeDays);
    expect((await recordOf("wordy.example"))?.lastError).toHaveLength(300);
  });
});

describe("permits for a dead server", () => {
  const host = "gone.example";
  const instantDeath: DeadServerPolicy = { deadAfterMs: 0, probeIntervalMs: HOUR_MS };

  beforeAll(async () => {
    await recordDeliveryFailure(db(), host, down, instantDeath);
  });

  test("a live server is sent to; a dead one is skipped, counted, and left out when queueing", async () => {
    expect(await takeDeliveryPermit(db(), "alive.example", instantDeath)).toBe("send");
    expect(await takeDeliveryPermit(db(), host, instantDeath)).toBe("skip");
    expect([...(await skipDeadHosts(db(), [host, "alive.example", host]))]).toEqual([host]);
    expect((await recordOf(host))?.skippedDeliveries).toBe(2);
  });

  test("when its probe is due, one delivery of several at once goes through; the next probe moves ahead", async () => {
    await sql`update delivery_health set next_probe_at = now() where host = ${host}`.execute(db());
    // Due now, so queueing it is allowed again.
    expect((await skipDeadHosts(db(), [host])).size).toBe(0);
    const permits = await Promise.all([1, 2, 3, 4].map(() => takeDeliveryPermit(db(), host, instantDeath)));
    expect(permits.filter((permit) => permit === "probe")).toHaveLength(1);
    expect(permits.filter((permit) => permit === "skip")).toHaveLength(3);
    const after = await recordOf(host);
    expect((after?.nextProbeAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(HOUR_MS - 60_000);
  });
});

describe("the backlog", () => {
  test("counts queued outbox messages per receiving host, whatever their queue, and lists hosts never tried", async () => {
    const outbox = (inbox: string) => ({ type: "outbox", id: crypto.randomUUID(), inbox });
    await enqueueMessages(db(), "fedify_outbox", [
      outbox("https://queued.example/inbox"),
      outbox("https://queued.example/u/x/inbox"),
      outbox("https://Flaky.example/inbox"),
    ]);
    await enqueueMessages(db(), "fedify", [outbox("https://queued.example:8443/inbox"), { type: "inbox" }]);
    const health = await getDeliveryHealth(db());
    const backlogOf = (host: string) => health.find((view) => view.host === host)?.backlog;
    expect(backlogOf("queued.example")).toBe(2);
    expect(backlogOf("queued.example:8443")).toBe(1);
    expect(backlogOf("flaky.example")).toBe(1);
    expect(backlogOf("alive.example")).toBeUndefined();
    expect(health.find((view) => view.host === "queued.example")).toMatchObject({ totalSuccesses: 0, dead: false });
    expect(health.map((view) => view.host)).toEqual([...health.map((view) => view.host)].sort());
  });
});
