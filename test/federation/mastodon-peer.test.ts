// The Mastodon-like test peer against a real Plenum instance: it finds a community by WebFinger,
// follows it and gets the Accept (signed, verified by the peer), and its favourite, signed as
// Mastodon signs (draft-cavage rsa-sha256, `(request-target)` last), is counted. It reads what
// is announced as Mastodon does (fetched back by id unless the announcer wrote it), and WebFinger
// gives it the person when a person and a community share a name.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findPostByApId } from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { type Json, type MastodonPeer, startMastodonPeer } from "../support/mastodon-peer.ts";
import { waitUntil } from "../support/wait.ts";

describe("the Mastodon-like test peer", () => {
  let a: TestInstance;
  let peer: MastodonPeer;
  let unknown: MastodonPeer | undefined;
  let alice: LemmyHttp;

  beforeAll(async () => {
    [a, peer] = await Promise.all([startInstance(), startMastodonPeer()]);
    alice = await a.user("alice", { admin: true });
    await alice.createCommunity({ name: "lobby", title: "Lobby" });
  });

  afterAll(async () => {
    // The instance first: its worker may still be delivering to the peer.
    await a?.stop();
    await Promise.all([peer?.close(), unknown?.close()]);
  });

  test("follows a community found by WebFinger and records the verified Accept", async () => {
    const mia = peer.account("mia");
    const host = new URL(a.origin).host;
    expect(await peer.webfinger(`lobby@${host}`)).toBe(`${a.origin}/c/lobby`);
    const follow = await peer.follow(mia, `lobby@${host}`);
    await waitUntil(() => follow.accept !== null, "the Accept to reach the peer");
    const accept = peer.received.find((r) => r.activity.type === "Accept");
    expect(accept?.keyId).toMatch(new RegExp(`^${a.origin}/c/lobby#`));
  });

  test("a favourite sent to the author's server counts as an upvote", async () => {
    const community = await alice.getCommunity({ name: "lobby" });
    const created = await alice.createPost({ community_id: community.community_view.community.id, name: "Hello" });
    const postUrl = created.post_view.post.ap_id;
    const max = peer.account("max");
    const sent = await peer.favourite(max, postUrl);
    expect(sent.results.map((r) => r.status)).toEqual([202]);
    await waitUntil(
      async () => (await findPostByApId(a.runtime.database.db, postUrl))?.score === 2,
      "the favourite to be counted",
    );
  });

  test("reads the post the community announced to its Mastodon follower", async () => {
    const community = await alice.getCommunity({ name: "lobby" });
    const created = await alice.createPost({ community_id: community.community_view.community.id, name: "News" });
    const postUrl = created.post_view.post.ap_id;
    const announcedHere = async () => {
      for (const { activity, keyId } of peer.received) {
        if (activity.type !== "Announce" || !keyId) continue;
        const shared = await peer.announced(activity).catch(() => null);
        if (shared?.id === postUrl) return shared;
      }
      return null;
    };
    await waitUntil(async () => (await announcedHere()) !== null, "the post to be announced to the peer");
    expect(await announcedHere()).toMatchObject({ type: "Page", name: "News", attributedTo: `${a.origin}/u/alice` });
  });

  test("a server Plenum cannot place gets FEP-1b12's Announces, and the peer fetches back what they embed", async () => {
    // No NodeInfo: counted as threadiverse, so it gets Announce(Create(Page)) and Announce(Page),
    // as a Mastodon server got them before servers were told apart.
    const other = await startMastodonPeer({ software: null });
    unknown = other;
    const follow = await other.follow(other.account("noa"), `lobby@${new URL(a.origin).host}`);
    await waitUntil(() => follow.accept !== null, "the Accept to reach the unknown peer");
    const community = await alice.getCommunity({ name: "lobby" });
    const created = await alice.createPost({ community_id: community.community_view.community.id, name: "Late" });
    const postUrl = created.post_view.post.ap_id;
    const embedding = (type: string) =>
      other.received.find(
        (r) => r.activity.type === "Announce" && (r.activity.object as Json | undefined)?.type === type,
      )?.activity;
    await waitUntil(
      () => embedding("Create") !== undefined && embedding("Page") !== undefined,
      "both Announces at the unknown peer",
    );
    // The Page is someone else's than the announcing Group's: Mastodon fetches it by its id.
    const page = await other.announced(embedding("Page") as Json);
    expect(page).toMatchObject({ id: postUrl, type: "Page", name: "Late" });
    expect(other.fetchedBack).toEqual([postUrl]);
    // The Create is fetched back by its own id too, where Plenum serves it (sent-activities.ts),
    // and leads to the same Page.
    const createAnnounce = embedding("Create") as Json;
    expect(await other.announced(createAnnounce)).toMatchObject({ id: postUrl, type: "Page", name: "Late" });
    expect(other.fetchedBack).toEqual([postUrl, (createAnnounce.object as Json).id]);
  });

  // Last: from here on, lobby@host is the person.
  test("finds the person, not the community, behind a handle both have, and the community by its URL; the person's follow is rejected", async () => {
    await a.user("lobby");
    const host = new URL(a.origin).host;
    // Mastodon takes the first self link; the actor it names must lead back to the handle.
    const found = await peer.webfinger(`lobby@${host}`);
    expect(found).toBe(`${a.origin}/u/lobby`);
    const person = await peer.fetch(found);
    expect(person).toMatchObject({ type: "Person", preferredUsername: "lobby" });
    expect(await peer.webfinger(`${String(person.preferredUsername)}@${host}`)).toBe(person.id);
    // The community is still what its own URL names (Mastodon's search by URL).
    expect(await peer.fetch(`${a.origin}/c/lobby`)).toMatchObject({ type: "Group", preferredUsername: "lobby" });
    // Following the handle follows the person, which Plenum rejects (only communities are
    // followed), so nobody gets a post twice (as the person's and as the community's boost).
    const follow = await peer.follow(peer.account("pia"), `lobby@${host}`);
    expect(follow.target.id).toBe(person.id);
    const rejectOf = () =>
      peer.received.find(
        (r) => r.activity.type === "Reject" && (r.activity.object as Json | undefined)?.id === follow.follow.id,
      );
    await waitUntil(() => rejectOf() !== undefined, "the Reject at the peer");
    expect(rejectOf()?.activity.actor).toBe(person.id);
    expect(follow.accept).toBeNull();
  });
});
