// A Mastodon server fetches back by id what a community on A sent (the Mastodon-like test peer,
// whose fetches are signed GETs with Mastodon's Accept header): the Announce of a post it was
// sent, and the activity an FEP-1b12 Announce wraps, given as a URL, as Mastodon fetches it when
// it cannot read the wrapped one (federation-wire-formats.md §3.5). The Accept of its follow is
// addressed to it alone and is not served. The threadiverse follower is a capture server.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { ensureInstance, upsertFollow, upsertRemotePerson } from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { type CaptureServer, startCaptureServer } from "../support/capture.ts";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { type Json, type MastodonPeer, type PeerAccount, startMastodonPeer } from "../support/mastodon-peer.ts";
import { waitUntil } from "../support/wait.ts";

describe("a Mastodon server fetches what a community sent by its id", () => {
  let a: TestInstance;
  let peer: MastodonPeer;
  let threadiverse: CaptureServer;
  let mia: PeerAccount;
  let alice: LemmyHttp;
  let lobbyId: number;
  let acceptId: string;

  const announcesAtPeer = () => peer.received.filter((r) => r.activity.type === "Announce").map((r) => r.activity);

  beforeAll(async () => {
    [a, peer, threadiverse] = await Promise.all([startInstance(), startMastodonPeer(), startCaptureServer()]);
    alice = await a.user("alice", { admin: true });
    lobbyId = (await alice.createCommunity({ name: "lobby", title: "The Lobby" })).community_view.community.id;
    const db = a.runtime.database.db;
    const instance = await ensureInstance(db, new URL(threadiverse.origin).host);
    const follower = await upsertRemotePerson(db, {
      ap_id: `${threadiverse.origin}/u/t1`,
      instance_id: instance,
      name: "t1",
      inbox_url: `${threadiverse.origin}/u/t1/inbox`,
      shared_inbox_url: `${threadiverse.origin}/inbox`,
    });
    await upsertFollow(db, {
      communityId: String(lobbyId),
      personId: follower.id,
      state: "accepted",
      followActivityId: `${threadiverse.origin}/follow/t1`,
    });
    mia = peer.account("mia");
    const follow = await peer.follow(mia, `lobby@${new URL(a.origin).host}`);
    await waitUntil(() => follow.accept !== null, "the Accept to reach the peer");
    acceptId = String(follow.accept?.id);
  });

  afterAll(async () => {
    await a?.stop();
    await Promise.all([peer?.close(), threadiverse?.close()]);
  });

  test("the community's Announce of a post is fetched back by its id as it was delivered", async () => {
    const post = await alice.createPost({ community_id: lobbyId, name: "Hello", body: "Words" });
    await waitUntil(() => announcesAtPeer().length >= 1, "the post's Announce at the peer");
    const [announce] = announcesAtPeer();
    expect(announce?.object).toBe(post.post_view.post.ap_id);
    expect(await peer.fetch(String(announce?.id), mia)).toEqual(announce);
  });

  test("the Create an Announce wraps, given by URL, is fetched and leads to the post", async () => {
    const post = await alice.createPost({ community_id: lobbyId, name: "Wrapped", body: "More words" });
    const postUrl = post.post_view.post.ap_id;
    /** The Announce of this post's Create that the threadiverse follower got. */
    const wrappingOf = () =>
      threadiverse.at("/inbox").find((announce) => {
        const inner = announce.object as Json;
        return inner.type === "Create" && (inner.object as Json).id === postUrl;
      });
    await waitUntil(() => wrappingOf() !== undefined, "the wrapped Create at the threadiverse follower");
    const wrapping = wrappingOf() as Json;
    const create = wrapping.object as Json;
    // What Mastodon does with an Announce it cannot read: fetch its object by id.
    const page = await peer.announced({ ...wrapping, object: String(create.id) });
    expect(page).toMatchObject({ id: postUrl, type: "Page", name: "Wrapped" });
    expect(await peer.fetch(String(create.id), mia)).toEqual({ "@context": wrapping["@context"], ...create });
  });

  test("the Accept of the peer's follow, addressed to it alone, is not served", async () => {
    expect(acceptId).toMatch(new RegExp(`^${a.origin}/activities/accept/`));
    await expect(peer.fetch(acceptId, mia)).rejects.toThrow(": 404");
  });
});
