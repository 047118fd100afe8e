// Delivery you can trust: each delivery's outcome is recorded per receiving server (a capture
// server answering 500 fails, one answering 202 succeeds), a server failing for long enough is
// dead and skipped until its probe, a success revives it, and the admin sees it all in the API.
// Then a community's fan-out to three real instances survives its worker process being killed.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type Db,
  ensureInstance,
  findCommunityByApId,
  findFollow,
  findLocalPersonByName,
  upsertFollow,
  upsertRemotePerson,
} from "@plenum/core";
import { sql } from "kysely";
import type { LemmyHttp } from "lemmy-js-client";
import { type CaptureServer, startCaptureServer } from "../support/capture.ts";
import { postgresAvailable } from "../support/database.ts";
import { INSTANCE_PASSWORD, startInstance, type TestInstance, type WorkerProcess } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

interface ApiServer {
  host: string;
  last_success?: string;
  last_failure?: string;
  last_error?: string;
  consecutive_failures: number;
  total_successes: number;
  total_failures: number;
  skipped: number;
  backlog: number;
  dead: boolean;
  dead_since?: string;
  next_probe?: string;
}

const hostOf = (server: CaptureServer) => new URL(server.origin).host;

/** Makes a capture server's actor follow the lobby of `instance` (stored as if its Follow had come). */
async function captureFollows(db: Db, lobbyId: string, server: CaptureServer, name: string): Promise<void> {
  const instanceId = await ensureInstance(db, hostOf(server));
  const person = await upsertRemotePerson(db, {
    ap_id: `${server.origin}/u/${name}`,
    instance_id: instanceId,
    name,
    inbox_url: `${server.origin}/u/${name}/inbox`,
    shared_inbox_url: `${server.origin}/inbox`,
  });
  await upsertFollow(db, {
    communityId: lobbyId,
    personId: person.id,
    state: "accepted",
    followActivityId: `${server.origin}/follow/${name}`,
  });
}

