// Posts through the Lemmy v3 API, driven by lemmy-js-client: create (with the creator's upvote and
// the counters), validation, votes, delete and restore, edit, save, feature and lock, every sort
// on a crafted set of posts, and cursor pagination.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Db, findLocalPersonByName, insertPost, type NewPost, updateSite } from "@plenum/core";
import { sql } from "kysely";
import type { GetPosts, LemmyHttp, PostView, SortType } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";

/** The error code a rejected lemmy-js-client call carries. */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call succeeded");
}

const HOUR = 3600_000;

/** Lemmy's hot rank (features-and-ranking.md §2.1), in JavaScript, to check the SQL order against. */
function hotRank(score: number, published: Date, now: Date): number {
  const hours = (now.getTime() - published.getTime()) / HOUR;
  if (!(hours > 0 && hours < 7 * 24)) return 0;
  return Math.log10(Math.max(2, score + 2)) / (hours + 2) ** 1.8;
}

/** Hexbear's Active rank (features-and-ranking.md §2.4), in JavaScript. */
function activeRank(score: number, published: Date, newestComment: Date | null, now: Date): number {
  const hours = (now.getTime() - published.getTime()) / HOUR;
  if (!(hours > 0 && hours < 168)) return 0;
  const delay = Math.min(604800, ((newestComment ?? published).getTime() - published.getTime()) / 1000);
  const shifted = Math.max(0, hours - 24 * (1 - Math.exp(-0.000012146493725346809 * delay)));
  return Math.log10(Math.max(1, score + 3)) / (shifted + 2) ** 1.8;
}

