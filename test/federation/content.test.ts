// Posts, comments and votes across three real instances on loopback: a community on A, followed
// by bob on B and carol on C. Everything goes through the API of each person's own instance, the
// domain events, signed deliveries to A's community and A's Announces to the others; each side
// ends up with the same rows and the same tallies.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findCommentByApId, findCommunityByApId, findPostByApId } from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { dbOf, followAccepted, startInstance, type TestInstance } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

describe("a community on A with followers on B and C", () => {
  let a: TestInstance;
  let b: TestInstance;
  let c: TestInstance;
  let alice: LemmyHttp;
  let bob: LemmyHttp;
  let carol: LemmyHttp;
  let lobbyUrl: string;
  let postUrl: string;
  let commentUrl: string;

  /** The community's id on an instance (each has its own row for it). */
  async function lobbyOn(instance: TestInstance): Promise<number> {
    const row = await findCommunityByApId(dbOf(instance), lobbyUrl);
    if (!row) throw new Error(`${instance.origin} does not know the lobby`);
    return Number(row.id);
  }

  async function postOn(instance: TestInstance) {
    return findPostByApId(dbOf(instance), postUrl);
  }

  async function commentOn(instance: TestInstance) {
    return findCommentByApId(dbOf(instance), commentUrl);
  }

  const follows = (instance: TestInstance, name: string) => followAccepted(instance, name, lobbyUrl);

  beforeAll(async () => {
    [a, b, c] = await Promise.all([startInstance(), startInstance(), startInstance()]);
    [alice, bob, carol] = await Promise.all([
      a.user("alice", { admin: true }),
      b.user("bob", { admin: true }),
      c.user("carol", { admin: true }),
    ]);
    await alice.createCommunity({ name: "lobby", title: "The Lobby" });
    lobbyUrl = `${a.origin}/c/lobby`;
    await Promise.all([follows(b, "bob"), follows(c, "carol")]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  });

  test("a post from B appears on A and on C", async () => {
    const created = await bob.createPost({
      community_id: await lobbyOn(b),
      name: "Hello from B",
      body: "Some *Markdown*",
      url: "https://example.com/news",
    });
    postUrl = created.post_view.post.ap_id;
    expect(postUrl).toBe(`${b.origin}/post/${created.post_view.post.id}`);
    await waitUntil(async () => (await postOn(a)) !== undefined, "A to have bob's post");
    await waitUntil(async () => (await postOn(c)) !== undefined, "C to have bob's post");
    for (const instance of [a, c]) {
      expect(await postOn(instance)).toMatchObject({
        local: false,
        title: "Hello from B",
        body: "Some *Markdown*",
        url: "https://example.com/news",
        score: 1,
        upvotes: 1,
      });
    }
    // On C it is in carol's Subscribed listing and in All, like any post.
    const subscribed = await carol.getPosts({ type_: "Subscribed", sort: "New" });
    expect(subscribed.posts.map((view) => view.post.ap_id)).toEqual([postUrl]);
    const all = await carol.getPosts({ type_: "All", sort: "New" });
    expect(all.posts.map((view) => view.post.ap_id)).toContain(postUrl);
    expect(subscribed.posts[0]?.creator.actor_id).toBe(`${b.origin}/u/bob`);
  });

  test("a comment from C appears on A and on B", async () => {
    const onC = await postOn(c);
    if (!onC) throw new Error("C has no post");
    const created = await carol.createComment({ post_id: Number(onC.id), content: "Nice, from C" });
    commentUrl = created.comment_view.comment.ap_id;
    await waitUntil(async () => (await commentOn(a)) !== undefined, "A to have carol's comment");
    await waitUntil(async () => (await commentOn(b)) !== undefined, "B to have carol's comment");
    for (const instance of [a, b]) {
      const comment = await commentOn(instance);
      expect(comment).toMatchObject({ local: false, body: "Nice, from C", parent_id: null, score: 1 });
      expect((await postOn(instance))?.comment_count).toBe(1);
    }
    // A reply from A to carol's comment reaches both others, in the right place of the tree.
    const onA = await commentOn(a);
    if (!onA) throw new Error("A has no comment");
    const reply = await alice.createComment({
      post_id: Number(onA.post_id),
      parent_id: Number(onA.id),
      content: "Welcome!",
    });
    const replyUrl = reply.comment_view.comment.ap_id;
    for (const instance of [b, c]) {
      await waitUntil(
        async () => (await findCommentByApId(dbOf(instance), replyUrl)) !== undefined,
        `${instance.origin} to have alice's reply`,
      );
      const stored = await findCommentByApId(dbOf(instance), replyUrl);
      const parent = await commentOn(instance);
      expect(stored?.parent_id).toBe(parent?.id);
      expect(stored?.path).toBe(`${parent?.path}.${stored?.id}`);
      expect(parent?.child_count).toBe(1);
    }
  });

  test("votes are tallied alike on all three", async () => {
    const ids = {
      a: Number((await postOn(a))?.id),
      c: Number((await postOn(c))?.id),
      commentB: Number((await commentOn(b))?.id),
    };
    await alice.likePost({ post_id: ids.a, score: -1 });
    await carol.likePost({ post_id: ids.c, score: 1 });
    await bob.likeComment({ comment_id: ids.commentB, score: 1 });
    for (const instance of [a, b, c]) {
      await waitUntil(async () => {
        const post = await postOn(instance);
        const comment = await commentOn(instance);
        return post?.upvotes === 2 && post.downvotes === 1 && comment?.upvotes === 2;
      }, `the votes to reach ${instance.origin}`);
      expect(await postOn(instance)).toMatchObject({ score: 1, upvotes: 2, downvotes: 1 });
      expect(await commentOn(instance)).toMatchObject({ score: 2, upvotes: 2, downvotes: 0 });
    }
    // Taking a vote back is federated too.
    await alice.likePost({ post_id: ids.a, score: 0 });
    for (const instance of [a, b, c]) {
      await waitUntil(async () => (await postOn(instance))?.downvotes === 0, `the undo to reach ${instance.origin}`);
      expect(await postOn(instance)).toMatchObject({ score: 2, upvotes: 2, downvotes: 0 });
    }
  });

  test("resolve_object finds and stores what a local person looks up", async () => {
    // A community on B that nobody on A or C follows yet, with a post.
    const bobs = await bob.createCommunity({ name: "bobs", title: "Bob's place" });
    const bobsUrl = `${b.origin}/c/bobs`;
    const early = await bob.createPost({ community_id: bobs.community_view.community.id, name: "Early bird" });
    const earlyUrl = early.post_view.post.ap_id;

    // Anonymous readers only find what is stored; they never make the server fetch.
    await expect(a.client().resolveObject({ q: earlyUrl })).rejects.toThrow("couldnt_find_object");
    expect((await a.client().resolveObject({ q: lobbyUrl })).community?.community.actor_id).toBe(lobbyUrl);
    expect((await a.client().resolveObject({ q: `!lobby@${new URL(a.origin).host}` })).community?.community.name).toBe(
      "lobby",
    );

    // Logged in, alice on A gets the post, fetched with its community.
    const resolved = await alice.resolveObject({ q: earlyUrl });
    expect(resolved.post?.post).toMatchObject({ ap_id: earlyUrl, name: "Early bird", local: false });
    expect(resolved.post?.community.actor_id).toBe(bobsUrl);
    expect(resolved.post?.creator.actor_id).toBe(`${b.origin}/u/bob`);
    // A person and a comment by URL.
    const carolOnA = await alice.resolveObject({ q: `${c.origin}/u/carol` });
    expect(carolOnA.person?.person).toMatchObject({ name: "carol", local: false });
    expect((await alice.resolveObject({ q: commentUrl })).comment?.comment.ap_id).toBe(commentUrl);

    // alice comments on the remote post: the Create goes to bobs' inbox on B.
    const comment = await alice.createComment({ post_id: resolved.post?.post.id ?? 0, content: "Found you" });
    const aliceCommentUrl = comment.comment_view.comment.ap_id;
    await waitUntil(
      async () => (await findCommentByApId(dbOf(b), aliceCommentUrl)) !== undefined,
      "B to have alice's comment on the post in its community",
    );
    expect(await findCommentByApId(dbOf(b), aliceCommentUrl)).toMatchObject({ local: false, body: "Found you" });

    // carol on C finds the community by URL, follows it through the API, and gets its new posts.
    const found = await carol.resolveObject({ q: bobsUrl });
    const bobsOnC = found.community?.community.id;
    if (!bobsOnC) throw new Error("C did not resolve the community");
    await carol.followCommunity({ community_id: bobsOnC, follow: true });
    await waitUntil(
      async () => (await carol.getCommunity({ id: bobsOnC })).community_view.subscribed === "Subscribed",
      "carol's follow of bobs to be accepted",
    );
    const later = await bob.createPost({ community_id: bobs.community_view.community.id, name: "For my followers" });
    await waitUntil(
      async () => (await findPostByApId(dbOf(c), later.post_view.post.ap_id)) !== undefined,
      "C to receive the new post in bobs",
    );
    const subscribed = await carol.getPosts({ type_: "Subscribed", sort: "New" });
    expect(subscribed.posts.map((view) => view.post.name)).toContain("For my followers");
  });

  test("edits and deletions propagate", async () => {
    const onB = await postOn(b);
    await bob.editPost({ post_id: Number(onB?.id), name: "Hello from B (edited)" });
    const onC = await commentOn(c);
    await carol.editComment({ comment_id: Number(onC?.id), content: "Nice, from C (edited)" });
    for (const instance of [a, b, c]) {
      await waitUntil(async () => (await postOn(instance))?.title === "Hello from B (edited)", "the post edit");
      await waitUntil(async () => (await commentOn(instance))?.body === "Nice, from C (edited)", "the comment edit");
      expect((await postOn(instance))?.updated_at).not.toBeNull();
    }
    await carol.deleteComment({ comment_id: Number(onC?.id), deleted: true });
    await bob.deletePost({ post_id: Number(onB?.id), deleted: true });
    for (const instance of [a, b, c]) {
      await waitUntil(async () => (await commentOn(instance))?.deleted === true, "the comment deletion");
      await waitUntil(async () => (await postOn(instance))?.deleted === true, "the post deletion");
      // Deleted content stops counting: the post's comment_count drops by carol's comment.
      expect((await postOn(instance))?.comment_count).toBe(1);
    }
    // Restoring is an Undo(Delete).
    await bob.deletePost({ post_id: Number(onB?.id), deleted: false });
    for (const instance of [a, c]) {
      await waitUntil(async () => (await postOn(instance))?.deleted === false, "the post restoration");
    }
  });
});
