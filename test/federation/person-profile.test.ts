// A person's own profile across two real instances on loopback: a community on A (the lobby),
// followed by bob on B; alice, on A, posts there.
//   - alice edits her profile on A: B, which follows her community, gets Update(Person) and
//     shows her new name, bio, avatar and pronouns. bob edits his on B: A, whose community he
//     follows, gets it too.
//   - bob deletes his account on B (password confirmed): A gets Delete(Person), marks him deleted
//     and, as he asked, deletes his post there; his actor answers 410 on B.
//   - forged ones, signed here with bob's real key as B would sign them, change nothing: an
//     Update moving his inbox to another host or changing his key, an Update of someone else, and
//     an unverifiable Delete of a person whose server says they still exist.
//   - cleo is gone from B without a word (her actor answers 410): an unverifiable Delete of her is
//     applied once B confirms, but not its removeData.
import { generateCryptoKeyPair, importJwk, signRequest } from "@fedify/fedify";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  findCommunityByApId,
  findFollow,
  findKeyPairs,
  findLocalPersonByName,
  findPersonByApId,
  findPostByApId,
} from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { dbOf, INSTANCE_PASSWORD, startInstance, type TestInstance } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

describe("profile edits and account deletion between A and B", () => {
  let a: TestInstance;
  let b: TestInstance;
  let alice: LemmyHttp;
  let bob: LemmyHttp;
  let lobbyUrl: string;
  let aliceUrl: string;
  let bobUrl: string;
  let bobPostUrl: string;

  const personOn = async (instance: TestInstance, url: string) => {
    const row = await findPersonByApId(dbOf(instance), url);
    if (!row) throw new Error(`${instance.origin} does not know ${url}`);
    return row;
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance(), startInstance()]);
    [alice, bob] = await Promise.all([a.user("alice", { admin: true }), b.user("bob")]);
    await alice.createCommunity({ name: "lobby", title: "The Lobby" });
    lobbyUrl = `${a.origin}/c/lobby`;
    aliceUrl = `${a.origin}/u/alice`;
    bobUrl = `${b.origin}/u/bob`;
    await b.admin("follow", "bob", lobbyUrl);
    const lobbyOnB = await findCommunityByApId(dbOf(b), lobbyUrl);
    const bobOnB = await findLocalPersonByName(dbOf(b), "bob");
    if (!lobbyOnB || !bobOnB) throw new Error("B does not know the lobby");
    await waitUntil(
      async () => (await findFollow(dbOf(b), lobbyOnB.id, bobOnB.id))?.state === "accepted",
      "bob's follow to be accepted",
    );
    const lobbyOnA = await findCommunityByApId(dbOf(a), lobbyUrl);
    const alicePost = await alice.createPost({ community_id: Number(lobbyOnA?.id), name: "Welcome" });
    await waitUntil(
      async () => (await findPostByApId(dbOf(b), alicePost.post_view.post.ap_id)) !== undefined,
      "alice's post to reach B",
    );
    bobPostUrl = (await bob.createPost({ community_id: Number(lobbyOnB.id), name: "Hi from B" })).post_view.post.ap_id;
    await waitUntil(async () => (await findPostByApId(dbOf(a), bobPostUrl)) !== undefined, "bob's post to reach A");
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test("alice's profile edit on A reaches B, and bob's on B reaches A", async () => {
    const before = await personOn(b, aliceUrl);
    await alice.saveUserSettings({
      display_name: "Alice Liddell",
      bio: "Curious **and** curiouser",
      avatar: "https://images.example/alice.png",
      pronouns: ["she/her"],
    } as Parameters<LemmyHttp["saveUserSettings"]>[0]);
    await waitUntil(
      async () => (await personOn(b, aliceUrl)).display_name === "Alice Liddell",
      "alice's new name to reach B",
    );
    expect(await personOn(b, aliceUrl)).toMatchObject({
      bio: "<p>Curious <strong>and</strong> curiouser</p>\n",
      avatar_url: "https://images.example/alice.png",
      pronouns: ["she/her"],
      // Addresses and key stay as they were.
      inbox_url: before.inbox_url,
      shared_inbox_url: before.shared_inbox_url,
      public_key_pem: before.public_key_pem,
    });

    await bob.saveUserSettings({ display_name: "Bob of B" });
    await waitUntil(async () => (await personOn(a, bobUrl)).display_name === "Bob of B", "bob's new name to reach A");
  });

  /** POSTs an activity to A's shared inbox, signed (draft-cavage) with `key` as `keyId`. */
  async function deliverToA(activity: Record<string, unknown>, keyId: string, key: CryptoKey) {
    const body = JSON.stringify(activity);
    const request = new Request(`${a.origin}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body,
    });
    return fetch(await signRequest(request, key, new URL(keyId), { spec: "draft-cavage-http-signatures-12" }));
  }

  test("forged profile activities change nothing", async () => {
    const bobRow = await findLocalPersonByName(dbOf(b), "bob");
    const [rsa] = await findKeyPairs(dbOf(b), { personId: String(bobRow?.id) });
    const bobKey = await importJwk(rsa?.privateKey as JsonWebKey, "private");
    const served = (await (await fetch(bobUrl, { headers: { accept: "application/activity+json" } })).json()) as Record<
      string,
      unknown
    >;
    const before = await personOn(a, bobUrl);
    const update = (object: Record<string, unknown>, n: number) => ({
      "@context": served["@context"],
      id: `${b.origin}/activities/update/forged-${n}`,
      type: "Update",
      actor: bobUrl,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      object,
    });
    const { "@context": _context, ...person } = served;
    const moved = { ...person, name: "Moved Bob", inbox: "https://elsewhere.example/inbox" };
    expect((await deliverToA(update(moved, 1), `${bobUrl}#main-key`, bobKey)).status).toBeLessThan(300);
    const otherKey = await crypto.subtle.exportKey(
      "spki",
      (await generateCryptoKeyPair("RSASSA-PKCS1-v1_5")).publicKey,
    );
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(otherKey).toString("base64")}\n-----END PUBLIC KEY-----\n`;
    const rekeyed = {
      ...person,
      name: "Rekeyed Bob",
      publicKey: { ...(person.publicKey as Record<string, unknown>), publicKeyPem: pem },
    };
    expect((await deliverToA(update(rekeyed, 2), `${bobUrl}#main-key`, bobKey)).status).toBeLessThan(300);
    const notHim = { ...person, id: aliceUrl, name: "Not alice" };
    expect((await deliverToA(update(notHim, 3), `${bobUrl}#main-key`, bobKey)).status).toBeLessThan(300);
    // A genuine one afterwards is applied: the forged ones were handled (and dropped) before it.
    expect(
      (await deliverToA(update({ ...person, name: "Genuine Bob" }, 4), `${bobUrl}#main-key`, bobKey)).status,
    ).toBeLessThan(300);
    await waitUntil(async () => (await personOn(a, bobUrl)).display_name === "Genuine Bob", "the genuine Update");
    expect(await personOn(a, bobUrl)).toMatchObject({
      inbox_url: before.inbox_url,
      shared_inbox_url: before.shared_inbox_url,
      public_key_pem: before.public_key_pem,
    });
    expect((await personOn(a, aliceUrl)).display_name).toBe("Alice Liddell");

    // A Delete of bob signed with a key nobody publishes cannot be verified, and B says bob exists.
    const stranger = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const deletion = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${b.origin}/activities/delete/forged-5`,
      type: "Delete",
      actor: bobUrl,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      object: bobUrl,
    };
    const refused = await deliverToA(deletion, `${b.origin}/u/nobody#main-key`, stranger.privateKey);
    expect(refused.status).toBe(401);
    expect((await personOn(a, bobUrl)).deleted).toBe(false);
  });

  test("an unverifiable Delete of a person is applied once their server answers 410, without removeData", async () => {
    // cleo, on B, comments in the lobby (so A knows her), then is gone from B without a word.
    const cleo = await b.user("cleo");
    const lobbyOnB = await findCommunityByApId(dbOf(b), lobbyUrl);
    const cleoPostUrl = (await cleo.createPost({ community_id: Number(lobbyOnB?.id), name: "Cleo was here" })).post_view
      .post.ap_id;
    await waitUntil(async () => (await findPostByApId(dbOf(a), cleoPostUrl)) !== undefined, "cleo's post to reach A");
    await dbOf(b).updateTable("persons").set({ deleted: true }).where("name", "=", "cleo").execute();
    const cleoUrl = `${b.origin}/u/cleo`;
    // Signed with a key her (now gone) actor never published: A cannot fetch it.
    const stranger = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const deletion = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${b.origin}/activities/delete/cleo`,
      type: "Delete",
      actor: cleoUrl,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      object: cleoUrl,
      removeData: true,
    };
    const accepted = await deliverToA(deletion, `${cleoUrl}#main-key`, stranger.privateKey);
    expect(accepted.status).toBe(202);
    expect((await personOn(a, cleoUrl)).deleted).toBe(true);
    // The unsigned removeData was not followed.
    expect((await findPostByApId(dbOf(a), cleoPostUrl))?.deleted).toBe(false);
  });

  test("a wrong password deletes nothing; bob's deletion on B reaches A with his content", async () => {
    const { jwt } = await b.client().login({ username_or_email: "bob", password: INSTANCE_PASSWORD });
    const wrong = await fetch(`${b.origin}/api/v3/user/delete_account`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ password: "not the password", delete_content: true }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "incorrect_login" });
    expect((await findLocalPersonByName(dbOf(b), "bob"))?.deleted).toBe(false);

    expect(await bob.deleteAccount({ password: INSTANCE_PASSWORD, delete_content: true })).toMatchObject({
      success: true,
    });
    expect(await findLocalPersonByName(dbOf(b), "bob")).toMatchObject({ deleted: true, display_name: null });
    // Every login ended.
    await expect(bob.validateAuth()).rejects.toThrow();
    // His actor is gone on B.
    const actor = await fetch(bobUrl, { headers: { accept: "application/activity+json" } });
    expect(actor.status).toBe(410);

    await waitUntil(async () => (await personOn(a, bobUrl)).deleted, "bob's deletion to reach A");
    expect(await personOn(a, bobUrl)).toMatchObject({ display_name: null });
    expect((await findPostByApId(dbOf(a), bobPostUrl))?.deleted).toBe(true);
    // alice is untouched.
    expect((await personOn(b, aliceUrl)).deleted).toBe(false);
  });
});
