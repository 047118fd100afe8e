// What a Mastodon server sends to a Plenum instance, end to end: a Mastodon-like peer (real
// signed HTTP, Mastodon's ids and addressing; test/support/mastodon-peer.ts) talks to instance
// A, which hosts the community; instance B follows the community as a Lemmy-style instance and
// must see what A accepted, announced by the community (FEP-1b12).
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type Db,
  findCommentByApId,
  findCommunityByApId,
  findFollow,
  findLocalPersonByName,
  findPersonByApId,
  findPostByApId,
} from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { AS_PUBLIC, type MastodonPeer, type PeerAccount, startMastodonPeer } from "../support/mastodon-peer.ts";
import { waitUntil } from "../support/wait.ts";

describe("a Mastodon server and a community on A", () => {
  let a: TestInstance;
  let b: TestInstance;
  let peer: MastodonPeer;
  let alice: LemmyHttp;
  let mia: PeerAccount;
  let max: PeerAccount;
  let lobbyUrl: string;
  let postUrl: string;
  let postId: number;

  const aDb = (): Db => a.runtime.database.db;

  /** Waits until A has handled everything delivered to it (and sent what it had to send). */
  async function settled(instance: TestInstance = a): Promise<void> {
    await waitUntil(async () => {
      const left = await instance.runtime.database.db.selectFrom("queue_messages").select("id").execute();
      return left.length === 0;
    }, `${instance.origin}'s queues to drain`);
  }

  async function post() {
    const row = await findPostByApId(aDb(), postUrl);
    if (!row) throw new Error("alice's post is missing");
    return row;
  }

  async function page(path: string): Promise<string> {
    const response = await fetch(`${a.origin}${path}`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    return response.text();
  }

  /** The header line (author, time, points) of one comment on a page. */
  function commentLine(html: string, commentId: number): string {
    const start = html.indexOf(`id="comment-${commentId}"`);
    expect(start).toBeGreaterThanOrEqual(0);
    return html.slice(start, html.indexOf("</summary>", start));
  }

  beforeAll(async () => {
    [a, b, peer] = await Promise.all([startInstance(), startInstance(), startMastodonPeer()]);
    alice = await a.user("alice", { admin: true });
    await alice.createCommunity({ name: "lobby", title: "Lobby" });
    lobbyUrl = `${a.origin}/c/lobby`;
    await b.admin("create-user", "bob", "--password", "correct horse battery");
    await b.admin("follow", "bob", lobbyUrl);
    const bDb = b.runtime.database.db;
    await waitUntil(async () => {
      const [bob, lobby] = await Promise.all([findLocalPersonByName(bDb, "bob"), findCommunityByApId(bDb, lobbyUrl)]);
      return (
        bob !== undefined && lobby !== undefined && (await findFollow(bDb, lobby.id, bob.id))?.state === "accepted"
      );
    }, "bob's follow to be accepted");
    mia = peer.account("mia", { displayName: "Mia", pronouns: "she/<b>her</b>, they<script>x</script>" });
    max = peer.account("max");
    const lobby = await alice.getCommunity({ name: "lobby" });
    const created = await alice.createPost({ community_id: lobby.community_view.community.id, name: "Vote on me" });
    postUrl = created.post_view.post.ap_id;
    postId = created.post_view.post.id;
    await waitUntil(async () => (await findPostByApId(bDb, postUrl)) !== undefined, "alice's post to reach B");
  });

  afterAll(async () => {
    // The instances first: their workers may still be delivering to the peer.
    await Promise.all([a?.stop(), b?.stop()]);
    await peer?.close();
  });

  test("a reply sent only to the author's server becomes a comment, announced to B", async () => {
    // Mastodon addresses the reply to Public and the parent's author, never to the community,
    // and here sends `to` as a bare string.
    const reply = await peer.reply(mia, postUrl, "Lovely post", { toAsString: true });
    expect(reply.inboxes).toEqual([`${a.origin}/inbox`]);
    expect(reply.activity.to).toBe(AS_PUBLIC);
    expect((reply.object as { inReplyTo: string }).inReplyTo).toBe(postUrl);
    await settled();
    const comment = await findCommentByApId(aDb(), reply.id);
    expect(comment).toMatchObject({ post_id: String(postId), parent_id: null, local: false });
    expect(comment?.body).toContain("Lovely post");
    // The community announced it (FEP-1b12): B has it too.
    await waitUntil(
      async () => (await findCommentByApId(b.runtime.database.db, reply.id)) !== undefined,
      "the reply to reach B",
    );
  });

  test("a reply to a comment, sent only to its author's server, is placed under it; its Update and Delete apply", async () => {
    const parent = await alice.createComment({ post_id: postId, content: "Tell me more" });
    const parentId = parent.comment_view.comment.id;
    const reply = await peer.reply(mia, parent.comment_view.comment.ap_id, "Here is more");
    expect(reply.inboxes).toEqual([`${a.origin}/inbox`]);
    expect(reply.activity.to).toEqual([AS_PUBLIC]);
    expect(reply.activity.cc).not.toContain(lobbyUrl);
    await settled();
    expect(await findCommentByApId(aDb(), reply.id)).toMatchObject({
      post_id: String(postId),
      parent_id: String(parentId),
    });
    const bDb = b.runtime.database.db;
    await waitUntil(async () => (await findCommentByApId(bDb, reply.id)) !== undefined, "the reply to reach B");
    const parentOnB = await findCommentByApId(bDb, parent.comment_view.comment.ap_id);
    expect((await findCommentByApId(bDb, reply.id))?.parent_id).toBe(parentOnB?.id);

    await peer.update(reply, "Here is more, edited");
    await settled();
    expect((await findCommentByApId(aDb(), reply.id))?.body).toContain("Here is more, edited");
    await waitUntil(
      async () => (await findCommentByApId(bDb, reply.id))?.body?.includes("edited") === true,
      "the edit to reach B",
    );

    await peer.delete(reply);
    await settled();
    expect((await findCommentByApId(aDb(), reply.id))?.deleted).toBe(true);
    await waitUntil(async () => (await findCommentByApId(bDb, reply.id))?.deleted === true, "the deletion to reach B");
  });

  test("a remote person's Pronouns field is stored as text and shown next to their name", async () => {
    const person = await findPersonByApId(aDb(), mia.id);
    // The value was HTML: only its text is kept, a script's included text dropped.
    expect(person?.pronouns).toEqual(["she/her", "they"]);
    const html = await page(`/post/${postId}`);
    expect(html).toContain("[she/her, they]");
  });

  test("a favourite is an upvote, its Undo takes it back, and the same ids count again", async () => {
    const favourite = await peer.favourite(max, postUrl);
    expect(favourite.inboxes).toEqual([`${a.origin}/inbox`]);
    await settled();
    expect(await post()).toMatchObject({ score: 2, upvotes: 2 });
    // A replay while the vote stands changes nothing.
    await peer.deliver(`${a.origin}/inbox`, favourite.activity);
    await settled();
    expect(await post()).toMatchObject({ score: 2, upvotes: 2 });
    const undo = await peer.undo(max, favourite);
    expect(undo.map((r) => r.status)).toEqual([202]);
    await settled();
    expect(await post()).toMatchObject({ score: 1, upvotes: 1 });
    // Favourited again with the same Like id, undone again with the same Undo id.
    const again = await peer.favourite(max, postUrl, { id: String(favourite.activity.id) });
    expect(again.activity.id).toBe(favourite.activity.id);
    await settled();
    expect(await post()).toMatchObject({ score: 2, upvotes: 2 });
    // The community announces each of them to B, which follows along with the reused ids too.
    const scoreOnB = async () => (await findPostByApId(b.runtime.database.db, postUrl))?.score;
    await waitUntil(async () => (await scoreOnB()) === 2, "B to count the second favourite");
    await peer.undo(max, again);
    await settled();
    expect(await post()).toMatchObject({ score: 1, upvotes: 1 });
    await waitUntil(async () => (await scoreOnB()) === 1, "B to take the second favourite back");
  });

  test("a favourite of a comment, with no addressing to name the community, is an upvote of it", async () => {
    const created = await alice.createComment({ post_id: postId, content: "Favourite me" });
    const commentUrl = created.comment_view.comment.ap_id;
    const favourite = await peer.favourite(mia, commentUrl);
    expect(favourite.activity).not.toHaveProperty("to");
    await settled();
    expect(await findCommentByApId(aDb(), commentUrl)).toMatchObject({ score: 2, upvotes: 2 });
    await peer.undo(mia, favourite);
    await settled();
    expect(await findCommentByApId(aDb(), commentUrl)).toMatchObject({ score: 1, upvotes: 1 });
  });

  test("a boost is counted in the API and named on the page; its Undo removes it", async () => {
    // A newer post leads the New Comments sort until the boost moves alice's first post's discussion.
    const lobby = (await alice.getCommunity({ name: "lobby" })).community_view.community;
    await alice.createPost({ community_id: lobby.id, name: "Newer" });
    const newComments = async () =>
      (await alice.getPosts({ community_name: "lobby", sort: "NewComments" })).posts[0]?.post.id;
    expect(await newComments()).not.toBe(postId);
    const before = await post();
    const boost = await peer.boost(max, postUrl);
    expect(boost.results.map((r) => r.status)).toEqual([202]);
    await settled();
    const counts = async () =>
      (await alice.getPost({ id: postId })).post_view.counts as unknown as { boosts: number; score: number };
    expect(await counts()).toMatchObject({ boosts: 1, score: before.score });
    // Listings count it too.
    const listed = await alice.getPosts({ community_name: "lobby", sort: "New" });
    const inListing = listed.posts.find((view) => view.post.id === postId);
    expect((inListing?.counts as unknown as { boosts: number } | undefined)?.boosts).toBe(1);
    const boosted = await post();
    // A boost counts as activity in the discussion (Active and New Comments sorts).
    expect(boosted.newest_comment_at?.getTime()).toBeGreaterThan(before.newest_comment_at?.getTime() ?? 0);
    expect(await newComments()).toBe(postId);
    const html = await page(`/post/${postId}`);
    expect(html).toContain("Boosted by 1 person");
    expect(html).toContain(`href="/u/max@${peer.host}"`);
    // The same boost delivered again is still one boost.
    await peer.deliver(`${a.origin}/inbox`, boost.activity);
    await settled();
    expect((await counts()).boosts).toBe(1);

    await peer.undo(max, boost);
    await settled();
    expect((await counts()).boosts).toBe(0);
    expect(await page(`/post/${postId}`)).not.toContain("Boosted by");
  });

  test("a boost of a comment is counted on the comment and moves its post's discussion", async () => {
    const created = await alice.createComment({ post_id: postId, content: "Thanks all" });
    const commentUrl = created.comment_view.comment.ap_id;
    const before = await post();
    const boost = await peer.boost(mia, commentUrl);
    expect(boost.inboxes).toEqual([`${a.origin}/inbox`]);
    await settled();
    const read = await alice.getComment({ id: created.comment_view.comment.id });
    expect((read.comment_view.counts as unknown as { boosts: number }).boosts).toBe(1);
    // Shown on the comment's own line.
    expect(commentLine(await page(`/post/${postId}`), created.comment_view.comment.id)).toContain("· 1 boost<");
    expect((await post()).newest_comment_at?.getTime()).toBeGreaterThan(before.newest_comment_at?.getTime() ?? 0);
    await peer.undo(mia, boost);
    await settled();
    expect((await findCommentByApId(aDb(), commentUrl))?.boost_count).toBe(0);
    expect(commentLine(await page(`/post/${postId}`), created.comment_view.comment.id)).not.toContain("boost");
  });

  test("an Undo naming the boost by its id alone removes it", async () => {
    const boost = await peer.boost(mia, postUrl);
    await settled();
    expect((await post()).boost_count).toBe(1);
    const undo = {
      id: `${mia.id}#announces/by-id/undo`,
      type: "Undo",
      actor: mia.id,
      to: [AS_PUBLIC],
      object: boost.activity.id,
    };
    expect((await peer.deliver(`${a.origin}/inbox`, undo)).status).toBe(202);
    await settled();
    expect((await post()).boost_count).toBe(0);
  });

  test("an Announce by a group account is not a boost", async () => {
    const club = peer.account("club", { type: "Group" });
    const boost = await peer.boost(club, postUrl);
    expect(boost.results.map((r) => r.status)).toEqual([202]);
    await settled();
    expect((await post()).boost_count).toBe(0);
  });

  test("a boost signed by someone else's key is refused with 401 and leaves nothing", async () => {
    const announce = {
      id: `${max.id}/statuses/999/activity`,
      type: "Announce",
      actor: max.id,
      to: [AS_PUBLIC],
      cc: [`${a.origin}/u/alice`, max.followers],
      object: postUrl,
    };
    const result = await peer.deliver(`${a.origin}/inbox`, announce, mia);
    expect(result.status).toBe(401);
    await settled();
    expect((await post()).boost_count).toBe(0);
  });

  test("a boost of something that is not here is ignored", async () => {
    const announce = {
      id: `${max.id}/statuses/998/activity`,
      type: "Announce",
      actor: max.id,
      to: [AS_PUBLIC],
      object: `${peer.origin}/users/mia/statuses/1`,
    };
    expect((await peer.deliver(`${a.origin}/inbox`, announce)).status).toBe(202);
    await settled();
    const row = await aDb().selectFrom("boosts").select("id").executeTakeFirst();
    expect(row).toBeUndefined();
  });

  test("a public Note mentioning the community becomes a post; its Update and Delete apply", async () => {
    const note = await peer.post(mia, "Hello from Mastodon\nThis is the body.\nAnd more.", { mentions: [lobbyUrl] });
    expect(note.inboxes).toEqual([`${a.origin}/inbox`]);
    expect(note.object?.inReplyTo).toBeNull();
    await settled();
    const created = await findPostByApId(aDb(), note.id);
    expect(created).toMatchObject({ title: "Hello from Mastodon", local: false });
    expect(created?.body).toContain("This is the body.");
    expect(created?.body).toContain("And more.");
    expect(created?.body).not.toContain("Hello from Mastodon");
    expect(created?.body).not.toContain("@lobby");
    // Announced to the community's followers like any other post.
    await waitUntil(
      async () => (await findPostByApId(b.runtime.database.db, note.id)) !== undefined,
      "the post to reach B",
    );

    await peer.update(note, "Hello again from Mastodon\nAn edited body.");
    await settled();
    const updated = await findPostByApId(aDb(), note.id);
    expect(updated).toMatchObject({ title: "Hello again from Mastodon", body: "An edited body." });

    await peer.delete(note);
    await settled();
    expect((await findPostByApId(aDb(), note.id))?.deleted).toBe(true);
  });

  test("a direct message that mentions the community is not made public", async () => {
    const note = await peer.post(mia, "Psst, only for the mods", { mentions: [lobbyUrl], visibility: "direct" });
    expect(note.activity.to).toEqual([lobbyUrl]);
    expect(note.inboxes).toEqual([`${a.origin}/inbox`]);
    await settled();
    expect(await findPostByApId(aDb(), note.id)).toBeUndefined();
    expect(await findCommentByApId(aDb(), note.id)).toBeUndefined();
  });

  test("a long first line makes a title of at most 200 characters", async () => {
    const note = await peer.post(max, `${"word ".repeat(60)}\nbody`, { mentions: [lobbyUrl] });
    await settled();
    const created = await findPostByApId(aDb(), note.id);
    expect(created?.title.length).toBeLessThanOrEqual(200);
    expect(created?.title.startsWith("word word")).toBe(true);
  });
});
