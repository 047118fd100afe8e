// The first federated slice: a person on instance B follows a community on instance A. Both
// instances are real servers on loopback with their own databases and workers; the Follow and
// the Accept are signed and delivered through each side's durable queue.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  countAcceptedFollowers,
  findCommunityByApId,
  findFollow,
  findLocalPersonByName,
  findPersonByApId,
} from "@plenum/core";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

const AP = "application/activity+json";

describe("following a community on another instance", () => {
  let a: TestInstance;
  let b: TestInstance;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance(), startInstance({ worker: false })]);
    await a.admin("create-user", "alice", "--password", "correct horse battery", "--admin");
    await a.admin("create-community", "lobby", "--title", "The Lobby", "--mod", "alice");
    await b.admin("create-user", "bob", "--password", "correct horse battery");
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test("the Follow is queued, delivered signed, accepted, and recorded on both sides", async () => {
    const communityUrl = `${a.origin}/c/lobby`;
    // B's worker is not running yet: the follow must wait, durably, in B's queue.
    const said = await b.admin("follow", "bob", communityUrl);
    expect(said).toContain("(pending)");
    const bDb = b.runtime.database.db;
    const queued = await bDb.selectFrom("queue_messages").select(["queue", "message"]).execute();
    expect(queued).toEqual([
      expect.objectContaining({
        queue: "events",
        message: expect.objectContaining({ type: "community_follow_requested" }),
      }),
    ]);

    const remoteCommunity = await findCommunityByApId(bDb, communityUrl);
    const bob = await findLocalPersonByName(bDb, "bob");
    if (!remoteCommunity || !bob) throw new Error("B should know the community and bob");
    expect(remoteCommunity.local).toBe(false);
    expect(remoteCommunity.inbox_url).toBe(`${a.origin}/c/lobby/inbox`);
    expect((await findFollow(bDb, remoteCommunity.id, bob.id))?.state).toBe("pending");

    b.startWorker();
    await waitUntil(
      async () => (await findFollow(bDb, remoteCommunity.id, bob.id))?.state === "accepted",
      "B to record the Accept",
    );

    // A knows bob as a remote person and counts him as an accepted follower.
    const aDb = a.runtime.database.db;
    const bobOnA = await findPersonByApId(aDb, `${b.origin}/u/bob`);
    expect(bobOnA).toMatchObject({ local: false, name: "bob", inbox_url: `${b.origin}/u/bob/inbox` });
    const lobby = await findCommunityByApId(aDb, communityUrl);
    if (!lobby || !bobOnA) throw new Error("A should have the community and bob");
    const followOnA = await findFollow(aDb, lobby.id, bobOnA.id);
    expect(followOnA?.state).toBe("accepted");
    // A kept the Follow's id, which its Accept embedded and B matched.
    expect(followOnA?.follow_activity_id).toBe((await findFollow(bDb, remoteCommunity.id, bob.id))?.follow_activity_id);
    expect(await countAcceptedFollowers(aDb, lobby.id)).toBe(1);

    const followers = await fetch(`${communityUrl}/followers`, { headers: { accept: AP } });
    expect(await followers.json()).toMatchObject({ totalItems: 1 });

    // Both queues drain once the work is done.
    await waitUntil(async () => {
      const [left] = await Promise.all([
        aDb.selectFrom("queue_messages").select("id").execute(),
        bDb.selectFrom("queue_messages").select("id").execute(),
      ]);
      return left.length === 0;
    }, "A's queue to drain");
  });

  test("an unsigned Follow is refused and changes nothing", async () => {
    const aDb = a.runtime.database.db;
    const before = await aDb.selectFrom("community_follows").selectAll().execute();
    const response = await fetch(`${a.origin}/c/lobby/inbox`, {
      method: "POST",
      headers: { "content-type": AP },
      body: JSON.stringify({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${b.origin}/activities/follow/forged`,
        type: "Follow",
        actor: `${b.origin}/u/mallory`,
        object: `${a.origin}/c/lobby`,
      }),
    });
    expect(response.status).toBe(401);
    expect(await aDb.selectFrom("community_follows").selectAll().execute()).toEqual(before);
  });

  test("the community's key pair is generated once and survives a restart", async () => {
    const fetchKey = async () => {
      const response = await fetch(`${a.origin}/c/lobby`, { headers: { accept: AP } });
      expect(response.headers.get("content-type")).toBe(AP);
      const actor = (await response.json()) as { publicKey: { publicKeyPem: string } };
      return actor.publicKey.publicKeyPem;
    };
    const first = await fetchKey();
    expect(first).toContain("BEGIN PUBLIC KEY");
    await a.restart();
    expect(await fetchKey()).toBe(first);
    const keyRows = await a.runtime.database.db.selectFrom("actor_key_pairs").select("algorithm").execute();
    // alice and lobby, RSA and Ed25519 each.
    expect(keyRows).toHaveLength(4);
  });
});