describe("posts", () => {
  let server: ApiServer;
  let db: Db;
  let origin: string;
  let alice: LemmyHttp; // admin; moderator of news
  let bob: LemmyHttp;
  let carol: LemmyHttp; // moderator of blog (not an admin)
  let anonymous: LemmyHttp;
  let newsId: number;
  let blogId: number;

  /** A post inserted directly, with chosen times and counts (rows the API cannot make). */
  async function craftedPost(communityId: number, fields: Partial<NewPost>): Promise<string> {
    const bobPerson = await findLocalPersonByName(db, "bob");
    if (!bobPerson) throw new Error("bob is missing");
    const row = await insertPost(db, {
      ap_id: `${origin}/post/crafted-${crypto.randomUUID()}`,
      local: true,
      instance_id: bobPerson.instance_id,
      community_id: String(communityId),
      creator_id: bobPerson.id,
      title: "crafted",
      ...fields,
    });
    return row.id;
  }

  const ids = (posts: PostView[]) => posts.map((view) => String(view.post.id));

  async function jobsFor(postId: number): Promise<number> {
    const result = await sql<{ n: string }>`
      select count(*) as n from queue_messages where queue = 'jobs' and message->>'postId' = ${String(postId)}`.execute(
      db,
    );
    return Number(result.rows[0]?.n);
  }

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    origin = server.runtime.config.origin;
    alice = (await server.user("alice")).client;
    bob = (await server.user("bob")).client;
    carol = (await server.user("carol")).client;
    anonymous = server.client();
    newsId = (await alice.createCommunity({ name: "news", title: "News" })).community_view.community.id;
    blogId = (await carol.createCommunity({ name: "blog", title: "Carol's blog", posting_restricted_to_mods: true }))
      .community_view.community.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  test("a post without a link: the author's upvote, Lemmy's fields, and the counters", async () => {
    const { post_view: view } = await bob.createPost({
      community_id: newsId,
      name: "  First post  ",
      body: "Hello *world*",
      language_id: 9,
    });
    expect(view.post).toMatchObject({
      name: "First post",
      body: "Hello *world*",
      community_id: newsId,
      local: true,
      deleted: false,
      removed: false,
      locked: false,
      nsfw: false,
      featured_community: false,
      featured_local: false,
      language_id: 9,
      ap_id: `${origin}/post/${view.post.id}`,
    });
    expect(view.post.url).toBeUndefined();
    expect(view.counts).toMatchObject({ post_id: view.post.id, score: 1, upvotes: 1, downvotes: 0, comments: 0 });
    expect(view.my_vote).toBe(1);
    expect(view).toMatchObject({
      creator_is_moderator: false,
      creator_is_admin: false,
      subscribed: "NotSubscribed",
      saved: false,
      read: false,
      hidden: false,
      creator_blocked: false,
      unread_comments: 0,
    });
    expect(view.creator.name).toBe("bob");
    expect(view.community.name).toBe("news");
    expect(await jobsFor(view.post.id)).toBe(0);

    const community = await anonymous.getCommunity({ id: newsId });
    expect(community.community_view.counts.posts).toBe(1);
    const person = await anonymous.getPersonDetails({ username: "bob" });
    expect(person.person_view.counts.post_count).toBe(1);

    const got = await anonymous.getPost({ id: view.post.id });
    expect(got.post_view.post.name).toBe("First post");
    expect(got.post_view.my_vote).toBeUndefined();
    expect(got.community_view.community.name).toBe("news");
    expect(got.moderators.map((m) => m.moderator.name)).toEqual(["alice"]);
    expect(got.cross_posts).toEqual([]);
  });

  test("a post with a link records a link-preview job in the same transaction", async () => {
    const { post_view: view } = await alice.createPost({
      community_id: newsId,
      name: "A link",
      url: "https://example.com/story?id=1",
    });
    expect(view.post.url).toBe("https://example.com/story?id=1");
    expect(view.post.body).toBeUndefined();
    expect(view.creator_is_moderator).toBe(true);
    expect(view.creator_is_admin).toBe(true);
    expect(view.subscribed).toBe("Subscribed");
    expect(await jobsFor(view.post.id)).toBe(1);
  });

  test.each([
    ["a 201-character title", "invalid_post_title", { name: "x".repeat(201) }],
    ["a blank title", "invalid_post_title", { name: "   " }],
    ["a title with a line break", "invalid_post_title", { name: "two\nlines" }],
    ["an ftp link", "invalid_url", { name: "ok", url: "ftp://files.example/x" }],
    ["a link that is no URL", "invalid_url", { name: "ok", url: "not a url" }],
    ["a 2001-character link", "invalid_url", { name: "ok", url: `https://example.com/${"a".repeat(1982)}` }],
    ["a 50,001-character body", "invalid_body_field", { name: "ok", body: "b".repeat(50_001) }],
    ["an unknown language", "language_not_allowed", { name: "ok", language_id: 9999 }],
    ["a filled honeypot", "honeypot_failed", { name: "ok", honeypot: "gotcha" }],
    ["no community", "couldnt_find_community", { name: "ok", community_id: 999_999 }],
    ["no title", "invalid_request", { name: undefined }],
  ])("a post with %s is refused with %s", async (_label, code, fields) => {
    expect(await errorOf(bob.createPost({ community_id: newsId, ...fields } as never))).toBe(code);
  });

  test("a title of exactly 200 characters and a body of 50,000 are fine", async () => {
    const { post_view: view } = await bob.createPost({
      community_id: newsId,
      name: "t".repeat(200),
      body: "b".repeat(50_000),
    });
    expect(view.post.name).toHaveLength(200);
  });

  test("posting needs a login, and only moderators post where posting is restricted to them", async () => {
    expect(await errorOf(anonymous.createPost({ community_id: newsId, name: "anonymous" }))).toBe("not_logged_in");
    expect(await errorOf(bob.createPost({ community_id: blogId, name: "not mine" }))).toBe(
      "only_mods_can_post_in_community",
    );
    expect(
      (await carol.createPost({ community_id: blogId, name: "My blog post" })).post_view.creator_is_moderator,
    ).toBe(true);
    // Admins may post too.
    expect((await alice.createPost({ community_id: blogId, name: "Admin note" })).post_view.post.name).toBe(
      "Admin note",
    );
  });

  test("votes: up, changed to down, retracted; the tally follows each step", async () => {
    const postId = (await alice.createPost({ community_id: newsId, name: "Vote on me" })).post_view.post.id;
    const up = await bob.likePost({ post_id: postId, score: 1 });
    expect(up.post_view.counts).toMatchObject({ score: 2, upvotes: 2, downvotes: 0 });
    expect(up.post_view.my_vote).toBe(1);
    const down = await bob.likePost({ post_id: postId, score: -1 });
    expect(down.post_view.counts).toMatchObject({ score: 0, upvotes: 1, downvotes: 1 });
    expect(down.post_view.my_vote).toBe(-1);
    const retracted = await bob.likePost({ post_id: postId, score: 0 });
    expect(retracted.post_view.counts).toMatchObject({ score: 1, upvotes: 1, downvotes: 0 });
    expect(retracted.post_view.my_vote).toBeUndefined();
    // The author can take back the automatic upvote.
    const own = await alice.likePost({ post_id: postId, score: 0 });
    expect(own.post_view.counts).toMatchObject({ score: 0, upvotes: 0, downvotes: 0 });
    expect(await errorOf(bob.likePost({ post_id: postId, score: 2 }))).toBe("invalid_vote_value");
    expect(await errorOf(bob.likePost({ post_id: 999_999, score: 1 }))).toBe("couldnt_find_post");
    expect(await errorOf(anonymous.likePost({ post_id: postId, score: 1 }))).toBe("not_logged_in");
  });

  test("downvotes are refused while the site turns them off; upvotes still count", async () => {
    const postId = (await alice.createPost({ community_id: newsId, name: "No downvotes" })).post_view.post.id;
    await updateSite(db, { enable_downvotes: false });
    try {
      expect(await errorOf(bob.likePost({ post_id: postId, score: -1 }))).toBe("downvotes_are_disabled");
      expect((await bob.likePost({ post_id: postId, score: 1 })).post_view.counts.score).toBe(2);
    } finally {
      await updateSite(db, { enable_downvotes: true });
    }
    expect((await bob.likePost({ post_id: postId, score: -1 })).post_view.counts.score).toBe(0);
  });

  test("the author deletes and restores a post; deleted posts leave listings and cannot be voted on", async () => {
    const postId = (await bob.createPost({ community_id: newsId, name: "Regret", body: "Secret" })).post_view.post.id;
    const postsBefore = (await anonymous.getCommunity({ id: newsId })).community_view.counts.posts;
    const bobPostsBefore = (await anonymous.getPersonDetails({ username: "bob" })).person_view.counts.post_count;
    expect(await errorOf(carol.deletePost({ post_id: postId, deleted: true }))).toBe("no_post_edit_allowed");

    const deleted = await bob.deletePost({ post_id: postId, deleted: true });
    expect(deleted.post_view.post).toMatchObject({ deleted: true, name: "Regret", body: "Secret" });
    // Deleting again changes nothing (and does not count twice).
    await bob.deletePost({ post_id: postId, deleted: true });
    expect((await anonymous.getCommunity({ id: newsId })).community_view.counts.posts).toBe(postsBefore - 1);
    expect((await anonymous.getPersonDetails({ username: "bob" })).person_view.counts.post_count).toBe(
      bobPostsBefore - 1,
    );
    expect(await errorOf(carol.likePost({ post_id: postId, score: 1 }))).toBe("couldnt_find_post");
    const listed = await anonymous.getPosts({ community_id: newsId, sort: "New", limit: 50 });
    expect(ids(listed.posts)).not.toContain(String(postId));
    // Still readable by id: in full by its author and moderators, without its content by others.
    expect((await bob.getPost({ id: postId })).post_view.post.body).toBe("Secret");
    expect((await alice.getPost({ id: postId })).post_view.post.body).toBe("Secret");
    const byOther = await carol.getPost({ id: postId });
    expect(byOther.post_view.post).toMatchObject({ deleted: true, name: "" });
    expect(byOther.post_view.post.body).toBeUndefined();

    const restored = await bob.deletePost({ post_id: postId, deleted: false });
    expect(restored.post_view.post.deleted).toBe(false);
    expect((await anonymous.getCommunity({ id: newsId })).community_view.counts.posts).toBe(postsBefore);
    expect(ids((await anonymous.getPosts({ community_id: newsId, sort: "New", limit: 50 })).posts)).toContain(
      String(postId),
    );
    expect((await carol.likePost({ post_id: postId, score: 1 })).post_view.counts.score).toBe(2);
  });

  test("only the author edits a post; a new link clears the old preview and queues a fetch", async () => {
    const postId = (await bob.createPost({ community_id: newsId, name: "Draft", url: "https://a.example/" })).post_view
      .post.id;
    await sql`update posts set embed_title = 'Old preview' where id = ${String(postId)}`.execute(db);
    expect(await errorOf(carol.editPost({ post_id: postId, name: "Hijacked" }))).toBe("no_post_edit_allowed");
    const kept = await bob.editPost({ post_id: postId, name: "Final", body: "Now with a body" });
    expect(kept.post_view.post).toMatchObject({ name: "Final", body: "Now with a body", embed_title: "Old preview" });
    expect(kept.post_view.post.updated).toBeDefined();
    const moved = await bob.editPost({ post_id: postId, url: "https://b.example/", body: "" });
    expect(moved.post_view.post.url).toBe("https://b.example/");
    expect(moved.post_view.post.embed_title).toBeUndefined();
    expect(moved.post_view.post.body).toBeUndefined();
    expect(await jobsFor(postId)).toBe(2);
    expect(await errorOf(bob.editPost({ post_id: postId, name: "x".repeat(201) }))).toBe("invalid_post_title");
    expect(await errorOf(bob.editPost({ post_id: 999_999, name: "x" }))).toBe("couldnt_find_post");
  });

  test("save and unsave; saved_only lists the saved posts", async () => {
    const postId = (await alice.createPost({ community_id: newsId, name: "Keep me" })).post_view.post.id;
    const saved = await bob.savePost({ post_id: postId, save: true });
    expect(saved.post_view.saved).toBe(true);
    expect(ids((await bob.getPosts({ saved_only: true, type_: "All" })).posts)).toEqual([String(postId)]);
    expect((await carol.getPosts({ saved_only: true, type_: "All" })).posts).toEqual([]);
    const unsaved = await bob.savePost({ post_id: postId, save: false });
    expect(unsaved.post_view.saved).toBe(false);
    expect((await bob.getPosts({ saved_only: true, type_: "All" })).posts).toEqual([]);
    expect(await errorOf(bob.savePost({ post_id: 999_999, save: true }))).toBe("couldnt_find_post");
  });

  test("featuring in a community needs a moderator or admin; on the front page an admin", async () => {
    const postId = (await carol.createPost({ community_id: blogId, name: "Pinned" })).post_view.post.id;
    expect(await errorOf(bob.featurePost({ post_id: postId, featured: true, feature_type: "Community" }))).toBe(
      "not_a_mod_or_admin",
    );
    const inCommunity = await carol.featurePost({ post_id: postId, featured: true, feature_type: "Community" });
    expect(inCommunity.post_view.post.featured_community).toBe(true);
    // carol moderates blog but is not an admin.
    expect(await errorOf(carol.featurePost({ post_id: postId, featured: true, feature_type: "Local" }))).toBe(
      "not_an_admin",
    );
    const onFrontPage = await alice.featurePost({ post_id: postId, featured: true, feature_type: "Local" });
    expect(onFrontPage.post_view.post).toMatchObject({ featured_local: true, featured_community: true });

    // Featured posts come first: in their community by featured_community, elsewhere by featured_local.
    await carol.createPost({ community_id: blogId, name: "Newer than the pinned one" });
    expect((await anonymous.getPosts({ community_id: blogId, sort: "New" })).posts[0]?.post.id).toBe(postId);
    expect((await anonymous.getPosts({ type_: "Local", sort: "New" })).posts[0]?.post.id).toBe(postId);
    await alice.featurePost({ post_id: postId, featured: false, feature_type: "Local" });
    expect((await anonymous.getPosts({ type_: "Local", sort: "New" })).posts[0]?.post.id).not.toBe(postId);
    expect((await anonymous.getPosts({ community_id: blogId, sort: "New" })).posts[0]?.post.id).toBe(postId);
  });

  test("locking needs a moderator or admin", async () => {
    const postId = (await bob.createPost({ community_id: newsId, name: "Heated" })).post_view.post.id;
    expect(await errorOf(bob.lockPost({ post_id: postId, locked: true }))).toBe("not_a_mod_or_admin");
    expect(await errorOf(carol.lockPost({ post_id: postId, locked: true }))).toBe("not_a_mod_or_admin");
    expect((await alice.lockPost({ post_id: postId, locked: true })).post_view.post.locked).toBe(true);
    expect((await alice.lockPost({ post_id: postId, locked: false })).post_view.post.locked).toBe(false);
  });

  test("listing types: Local, Subscribed and ModeratorView", async () => {
    const subscribed = await carol.getPosts({ type_: "Subscribed", sort: "New", limit: 50 });
    expect(subscribed.posts.length).toBeGreaterThan(0);
    expect(subscribed.posts.every((view) => view.community.id === blogId)).toBe(true);
    expect((await anonymous.getPosts({ type_: "Subscribed" })).posts).toEqual([]);
    const moderated = await alice.getPosts({ type_: "ModeratorView", sort: "New", limit: 50 });
    expect(moderated.posts.every((view) => view.community.id === newsId)).toBe(true);
    const byName = await anonymous.getPosts({ community_name: "blog", sort: "New", limit: 50 });
    expect(byName.posts.every((view) => view.community.id === blogId)).toBe(true);
    expect(await errorOf(anonymous.getPosts({ community_name: "nowhere" }))).toBe("couldnt_find_community");
    expect(await errorOf(anonymous.getPosts({ limit: 51 }))).toBe("invalid_request");
    expect(await errorOf(bob.getPosts({ liked_only: true, disliked_only: true }))).toBe("contradicting_filters");
  });

  describe("sorts on a crafted set", () => {
    let communityId: number;
    /** Crafted posts by label, with what the formulas need. */
    const posts = new Map<
      string,
      { id: string; score: number; published: Date; newestComment: Date | null; comments: number }
    >();

    beforeAll(async () => {
      communityId = (await alice.createCommunity({ name: "sorting", title: "Sorting" })).community_view.community.id;
      const now = Date.now();
      const specs: [string, number, number, number, number, number | null][] = [
        // label, hours ago, upvotes, downvotes, comments, newest comment (hours ago)
        ["p1", 1, 5, 0, 0, null],
        ["p2", 3, 50, 0, 10, 1 / 6],
        ["p3", 0.5, 1, 0, 3, 1 / 12],
        ["p4", 48, 200, 0, 1, 47],
        ["p5", 240, 1000, 0, 50, 200],
        ["p6", 20, 20, 10, 2, 2],
        ["p7", 5, 30, 30, 0, null],
        ["p8", 30, 0, 0, 0, null],
        ["p9", 40, 0, 0, 1, 1.5],
      ];
      for (const [label, hoursAgo, upvotes, downvotes, comments, commentHoursAgo] of specs) {
        const published = new Date(now - hoursAgo * HOUR);
        const newestComment = commentHoursAgo === null ? null : new Date(now - commentHoursAgo * HOUR);
        const id = await craftedPost(communityId, {
          title: label,
          published_at: published,
          upvotes,
          downvotes,
          score: upvotes - downvotes,
          comment_count: comments,
          newest_comment_at: newestComment,
        });
        posts.set(label, { id, score: upvotes - downvotes, published, newestComment, comments });
      }
    });

    const labels = (views: PostView[]) => views.map((view) => view.post.name);
    const list = (sort: SortType) => anonymous.getPosts({ community_id: communityId, sort, limit: 50 });

    test.each([
      ["New", ["p3", "p1", "p2", "p7", "p6", "p8", "p9", "p4", "p5"]],
      ["Old", ["p5", "p4", "p9", "p8", "p6", "p7", "p2", "p1", "p3"]],
      ["TopAll", ["p5", "p4", "p2", "p6", "p1", "p3", "p7", "p8", "p9"]],
      ["TopDay", ["p2", "p6", "p1", "p3", "p7"]],
      ["TopWeek", ["p4", "p2", "p6", "p1", "p3", "p7", "p8", "p9"]],
      ["MostComments", ["p5", "p2", "p3", "p6", "p9", "p4", "p1", "p7", "p8"]],
      ["NewComments", ["p3", "p2", "p1", "p9", "p6", "p7", "p8", "p4", "p5"]],
      ["Controversial", ["p7", "p6", "p3", "p1", "p2", "p8", "p9", "p4", "p5"]],
      ["Hot", ["p1", "p2", "p3", "p7", "p6", "p4", "p8", "p9", "p5"]],
    ] as [SortType, string[]][])("%s", async (sort, expected) => {
      expect(labels((await list(sort)).posts)).toEqual(expected);
    });

    test("Hot and Active follow their formulas (Lemmy's hot rank, Hexbear's Active)", async () => {
      const now = new Date();
      const byFormula = (rank: (p: typeof posts extends Map<string, infer V> ? V : never) => number) =>
        [...posts.entries()]
          .map(([label, p]) => ({ label, rank: rank(p), published: p.published.getTime() }))
          .sort((a, b) => b.rank - a.rank || b.published - a.published)
          .map((entry) => entry.label);
      const hot = byFormula((p) => hotRank(p.score, p.published, now));
      expect(labels((await list("Hot")).posts)).toEqual(hot);
      const active = byFormula((p) => activeRank(p.score, p.published, p.newestComment, now));
      expect(labels((await list("Active")).posts)).toEqual(active);
      // p9 is older than p8 but was commented on 38.5 hours after publication: Active ranks it
      // as if about 19.5 hours younger, which puts it above p8; Hot does not.
      expect(hot.indexOf("p8")).toBeLessThan(hot.indexOf("p9"));
      expect(active.indexOf("p9")).toBeLessThan(active.indexOf("p8"));
    });

    test("a post featured in its community comes first whatever the sort", async () => {
      const p5 = posts.get("p5")?.id ?? "";
      await sql`update posts set featured_community = true where id = ${p5}`.execute(db);
      try {
        for (const sort of ["New", "Hot", "Active", "TopDay"] as SortType[]) {
          const first = (await list(sort)).posts[0];
          // TopDay leaves p5 out (10 days old): the window applies to featured posts too.
          expect(first?.post.name).toBe(sort === "TopDay" ? "p2" : "p5");
        }
        // On the front page only featured_local counts: p5, the oldest post, stays last by New.
        const front = await anonymous.getPosts({ type_: "All", sort: "New", limit: 50 });
        expect(front.posts.at(-1)?.post.name).toBe("p5");
      } finally {
        await sql`update posts set featured_community = false where id = ${p5}`.execute(db);
      }
    });
  });

  describe("cursor pagination", () => {
    let communityId: number;

    beforeAll(async () => {
      communityId = (await alice.createCommunity({ name: "paging", title: "Paging" })).community_view.community.id;
      const now = Date.now();
      for (let i = 0; i < 25; i++) {
        // Groups of three posts share a publication time and many share scores and comment
        // counts, so only the id tells them apart: the cursor must carry every key.
        const published = new Date(now - Math.floor(i / 3) * 2 * HOUR);
        const upvotes = (i * 7) % 5;
        const downvotes = i % 3;
        await craftedPost(communityId, {
          title: `page post ${i}`,
          published_at: published,
          upvotes,
          downvotes,
          score: upvotes - downvotes,
          comment_count: i % 4,
          newest_comment_at: i % 2 ? new Date(published.getTime() + HOUR) : null,
        });
      }
    });

    async function walk(query: GetPosts, client: LemmyHttp = anonymous): Promise<{ ids: string[]; pages: number }> {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.getPosts({ ...query, page_cursor: cursor });
        seen.push(...ids(page.posts));
        cursor = page.next_page;
        pages += 1;
        if (pages > 20) throw new Error("pagination does not end");
      } while (cursor);
      return { ids: seen, pages };
    }

    test.each([
      "New",
      "Old",
      "Hot",
      "Active",
      "Scaled",
      "Controversial",
      "TopAll",
      "MostComments",
      "NewComments",
    ] as SortType[])("%s: pages of 4 give every post once, in the order of one big page", async (sort) => {
      const whole = await anonymous.getPosts({ community_id: communityId, sort, limit: 50 });
      expect(whole.posts).toHaveLength(25);
      expect(whole.next_page).toBeUndefined();
      const walked = await walk({ community_id: communityId, sort, limit: 4 });
      expect(walked.pages).toBe(7);
      expect(new Set(walked.ids).size).toBe(25);
      expect(walked.ids).toEqual(ids(whole.posts));
    });

    test("a post published while paging does not shift later pages (unlike page numbers)", async () => {
      const query = { community_id: communityId, sort: "New" as SortType, limit: 5 };
      const first = await anonymous.getPosts(query);
      const newPost = await craftedPost(communityId, { title: "late arrival" });
      try {
        const second = await anonymous.getPosts({ ...query, page_cursor: first.next_page });
        const byNumber = await anonymous.getPosts({ ...query, page: 2 });
        expect(ids(second.posts).filter((id) => ids(first.posts).includes(id))).toEqual([]);
        expect(ids(second.posts)).not.toContain(newPost);
        // Page numbers shift by the new post: page 2 repeats the last post of page 1.
        expect(ids(byNumber.posts)[0]).toBe(ids(first.posts).at(-1));
      } finally {
        await sql`delete from posts where id = ${newPost}`.execute(db);
      }
    });

    test("page numbers page too, and hand over to cursors", async () => {
      const whole = ids((await anonymous.getPosts({ community_id: communityId, sort: "Hot", limit: 50 })).posts);
      const second = await anonymous.getPosts({ community_id: communityId, sort: "Hot", limit: 6, page: 2 });
      expect(ids(second.posts)).toEqual(whole.slice(6, 12));
      const third = await anonymous.getPosts({
        community_id: communityId,
        sort: "Hot",
        limit: 6,
        page_cursor: second.next_page,
      });
      expect(ids(third.posts)).toEqual(whole.slice(12, 18));
    });

    test("a cursor of another sort, or no cursor at all, is refused", async () => {
      const page = await anonymous.getPosts({ community_id: communityId, sort: "New", limit: 3 });
      expect(page.next_page).toBeDefined();
      expect(
        await errorOf(anonymous.getPosts({ community_id: communityId, sort: "Old", page_cursor: page.next_page })),
      ).toBe("invalid_request");
      expect(await errorOf(anonymous.getPosts({ community_id: communityId, sort: "New", page_cursor: "P123" }))).toBe(
        "invalid_request",
      );
      const forged = Buffer.from(JSON.stringify({ v: 1, s: "New", t: 0, k: [false, "'; drop", "1"] })).toString(
        "base64url",
      );
      expect(await errorOf(anonymous.getPosts({ community_id: communityId, sort: "New", page_cursor: forged }))).toBe(
        "invalid_request",
      );
    });
  });
});
