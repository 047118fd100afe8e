// What a community on A sends to a Mastodon follower (the Mastodon-like test peer) and to a
// threadiverse follower (bob on B, a real Plenum instance) side by side. The peer's Follow is
// accepted at once with the Follow embedded; A learns from the peer's NodeInfo that it runs
// Mastodon; the peer then gets each new post once, as Announce{object: <post URL>} (undone when
// the post is deleted), the author's own Update and Delete of a post, and nothing for comments
// or votes, while B gets every activity wrapped as before. A Follow of a person is rejected.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  findCommentByApId,
  findCommunityByApId,
  findFollow,
  findInstanceSoftware,
  findLocalPersonByName,
  findPersonByApId,
  findPostByApId,
} from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { dbOf, startInstance, type TestInstance } from "../support/instances.ts";
import { type Json, type MastodonPeer, type PeerAccount, startMastodonPeer } from "../support/mastodon-peer.ts";
import { waitUntil } from "../support/wait.ts";

describe("a community on A followed from Mastodon and from Plenum", () => {
  let a: TestInstance;
  let b: TestInstance;
  let peer: MastodonPeer;
  let mia: PeerAccount;
  let alice: LemmyHttp;
  let bob: LemmyHttp;
  let lobbyId: number;
  let lobbyUrl: string;
  let firstId: number;
  let firstUrl: string;
  let commentId: number;

  /** The Announces that reached the peer, in order of arrival. */
  const announcesAtPeer = () => peer.received.filter((r) => r.activity.type === "Announce").map((r) => r.activity);

  beforeAll(async () => {
    [a, b, peer] = await Promise.all([startInstance(), startInstance(), startMastodonPeer()]);
    alice = await a.user("alice", { admin: true });
    await alice.saveUserSettings({ display_name: "Alice", pronouns: ["she/her"] } as never);
    lobbyId = (await alice.createCommunity({ name: "lobby", title: "The Lobby" })).community_view.community.id;
    lobbyUrl = `${a.origin}/c/lobby`;
    mia = peer.account("mia");
    bob = await b.user("bob", { admin: true });
    await b.admin("follow", "bob", lobbyUrl);
    const [bobRow, lobbyOnB] = await Promise.all([
      findLocalPersonByName(dbOf(b), "bob"),
      findCommunityByApId(dbOf(b), lobbyUrl),
    ]);
    if (!bobRow || !lobbyOnB) throw new Error("B did not store the follow");
    await waitUntil(
      async () => (await findFollow(dbOf(b), lobbyOnB.id, bobRow.id))?.state === "accepted",
      "bob's follow to be accepted",
    );
  });

  afterAll(async () => {
    // The instances first: their workers may still be delivering to the peer.
    await Promise.all([a?.stop(), b?.stop()]);
    await peer?.close();
  });

  test("Mastodon's Follow is accepted at once, with the Follow and its id embedded", async () => {
    const follow = await peer.follow(mia, `lobby@${new URL(a.origin).host}`);
    // Mastodon keeps a follow request until the Accept arrives.
    expect(follow.accept).toBeNull();
    await waitUntil(() => follow.accept !== null, "the Accept to reach the peer");
    expect(follow.accept).toMatchObject({
      type: "Accept",
      actor: lobbyUrl,
      object: { type: "Follow", id: follow.follow.id, actor: mia.id, object: lobbyUrl },
    });
    const [miaOnA, lobby] = await Promise.all([
      findPersonByApId(dbOf(a), mia.id),
      findCommunityByApId(dbOf(a), lobbyUrl),
    ]);
    if (!miaOnA || !lobby) throw new Error("A did not store the follower");
    expect(await findFollow(dbOf(a), lobby.id, miaOnA.id)).toMatchObject({
      state: "accepted",
      follow_activity_id: follow.follow.id,
    });
  });

  test("A asked the follower's server for its NodeInfo and stored that it runs Mastodon", async () => {
    await waitUntil(
      async () => (await findInstanceSoftware(dbOf(a), [peer.host])).get(peer.host)?.software === "mastodon",
      "the peer's software to be stored",
    );
    const stored = (await findInstanceSoftware(dbOf(a), [peer.host])).get(peer.host);
    expect(stored?.checkedAt).toBeInstanceOf(Date);
  });

  test("the Mastodon follower gets each post once, by URL, its author's edit, and no comments or votes", async () => {
    const first = await alice.createPost({ community_id: lobbyId, name: "Hello", body: "Some **bold** words" });
    firstId = first.post_view.post.id;
    firstUrl = first.post_view.post.ap_id;
    await waitUntil(() => announcesAtPeer().length >= 1, "the post's Announce at the peer");
    const [announce] = announcesAtPeer();
    expect(announce).toMatchObject({
      type: "Announce",
      actor: lobbyUrl,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      cc: [`${lobbyUrl}/followers`],
      object: firstUrl,
    });
    expect(peer.received.find((r) => r.activity === announce)?.keyId).toBe(`${lobbyUrl}#main-key`);

    // What Mastodon then fetches and shows: title, summary, a link to the post, #lobby.
    const page = await peer.announced(announce as Json);
    expect(page).toMatchObject({
      id: firstUrl,
      type: "Page",
      name: "Hello",
      summary: "Some bold words",
      url: firstUrl,
      tag: expect.arrayContaining([
        { type: "Hashtag", href: lobbyUrl, name: "#lobby" },
        { type: "Mention", href: lobbyUrl, name: `@lobby@${new URL(a.origin).host}` },
      ]),
    });

    // A comment and its edit, a vote and an edit of the post: B gets them, the peer only the
    // post's edit, from alice herself.
    const comment = await alice.createComment({ post_id: first.post_view.post.id, content: "A comment" });
    await alice.editComment({ comment_id: comment.comment_view.comment.id, content: "A comment, edited" });
    await alice.likePost({ post_id: first.post_view.post.id, score: 0 });
    await alice.editPost({ post_id: first.post_view.post.id, name: "Hello again" });
    const commentUrl = comment.comment_view.comment.ap_id;
    commentId = comment.comment_view.comment.id;
    await waitUntil(
      async () => (await findCommentByApId(dbOf(b), commentUrl))?.body.includes("edited") === true,
      "the comment's edit on B",
    );
    await waitUntil(async () => (await findPostByApId(dbOf(b), firstUrl))?.title === "Hello again", "the edit on B");
    await waitUntil(async () => (await findPostByApId(dbOf(b), firstUrl))?.score === 0, "the vote on B");

    // A second post: deliveries to one inbox keep their order, so once its Announce is at the
    // peer, anything the comment, vote or edit had sent there would have arrived before it.
    const second = await alice.createPost({ community_id: lobbyId, name: "Second" });
    await waitUntil(() => announcesAtPeer().length >= 2, "the second post's Announce at the peer");
    expect(announcesAtPeer().map((activity) => activity.object)).toEqual([firstUrl, second.post_view.post.ap_id]);
    expect(peer.received.map((r) => r.activity.type)).toEqual(["Accept", "Announce", "Update", "Announce"]);
    const update = peer.received.find((r) => r.activity.type === "Update");
    expect(update?.activity).toMatchObject({
      actor: `${a.origin}/u/alice`,
      object: { type: "Page", id: firstUrl, name: "Hello again", attributedTo: `${a.origin}/u/alice` },
    });
    expect(update?.keyId).toBe(`${a.origin}/u/alice#main-key`);
  });

  test("deleting a post takes its boost back and sends alice's Delete, restoring it boosts it again; deleting a comment sends nothing", async () => {
    const [boost] = announcesAtPeer();
    await alice.deleteComment({ comment_id: commentId, deleted: true });
    await alice.deletePost({ post_id: firstId, deleted: true });
    await waitUntil(() => peer.received.some((r) => r.activity.type === "Undo"), "the Undo at the peer");
    expect(peer.received.find((r) => r.activity.type === "Undo")?.activity).toMatchObject({
      type: "Undo",
      actor: lobbyUrl,
      object: { type: "Announce", id: boost?.id, actor: lobbyUrl, object: firstUrl },
    });
    await waitUntil(() => peer.received.some((r) => r.activity.type === "Delete"), "the Delete at the peer");
    const remove = peer.received.find((r) => r.activity.type === "Delete");
    expect(remove?.activity).toMatchObject({ actor: `${a.origin}/u/alice`, object: firstUrl });
    expect(remove?.keyId).toBe(`${a.origin}/u/alice#main-key`);
    await alice.deletePost({ post_id: firstId, deleted: false });
    await waitUntil(() => announcesAtPeer().length >= 3, "the Announce again at the peer");
    expect(announcesAtPeer()[2]).toMatchObject({ id: boost?.id, object: firstUrl });
    expect(peer.received.map((r) => r.activity.type)).toEqual([
      "Accept",
      "Announce",
      "Update",
      "Announce",
      "Undo",
      "Delete",
      "Announce",
    ]);
  });

  test("a post from another server's member is boosted once too, and its comments and edits are not", async () => {
    const lobbyOnB = await findCommunityByApId(dbOf(b), lobbyUrl);
    if (!lobbyOnB) throw new Error("B lost the community");
    const before = announcesAtPeer().length;
    const fromB = await bob.createPost({ community_id: Number(lobbyOnB.id), name: "From B" });
    const fromBUrl = fromB.post_view.post.ap_id;
    await waitUntil(() => announcesAtPeer().length > before, "the Announce of B's post at the peer");
    expect(announcesAtPeer()[before]).toMatchObject({ type: "Announce", actor: lobbyUrl, object: fromBUrl });
    expect(await peer.announced(announcesAtPeer()[before] as Json)).toMatchObject({
      id: fromBUrl,
      type: "Page",
      name: "From B",
      attributedTo: `${b.origin}/u/bob`,
    });
    // bob comments; once A has taken the comment in, a new post's Announce is the next thing
    // the peer gets (deliveries to one inbox keep their order).
    const comment = await bob.createComment({ post_id: fromB.post_view.post.id, content: "Mine" });
    await waitUntil(
      async () => (await findCommentByApId(dbOf(a), comment.comment_view.comment.ap_id)) !== undefined,
      "bob's comment on A",
    );
    const third = await alice.createPost({ community_id: lobbyId, name: "Third" });
    await waitUntil(() => announcesAtPeer().length > before + 1, "the third post's Announce at the peer");
    expect(
      announcesAtPeer()
        .slice(before)
        .map((activity) => activity.object),
    ).toEqual([fromBUrl, third.post_view.post.ap_id]);

    // bob's edit of his post is his server's to send: A announces it to B, the peer gets nothing.
    const receivedBefore = peer.received.length;
    await bob.editPost({ post_id: fromB.post_view.post.id, name: "From B, edited" });
    await waitUntil(
      async () => (await findPostByApId(dbOf(a), fromBUrl))?.title === "From B, edited",
      "bob's edit on A",
    );
    const fourth = await alice.createPost({ community_id: lobbyId, name: "Fourth" });
    await waitUntil(() => peer.received.length > receivedBefore, "the fourth post's Announce at the peer");
    expect(peer.received.slice(receivedBefore).map((r) => r.activity)).toEqual([
      expect.objectContaining({ type: "Announce", object: fourth.post_view.post.ap_id }),
    ]);
  });

  test("Mastodon reads the author's pronouns as a profile field; the Plenum follower does not double them", async () => {
    // What Mastodon fetches when it meets the post's author (a signed GET, as it makes them).
    const person = await peer.fetch(`${a.origin}/u/alice`, mia);
    expect(person).toMatchObject({
      type: "Person",
      name: "Alice [she/her]",
      attachment: { type: "PropertyValue", name: "Pronouns", value: "she/her" },
    });
    // The schema.org terms Mastodon reads profile fields by.
    expect(JSON.stringify(person["@context"])).toContain("schema:PropertyValue");
    // B stored alice when the first post reached it.
    const aliceOnB = await findPersonByApId(dbOf(b), `${a.origin}/u/alice`);
    expect(aliceOnB?.display_name).toBe("Alice");
  });

  test("a Follow of a person is rejected with the Follow and its id embedded; its Undo is taken quietly", async () => {
    // Last: the Reject reaches the peer after everything the tests above count.
    const follow = await peer.follow(mia, `alice@${new URL(a.origin).host}`);
    expect(follow.target.id).toBe(`${a.origin}/u/alice`);
    await waitUntil(() => peer.received.some((r) => r.activity.type === "Reject"), "the Reject at the peer");
    const reject = peer.received.find((r) => r.activity.type === "Reject");
    expect(reject?.activity).toMatchObject({
      type: "Reject",
      actor: `${a.origin}/u/alice`,
      object: { type: "Follow", id: follow.follow.id, actor: mia.id, object: `${a.origin}/u/alice` },
    });
    expect(reject?.keyId).toBe(`${a.origin}/u/alice#main-key`);
    expect(follow.accept).toBeNull();
    const [undone] = await peer.unfollow(mia, follow);
    expect(undone?.status).toBeGreaterThanOrEqual(200);
    expect(undone?.status).toBeLessThan(300);
  });
});
