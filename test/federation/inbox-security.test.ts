// Hostile or broken deliveries to a real instance's inbox, each refused without a trace: a forged
// signature, a signer who is not the actor, content claiming to live on another server, a
// replayed activity, an oversized body and an `audience` naming another community. Activities
// are signed here with a real person's key from instance B, as B itself would sign them.

import { generateCryptoKeyPair, importJwk, signRequest } from "@fedify/fedify";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Db, findCommunityByApId, findKeyPairs, findLocalPersonByName, findPostByApId } from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

const AP = "application/activity+json";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
type Json = Record<string, unknown>;

describe("the inbox refuses what it must", () => {
  let a: TestInstance;
  let b: TestInstance;
  let alice: LemmyHttp;
  let lobbyUrl: string;
  let otherUrl: string;
  let bobUrl: string;
  let bobKey: CryptoKey;
  let alicePostUrl: string;
  let n = 0;

  const aDb = (): Db => a.runtime.database.db;

  /** POSTs an activity to A's shared inbox, signed (draft-cavage, as Lemmy and Mastodon do). */
  async function deliver(
    activity: Json,
    signer: { keyId: string; key: CryptoKey } = { keyId: `${bobUrl}#main-key`, key: bobKey },
  ) {
    const body = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", ...activity });
    const request = new Request(`${a.origin}/inbox`, { method: "POST", headers: { "content-type": AP }, body });
    const signed = await signRequest(request, signer.key, new URL(signer.keyId), {
      spec: "draft-cavage-http-signatures-12",
    });
    return fetch(signed);
  }

  /** Waits until A has handled everything delivered to it. */
  async function settled(): Promise<void> {
    await waitUntil(async () => {
      const left = await aDb().selectFrom("queue_messages").select("id").execute();
      return left.length === 0;
    }, "A's queues to drain");
  }

  /** A Page by bob in the lobby, in a Create; `change` alters it. */
  function createPage(change: (activity: Json, page: Json) => void = () => {}): Json {
    n += 1;
    const page: Json = {
      id: `${b.origin}/post/forged-${n}`,
      type: "Page",
      attributedTo: bobUrl,
      to: [lobbyUrl, PUBLIC],
      audience: lobbyUrl,
      name: `Forged ${n}`,
      published: new Date().toISOString(),
    };
    const activity: Json = {
      id: `${b.origin}/activities/create/forged-${n}`,
      type: "Create",
      actor: bobUrl,
      to: [lobbyUrl, PUBLIC],
      audience: lobbyUrl,
      object: page,
    };
    change(activity, page);
    return activity;
  }

  async function received(id: string): Promise<boolean> {
    const row = await aDb()
      .selectFrom("received_activities")
      .select("ap_id")
      .where("ap_id", "=", id)
      .executeTakeFirst();
    return row !== undefined;
  }

  async function alicePost() {
    const post = await findPostByApId(aDb(), alicePostUrl);
    if (!post) throw new Error("alice's post is missing");
    return post;
  }

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    alice = await a.user("alice", { admin: true });
    await alice.createCommunity({ name: "lobby", title: "Lobby" });
    await alice.createCommunity({ name: "other", title: "Another community" });
    lobbyUrl = `${a.origin}/c/lobby`;
    otherUrl = `${a.origin}/c/other`;
    await b.admin("create-user", "bob", "--password", "correct horse battery");
    await b.admin("create-user", "dave", "--password", "correct horse battery");
    await b.admin("follow", "bob", lobbyUrl);
    bobUrl = `${b.origin}/u/bob`;
    const bob = await findLocalPersonByName(b.runtime.database.db, "bob");
    if (!bob) throw new Error("no bob");
    const [rsa] = await findKeyPairs(b.runtime.database.db, { personId: bob.id });
    if (!rsa) throw new Error("bob has no key");
    bobKey = await importJwk(rsa.privateKey, "private");
    const lobby = await findCommunityByApId(aDb(), lobbyUrl);
    const post = await alice.createPost({ community_id: Number(lobby?.id), name: "Vote on me" });
    alicePostUrl = post.post_view.post.ap_id;
    await settled();
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test("a well-formed Create from bob is taken in (the control case)", async () => {
    const activity = createPage();
    expect((await deliver(activity)).status).toBe(202);
    await settled();
    expect(await findPostByApId(aDb(), String((activity.object as Json).id))).toMatchObject({ local: false });
  });

  test("a forged signature (bob's key id, another key) is refused with 401", async () => {
    const forger = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const activity = createPage();
    const response = await deliver(activity, { keyId: `${bobUrl}#main-key`, key: forger.privateKey });
    expect(response.status).toBe(401);
    await settled();
    expect(await findPostByApId(aDb(), String((activity.object as Json).id))).toBeUndefined();
    expect(await received(String(activity.id))).toBe(false);
  });

  test("an activity whose actor is not its signer is refused with 401", async () => {
    const daveUrl = `${b.origin}/u/dave`;
    const activity = createPage((create, page) => {
      create.actor = daveUrl;
      page.attributedTo = daveUrl;
    });
    expect((await deliver(activity)).status).toBe(401);
    await settled();
    expect(await findPostByApId(aDb(), String((activity.object as Json).id))).toBeUndefined();
  });

  test("content claiming to live on another server is dropped", async () => {
    const activity = createPage((_create, page) => {
      page.id = `http://127.0.0.1:9/post/${n}`;
    });
    expect((await deliver(activity)).status).toBe(202);
    await settled();
    expect(await findPostByApId(aDb(), `http://127.0.0.1:9/post/${n}`)).toBeUndefined();
    expect(await received(String(activity.id))).toBe(false);
  });

  test("an `audience` naming another community is dropped", async () => {
    const activity = createPage((create, page) => {
      create.audience = otherUrl;
      page.audience = otherUrl;
    });
    expect((await deliver(activity)).status).toBe(202);
    await settled();
    expect(await findPostByApId(aDb(), String((activity.object as Json).id))).toBeUndefined();
  });

  test("a replayed vote counts once while it stands; after its Undo the same id is a new vote", async () => {
    const like = { id: `${b.origin}/activities/like/replayed`, type: "Like", actor: bobUrl, object: alicePostUrl };
    expect((await deliver(like)).status).toBe(202);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 2, upvotes: 2 });
    // The same activity again: answered 2xx, changes nothing.
    const again = await deliver(like);
    expect(again.status).toBeGreaterThanOrEqual(200);
    expect(again.status).toBeLessThan(300);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 2, upvotes: 2 });
    const undo = { id: `${b.origin}/activities/undo/replayed`, type: "Undo", actor: bobUrl, object: like };
    expect((await deliver(undo)).status).toBe(202);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 1, upvotes: 1 });
    // The Undo again: there is no vote left to take back.
    await deliver(undo);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 1, upvotes: 1 });
    // Servers reuse a Like's id when the same person likes again after undoing (Mastodon derives
    // ids from its records), so after an applied Undo the id counts again (docs/federation.md).
    await deliver(like);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 2, upvotes: 2 });
    await deliver(like);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 2, upvotes: 2 });
    await deliver(undo);
    await settled();
    expect(await alicePost()).toMatchObject({ score: 1, upvotes: 1 });
  });

  test("a body over 1 MiB is refused with 413 before it is read", async () => {
    const activity = createPage((_create, page) => {
      page.content = "x".repeat(1024 * 1024 + 1);
    });
    const response = await deliver(activity);
    expect(response.status).toBe(413);
    await settled();
    expect(await findPostByApId(aDb(), String((activity.object as Json).id))).toBeUndefined();
  });
});