async function deliveryHealth(instance: TestInstance, jwt: string): Promise<ApiServer[]> {
  const response = await fetch(`${instance.origin}/api/v3/admin/federation/delivery`, {
    headers: { authorization: `Bearer ${jwt}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { instances: ApiServer[] }).instances;
}

async function serverHealth(
  instance: TestInstance,
  jwt: string,
  server: CaptureServer,
): Promise<ApiServer | undefined> {
  return (await deliveryHealth(instance, jwt)).find((entry) => entry.host === hostOf(server));
}

/** A login token for a user of `instance` (all test users share one password). */
async function jwtFor(instance: TestInstance, name: string): Promise<string> {
  const { jwt } = await instance.client().login({ username_or_email: name, password: INSTANCE_PASSWORD });
  if (!jwt) throw new Error(`no token for ${name}`);
  return jwt;
}

describe("delivery health per receiving server", () => {
  let a: TestInstance;
  let good: CaptureServer;
  let failing: CaptureServer;
  let alice: LemmyHttp;
  let adminJwt: string;
  let lobbyId: number;

  beforeAll(async () => {
    [a, good, failing] = await Promise.all([startInstance(), startCaptureServer(), startCaptureServer()]);
    alice = await a.user("alice", { admin: true });
    adminJwt = await jwtFor(a, "alice");
    lobbyId = (await alice.createCommunity({ name: "lobby", title: "Lobby" })).community_view.community.id;
    const db = a.runtime.database.db;
    await captureFollows(db, String(lobbyId), good, "g");
    await captureFollows(db, String(lobbyId), failing, "f");
    failing.answerWith(500);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), good?.close(), failing?.close()]);
  });

  test("a success and a failure are recorded per server, with the backlog of the failing one", async () => {
    await alice.createPost({ community_id: lobbyId, name: "Health check" });
    await waitUntil(async () => (await serverHealth(a, adminJwt, good))?.total_successes === 2, "2 deliveries to good");
    const ok = await serverHealth(a, adminJwt, good);
    expect(ok).toMatchObject({ consecutive_failures: 0, total_failures: 0, dead: false, backlog: 0 });
    expect(Date.parse(ok?.last_success ?? "")).not.toBeNaN();
    expect(ok?.last_failure).toBeUndefined();

    await waitUntil(
      async () => ((await serverHealth(a, adminJwt, failing))?.consecutive_failures ?? 0) >= 2,
      "two failed deliveries to the failing server",
    );
    const bad = await serverHealth(a, adminJwt, failing);
    expect(bad).toMatchObject({ total_successes: 0, dead: false, last_error: "HTTP 500" });
    expect(bad?.last_success).toBeUndefined();
    expect(Date.parse(bad?.last_failure ?? "")).not.toBeNaN();
    // Fedify put the failed deliveries back for a retry: both announces are still queued for it.
    expect(bad?.backlog).toBe(2);
    expect(failing.at("/inbox").length).toBeGreaterThanOrEqual(2);
  });

  test("when the server answers again, the retries succeed and its failures in a row end", async () => {
    failing.answerWith(202);
    await waitUntil(async () => (await serverHealth(a, adminJwt, failing))?.backlog === 0, "the retries to be sent");
    const recovered = await serverHealth(a, adminJwt, failing);
    expect(recovered).toMatchObject({ consecutive_failures: 0, total_successes: 2, dead: false });
    expect(recovered?.total_failures).toBeGreaterThanOrEqual(2);
    const titles = failing.at("/inbox").map((activity) => activity.type);
    expect(titles.filter((type) => type === "Announce").length).toBeGreaterThanOrEqual(4);
  });

  test("only admins get the delivery health", async () => {
    await a.user("bob");
    const asBob = await fetch(`${a.origin}/api/v3/admin/federation/delivery`, {
      headers: { authorization: `Bearer ${await jwtFor(a, "bob")}` },
    });
    expect(asBob.status).toBe(403);
    expect(await asBob.json()).toEqual({ error: "not_an_admin" });
    const anonymous = await fetch(`${a.origin}/api/v3/admin/federation/delivery`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "not_logged_in" });
  });

  test("the admin page lists the servers; others are refused", async () => {
    const page = await fetch(`${a.origin}/admin/delivery`, { headers: { cookie: `jwt=${adminJwt}` } });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain(`<th scope="row">${hostOf(good)}</th>`);
    expect(body).toContain(`<th scope="row">${hostOf(failing)}</th>`);
    expect(body).toContain("HTTP 500");
    const asBob = await fetch(`${a.origin}/admin/delivery`, { headers: { cookie: `jwt=${await jwtFor(a, "bob")}` } });
    expect(asBob.status).toBe(403);
  });
});

describe("a dead server", () => {
  let a: TestInstance;
  let up: CaptureServer;
  let down: CaptureServer;
  let alice: LemmyHttp;
  let adminJwt: string;
  let lobbyId: number;

  const announcesOf = (server: CaptureServer, title: string) =>
    server
      .at("/inbox")
      .filter((activity) => JSON.stringify(activity).includes(`"name":"${title}"`) && activity.type === "Announce");

  beforeAll(async () => {
    // Dead at its first failure (0 s of failing suffices), probed hourly: the test moves the probe.
    [a, up, down] = await Promise.all([
      startInstance({ env: { PLENUM_DEAD_SERVER_AFTER_SECONDS: "0", PLENUM_DEAD_SERVER_PROBE_SECONDS: "3600" } }),
      startCaptureServer(),
      startCaptureServer(),
    ]);
    alice = await a.user("alice", { admin: true });
    adminJwt = await jwtFor(a, "alice");
    lobbyId = (await alice.createCommunity({ name: "lobby", title: "Lobby" })).community_view.community.id;
    const db = a.runtime.database.db;
    await captureFollows(db, String(lobbyId), up, "u");
    await captureFollows(db, String(lobbyId), down, "d");
    down.answerWith(500);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), up?.close(), down?.close()]);
  });

  test("is marked dead, and later deliveries to it are neither queued nor sent, without holding up others", async () => {
    await alice.createPost({ community_id: lobbyId, name: "Before" });
    await waitUntil(
      async () => (await serverHealth(a, adminJwt, down))?.dead === true,
      "the failing server to be dead",
    );
    // Fedify's retries of what was queued before are skipped when they come due.
    await waitUntil(async () => (await serverHealth(a, adminJwt, down))?.backlog === 0, "the retries to be skipped");
    const attemptsWhenDead = down.requests.length;
    const dead = await serverHealth(a, adminJwt, down);
    expect(Date.parse(dead?.dead_since ?? "")).not.toBeNaN();
    expect(Date.parse(dead?.next_probe ?? "")).toBeGreaterThan(Date.now() + 30 * 60_000);

    await alice.createPost({ community_id: lobbyId, name: "While dead" });
    await waitUntil(async () => announcesOf(up, "While dead").length === 2, "the live server to get both announces");
    const after = await serverHealth(a, adminJwt, down);
    expect(after?.backlog).toBe(0);
    expect(after?.skipped).toBeGreaterThanOrEqual(2);
    expect(down.requests.length).toBe(attemptsWhenDead);
    const queued = await sql<{ count: string }>`
      select count(*) from queue_messages where message->>'inbox' like ${`${down.origin}/%`}`.execute(
      a.runtime.database.db,
    );
    expect(Number(queued.rows[0]?.count)).toBe(0);
  });

  test("is probed when its retry time comes, and a success brings it back", async () => {
    down.answerWith(202);
    // The hour passes: the probe is due now.
    await sql`update delivery_health set next_probe_at = now() where host = ${hostOf(down)}`.execute(
      a.runtime.database.db,
    );
    await alice.createPost({ community_id: lobbyId, name: "Probe" });
    await waitUntil(
      async () => (await serverHealth(a, adminJwt, down))?.dead === false,
      "the server to be alive again",
    );
    const revived = await serverHealth(a, adminJwt, down);
    expect(revived).toMatchObject({ consecutive_failures: 0, dead: false });
    expect(revived?.dead_since).toBeUndefined();
    expect(revived?.total_successes).toBeGreaterThanOrEqual(1);
    // The probe went through; a delivery skipped while it was in hand is lost, as any to a dead server.
    expect(announcesOf(down, "Probe").length).toBeGreaterThanOrEqual(1);
    await alice.createPost({ community_id: lobbyId, name: "Alive again" });
    await waitUntil(
      async () => announcesOf(down, "Alive again").length === 2,
      "the revived server to get both announces",
    );
    expect((await serverHealth(a, adminJwt, down))?.dead).toBe(false);
  });
});

describe("a server that never answers", () => {
  let a: TestInstance;
  let fast: CaptureServer;
  let hanging: CaptureServer;
  let alice: LemmyHttp;

  beforeAll(async () => {
    [a, fast, hanging] = await Promise.all([startInstance(), startCaptureServer(), startCaptureServer()]);
    alice = await a.user("alice", { admin: true });
    const lobbyId = (await alice.createCommunity({ name: "lobby", title: "Lobby" })).community_view.community.id;
    const db = a.runtime.database.db;
    // The hanging server's follower comes first, so its deliveries are queued first.
    await captureFollows(db, String(lobbyId), hanging, "h");
    await captureFollows(db, String(lobbyId), fast, "f");
    hanging.answerWith("never");
    await alice.createPost({ community_id: lobbyId, name: "Anyone there?" });
  });

  afterAll(async () => {
    // Closing the hanging server ends the open request, so the worker can stop.
    await hanging?.close();
    await Promise.all([a?.stop(), fast?.close()]);
  });

  test("holds up only its own deliveries", async () => {
    await waitUntil(() => hanging.requests.length >= 1, "the hanging server to be sent to");
    await waitUntil(() => fast.at("/inbox").length === 2, "the other server to get both announces");
    // The hanging server got its first delivery and is still on it: the second waits behind it.
    expect(hanging.requests.length).toBe(1);
  });
});

// The worker runs as a separate process, which needs PostgreSQL (PGlite lives in this process).
const describeWithServer = postgresAvailable() ? describe : describe.skip;

describeWithServer("a fan-out whose worker is killed", () => {
  let a: TestInstance;
  let followers: TestInstance[];
  let worker: WorkerProcess | null = null;
  let alice: LemmyHttp;
  let lobbyUrl: string;

  beforeAll(async () => {
    // A short lease, so what the killed worker held comes back within the test (5 min otherwise).
    a = await startInstance({ worker: false, env: { PLENUM_QUEUE_LEASE_SECONDS: "2" } });
    worker = a.startWorkerProcess();
    followers = await Promise.all([startInstance(), startInstance(), startInstance()]);
    alice = await a.user("alice", { admin: true });
    await alice.createCommunity({ name: "lobby", title: "Lobby" });
    lobbyUrl = `${a.origin}/c/lobby`;
    await Promise.all(
      followers.map(async (instance, index) => {
        const name = `follower${index}`;
        await instance.user(name);
        await instance.admin("follow", name, lobbyUrl);
        const db = instance.runtime.database.db;
        const person = await findLocalPersonByName(db, name);
        const community = await findCommunityByApId(db, lobbyUrl);
        if (!person || !community) throw new Error("follow did not store the community");
        await waitUntil(
          async () => (await findFollow(db, community.id, person.id))?.state === "accepted",
          `${name}'s follow to be accepted (worker output: ${worker?.output()})`,
        );
      }),
    );
  });

  afterAll(async () => {
    await worker?.kill();
    await Promise.all([a?.stop(), ...(followers ?? []).map((instance) => instance?.stop())]);
  });

  test("every follower instance has the post exactly once after a SIGKILL and a restart", async () => {
    const db = a.runtime.database.db;
    const [unreachable] = followers.slice(-1);
    if (!unreachable) throw new Error("no followers");
    // One follower's server is down, so its delivery is certainly still pending at the kill.
    await unreachable.app.close();
    const { post_view } = await alice.createPost({
      community_id: Number((await findCommunityByApId(db, lobbyUrl))?.id),
      name: "Fan-out",
    });
    const postUrl = post_view.post.ap_id;
    const outboxFor = async (origin: string) => {
      const result = await sql<{ count: string }>`
        select count(*) from queue_messages
        where message->>'type' = 'outbox' and message->>'inbox' like ${`${origin}/%`}`.execute(db);
      return Number(result.rows[0]?.count);
    };
    await waitUntil(async () => (await outboxFor(unreachable.origin)) > 0, "the fan-out to be queued");
    await worker?.kill();
    expect(worker?.child.signalCode).toBe("SIGKILL");
    // Nothing more happens without a worker: the unreachable server's deliveries wait in the queue.
    expect(await outboxFor(unreachable.origin)).toBeGreaterThan(0);

    await unreachable.restart();
    worker = a.startWorkerProcess();
    for (const instance of followers) {
      const count = async () => {
        const result = await sql<{ count: string }>`select count(*) from posts where ap_id = ${postUrl}`.execute(
          instance.runtime.database.db,
        );
        return Number(result.rows[0]?.count);
      };
      await waitUntil(async () => (await count()) === 1, `${instance.origin} to have the post`, 25_000);
    }
    // Everything queued was handled (nothing lost, nothing left), and a second look still finds one copy each.
    await waitUntil(async () => (await outboxFor("http")) === 0, "the queue to drain", 25_000);
    for (const instance of followers) {
      const result = await sql<{ count: string }>`select count(*) from posts where ap_id = ${postUrl}`.execute(
        instance.runtime.database.db,
      );
      expect(Number(result.rows[0]?.count)).toBe(1);
    }
  }, 60_000);
});
