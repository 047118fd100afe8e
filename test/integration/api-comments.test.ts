// Comments through the Lemmy v3 API, driven by lemmy-js-client: replies and their paths and
// counts, edit, delete and restore, votes, saves, locked and deleted posts, every sort, and a
// thread of 5,000 comments read a page at a time.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type CommentSort,
  commentThreadRootsQuery,
  createLocalCommunity,
  type Db,
  findLocalPersonByName,
  insertPost,
  MAX_THREAD_DESCENDANTS,
  type PostRow,
  refreshRanks,
} from "@plenum/core";
import { sql } from "kysely";
import type { CommentView, LemmyHttp } from "lemmy-js-client";
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

/** The comment ids in a path, root first ('0.4.9' gives [4, 9]). */
const pathIds = (view: CommentView) => view.comment.path.split(".").slice(1).map(Number);
const depthOf = (view: CommentView) => pathIds(view).length;
const parentIdOf = (view: CommentView) => pathIds(view).at(-2);

describe("comments", () => {
  let server: ApiServer;
  let db: Db;
  let alice: LemmyHttp; // admin, moderator of the community
  let bob: LemmyHttp;
  let carol: LemmyHttp;
  let anonymous: LemmyHttp;
  let communityId: string;
  let bobId: string;
  let postCount = 0;

  /** A post in the community by bob, inserted directly (the posts API is another issue's). */
  async function newPost(changes: Partial<Pick<PostRow, "locked" | "deleted" | "removed">> = {}): Promise<PostRow> {
    postCount += 1;
    const bobPerson = await findLocalPersonByName(db, "bob");
    if (!bobPerson) throw new Error("bob is missing");
    return insertPost(db, {
      ap_id: `${server.runtime.config.origin}/post/test-${postCount}`,
      local: true,
      instance_id: bobPerson.instance_id,
      community_id: communityId,
      creator_id: bobPerson.id,
      title: `Post ${postCount}`,
      ...changes,
    });
  }

  const reply = (client: LemmyHttp, post: PostRow, content: string, parent?: CommentView) =>
    client
      .createComment({ post_id: Number(post.id), content, parent_id: parent?.comment.id })
      .then((response) => response.comment_view);

  async function counters(postId: string, personName: string) {
    const post = await db
      .selectFrom("posts")
      .select("comment_count")
      .where("id", "=", postId)
      .executeTakeFirstOrThrow();
    const community = await db
      .selectFrom("communities")
      .select("comment_count")
      .where("id", "=", communityId)
      .executeTakeFirstOrThrow();
    const person = await db
      .selectFrom("persons")
      .select("comment_count")
      .where("name", "=", personName)
      .executeTakeFirstOrThrow();
    return { post: post.comment_count, community: community.comment_count, person: person.comment_count };
  }

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    alice = (await server.user("alice")).client;
    bob = (await server.user("bob")).client;
    carol = (await server.user("carol")).client;
    anonymous = server.client();
    const community = await createLocalCommunity(db, server.runtime.contextData.urls, {
      name: "lobby",
      title: "Lobby",
      moderatorName: "alice",
    });
    if (!community.ok) throw new Error(community.error.type);
    communityId = community.value.id;
    bobId = (await findLocalPersonByName(db, "bob"))?.id ?? "";
  });

  afterAll(async () => {
    await server?.close();
  });

  describe("writing", () => {
    test("a reply three levels deep has its path, its ActivityPub id, and every ancestor counts it", async () => {
      const post = await newPost();
      const before = await counters(post.id, "carol");
      const top = await reply(alice, post, "Top-level *comment*");
      const second = await reply(bob, post, "A reply", top);
      const third = await reply(carol, post, "A reply to the reply", second);

      expect(top.comment.path).toBe(`0.${top.comment.id}`);
      expect(second.comment.path).toBe(`0.${top.comment.id}.${second.comment.id}`);
      expect(third.comment.path).toBe(`0.${top.comment.id}.${second.comment.id}.${third.comment.id}`);
      expect(third.comment.ap_id).toBe(server.runtime.contextData.urls.comment(String(third.comment.id)));
      expect(third).toMatchObject({
        comment: { content: "A reply to the reply", post_id: Number(post.id), deleted: false, language_id: 0 },
        creator: { name: "carol" },
        post: { id: Number(post.id) },
        community: { name: "lobby" },
        // The creator's own upvote, as in Lemmy.
        counts: { score: 1, upvotes: 1, downvotes: 0, child_count: 0 },
        my_vote: 1,
        saved: false,
        creator_is_moderator: false,
        creator_is_admin: false,
      });

      const read = async (view: CommentView) => (await anonymous.getComment({ id: view.comment.id })).comment_view;
      expect((await read(top)).counts.child_count).toBe(2);
      expect((await read(second)).counts.child_count).toBe(1);
      expect((await read(third)).counts.child_count).toBe(0);
      const topView = await read(top);
      expect(topView).toMatchObject({
        creator_is_moderator: true,
        creator_is_admin: true,
        subscribed: "NotSubscribed",
      });
      expect(topView.my_vote).toBeUndefined();

      const after = await counters(post.id, "carol");
      expect(after.post).toBe(before.post + 3);
      expect(after.community).toBe(before.community + 3);
      expect(after.person).toBe(before.person + 1);
      const row = await db.selectFrom("posts").select("newest_comment_at").where("id", "=", post.id).executeTakeFirst();
      expect(row?.newest_comment_at?.toISOString()).toBe(third.comment.published);
    });

    test("content must be 1 to 10,000 characters, and the post and parent must exist", async () => {
      const post = await newPost();
      const other = await newPost();
      const elsewhere = await reply(bob, other, "On another post");
      const form = { post_id: Number(post.id), content: "fine" };
      expect(await errorOf(bob.createComment({ ...form, content: "" }))).toBe("invalid_body_field");
      expect(await errorOf(bob.createComment({ ...form, content: "  \n " }))).toBe("invalid_body_field");
      expect(await errorOf(bob.createComment({ ...form, content: "x".repeat(10_001) }))).toBe("invalid_body_field");
      expect((await reply(bob, post, "x".repeat(10_000))).comment.content).toHaveLength(10_000);
      expect(await errorOf(bob.createComment({ ...form, post_id: 999_999 }))).toBe("couldnt_find_post");
      expect(await errorOf(bob.createComment({ ...form, parent_id: 999_999 }))).toBe("couldnt_find_comment");
      expect(await errorOf(bob.createComment({ ...form, parent_id: elsewhere.comment.id }))).toBe(
        "couldnt_find_comment",
      );
      expect(await errorOf(bob.createComment({ ...form, language_id: 9999 }))).toBe("language_not_allowed");
      expect(await errorOf(anonymous.createComment(form))).toBe("not_logged_in");
      expect(await errorOf(bob.createComment({ post_id: Number(post.id) } as never))).toBe("invalid_request");
    });

    test("replies stop at Lemmy's depth of 50", async () => {
      const post = await newPost();
      let parent: CommentView | undefined;
      for (let depth = 1; depth <= 50; depth++) parent = await reply(bob, post, `depth ${depth}`, parent);
      expect(parent && depthOf(parent)).toBe(50);
      expect(await errorOf(reply(bob, post, "depth 51", parent))).toBe("max_comment_depth_reached");
    });

    test("a locked post takes no replies, except from its community's moderators", async () => {
      const post = await newPost({ locked: true });
      expect(await errorOf(reply(bob, post, "Let me in"))).toBe("locked");
      expect((await reply(alice, post, "Moderator note")).comment.content).toBe("Moderator note");
    });

    test("a deleted or removed post takes no replies", async () => {
      for (const post of [await newPost({ deleted: true }), await newPost({ removed: true })]) {
        expect(await errorOf(reply(bob, post, "Anyone here?"))).toBe("deleted");
      }
    });

    test("only the author edits a comment; the edit sets `updated`", async () => {
      const post = await newPost();
      const comment = await reply(bob, post, "Frist");
      expect(comment.comment.updated).toBeUndefined();
      const edited = (await bob.editComment({ comment_id: comment.comment.id, content: "First", language_id: 9 }))
        .comment_view;
      expect(edited.comment).toMatchObject({ content: "First", language_id: 9 });
      expect(edited.comment.updated).toEqual(expect.any(String));
      expect(await errorOf(carol.editComment({ comment_id: comment.comment.id, content: "Mine now" }))).toBe(
        "no_comment_edit_allowed",
      );
      expect(await errorOf(alice.editComment({ comment_id: comment.comment.id, content: "Admin edit" }))).toBe(
        "no_comment_edit_allowed",
      );
      expect(await errorOf(bob.editComment({ comment_id: comment.comment.id, content: "" }))).toBe(
        "invalid_body_field",
      );
      expect(await errorOf(bob.editComment({ comment_id: 999_999, content: "x" }))).toBe("couldnt_find_comment");
      expect((await anonymous.getComment({ id: comment.comment.id })).comment_view.comment.content).toBe("First");
    });

    test("a deleted comment keeps its place and replies, shows no content to others, and counts come back on restore", async () => {
      const post = await newPost();
      const top = await reply(alice, post, "Top");
      const middle = await reply(bob, post, "Regrettable");
      const answer = await reply(carol, post, "An answer", middle);
      const before = await counters(post.id, "bob");

      expect(await errorOf(carol.deleteComment({ comment_id: middle.comment.id, deleted: true }))).toBe(
        "no_comment_edit_allowed",
      );
      const deleted = (await bob.deleteComment({ comment_id: middle.comment.id, deleted: true })).comment_view;
      // The author still sees what they wrote.
      expect(deleted.comment).toMatchObject({ deleted: true, content: "Regrettable", path: middle.comment.path });
      expect(await errorOf(bob.deleteComment({ comment_id: middle.comment.id, deleted: true }))).toBe(
        "couldnt_update_comment",
      );
      const during = await counters(post.id, "bob");
      expect(during).toEqual({ post: before.post - 1, community: before.community - 1, person: before.person - 1 });

      const thread = (await carol.getComments({ post_id: Number(post.id), max_depth: 8, sort: "Old" })).comments;
      expect(thread.map((view) => view.comment.id)).toEqual([top.comment.id, middle.comment.id, answer.comment.id]);
      const shown = thread[1];
      expect(shown?.comment).toMatchObject({ deleted: true, content: "", path: middle.comment.path });
      expect(shown?.counts.child_count).toBe(1);
      expect((await anonymous.getComment({ id: middle.comment.id })).comment_view.comment.content).toBe("");
      // Admins see the content, as in Lemmy.
      expect((await alice.getComment({ id: middle.comment.id })).comment_view.comment.content).toBe("Regrettable");

      const restored = (await bob.deleteComment({ comment_id: middle.comment.id, deleted: false })).comment_view;
      expect(restored.comment).toMatchObject({ deleted: false, content: "Regrettable" });
      expect(await counters(post.id, "bob")).toEqual(before);
      expect((await anonymous.getComment({ id: middle.comment.id })).comment_view.comment.content).toBe("Regrettable");
    });

    test("votes are changed and retracted, with the counts after each", async () => {
      const post = await newPost();
      const comment = await reply(bob, post, "Vote on me");
      const like = async (client: LemmyHttp, score: number) =>
        (await client.likeComment({ comment_id: comment.comment.id, score })).comment_view;

      let view = await like(carol, 1);
      expect(view.counts).toMatchObject({ score: 2, upvotes: 2, downvotes: 0 });
      expect(view.my_vote).toBe(1);
      view = await like(carol, -1);
      expect(view.counts).toMatchObject({ score: 0, upvotes: 1, downvotes: 1 });
      expect(view.my_vote).toBe(-1);
      view = await like(alice, -1);
      expect(view.counts).toMatchObject({ score: -1, upvotes: 1, downvotes: 2 });
      view = await like(carol, 0);
      expect(view.counts).toMatchObject({ score: 0, upvotes: 1, downvotes: 1 });
      expect(view.my_vote).toBeUndefined();
      // The author retracts the automatic upvote.
      view = await like(bob, 0);
      expect(view.counts).toMatchObject({ score: -1, upvotes: 0, downvotes: 1 });
      expect((await alice.getComment({ id: comment.comment.id })).comment_view.my_vote).toBe(-1);
      expect(await errorOf(carol.likeComment({ comment_id: comment.comment.id, score: 2 }))).toBe("invalid_request");
      expect(await errorOf(carol.likeComment({ comment_id: 999_999, score: 1 }))).toBe("couldnt_find_comment");
    });

    test("downvotes are refused while the site disables them", async () => {
      const post = await newPost();
      const comment = await reply(bob, post, "No downvotes here");
      await db.updateTable("site").set({ enable_downvotes: false }).execute();
      try {
        expect(await errorOf(carol.likeComment({ comment_id: comment.comment.id, score: -1 }))).toBe(
          "downvotes_are_disabled",
        );
        const view = (await carol.likeComment({ comment_id: comment.comment.id, score: 1 })).comment_view;
        expect(view.counts).toMatchObject({ score: 2, upvotes: 2, downvotes: 0 });
      } finally {
        await db.updateTable("site").set({ enable_downvotes: true }).execute();
      }
    });

    test("a deleted comment takes no votes", async () => {
      const post = await newPost();
      const comment = await reply(bob, post, "Going away");
      await bob.deleteComment({ comment_id: comment.comment.id, deleted: true });
      expect(await errorOf(carol.likeComment({ comment_id: comment.comment.id, score: 1 }))).toBe("deleted");
      const row = await db
        .selectFrom("comments")
        .select(["score", "upvotes"])
        .where("id", "=", String(comment.comment.id))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ score: 1, upvotes: 1 });
    });

    test("saving and unsaving, and the saved list", async () => {
      const post = await newPost();
      const first = await reply(bob, post, "Worth keeping");
      const second = await reply(bob, post, "Also worth keeping");
      expect((await carol.saveComment({ comment_id: first.comment.id, save: true })).comment_view.saved).toBe(true);
      expect((await carol.saveComment({ comment_id: second.comment.id, save: true })).comment_view.saved).toBe(true);
      expect((await carol.saveComment({ comment_id: second.comment.id, save: true })).comment_view.saved).toBe(true);
      const saved = (await carol.getComments({ saved_only: true })).comments;
      // Most recently saved first, as in Lemmy.
      expect(saved.map((view) => view.comment.id)).toEqual([second.comment.id, first.comment.id]);
      expect(saved.every((view) => view.saved)).toBe(true);
      expect((await bob.getComments({ saved_only: true })).comments).toEqual([]);
      expect((await carol.saveComment({ comment_id: first.comment.id, save: false })).comment_view.saved).toBe(false);
      expect((await carol.getComments({ saved_only: true })).comments.map((view) => view.comment.id)).toEqual([
        second.comment.id,
      ]);
      expect(await errorOf(carol.saveComment({ comment_id: 999_999, save: true }))).toBe("couldnt_find_comment");
    });
  });

  describe("sorts", () => {
    let post: PostRow;
    /** Crafted top-level comments by name, and replies under `hot`. */
    const ids: Record<string, number> = {};

    /** Sets a comment's age in minutes and its votes (score = up - down). */
    async function craft(id: number, minutesAgo: number, upvotes: number, downvotes: number) {
      await db
        .updateTable("comments")
        .set({
          published_at: new Date(Date.now() - minutesAgo * 60_000),
          upvotes,
          downvotes,
          score: upvotes - downvotes,
        })
        .where("id", "=", String(id))
        .execute();
    }

    beforeAll(async () => {
      post = await newPost();
      // name: [minutes ago, upvotes, downvotes]
      const shape: Record<string, [number, number, number]> = {
        hot: [60, 10, 0], // hot rank log10(12) / 3^1.8 = 0.149
        ancient: [30 * 24 * 60, 100, 0], // best score, but older than 7 days: hot rank 0
        fresh: [5, 1, 0], // 0.127
        contested: [120, 20, 18], // controversy 38^(18/20) = 26.3; hot 0.050
        split: [180, 5, 5], // controversy 10; hot 0.017
      };
      for (const [name, [minutes, up, down]] of Object.entries(shape)) {
        ids[name] = (await reply(bob, post, name)).comment.id;
        await craft(ids[name] ?? 0, minutes, up, down);
      }
      const parent = (await anonymous.getComment({ id: ids.hot ?? 0 })).comment_view;
      for (const [name, [minutes, up, down]] of Object.entries({
        low: [10, 1, 0],
        high: [20, 7, 0],
        middle: [30, 3, 0],
      } as Record<string, [number, number, number]>)) {
        ids[name] = (await reply(carol, post, name, parent)).comment.id;
        await craft(ids[name] ?? 0, minutes, up, down);
      }
      // The crafted rows were changed behind the services' back: rank them again, as the
      // worker's periodic refresh would.
      await refreshRanks(db);
    });

    const expected: Record<CommentSort, string[]> = {
      Hot: ["hot", "fresh", "contested", "split", "ancient"],
      Top: ["ancient", "hot", "contested", "fresh", "split"],
      New: ["fresh", "hot", "contested", "split", "ancient"],
      Old: ["ancient", "split", "contested", "hot", "fresh"],
      // Ties at 0 fall back to score, then id.
      Controversial: ["contested", "split", "ancient", "hot", "fresh"],
    };
    const expectedReplies: Record<CommentSort, string[]> = {
      Hot: ["high", "middle", "low"],
      Top: ["high", "middle", "low"],
      New: ["low", "high", "middle"],
      Old: ["middle", "high", "low"],
      Controversial: ["high", "middle", "low"],
    };

    test.each(Object.keys(expected) as CommentSort[])("%s orders a thread's levels and a flat list", async (sort) => {
      const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
      const thread = (await anonymous.getComments({ post_id: Number(post.id), sort, max_depth: 2 })).comments;
      const named = thread.map((view) => names.get(view.comment.id));
      expect(named).toEqual([...expected[sort], ...expectedReplies[sort]]);
      const roots = (await anonymous.getComments({ post_id: Number(post.id), sort, max_depth: 1 })).comments;
      expect(roots.map((view) => names.get(view.comment.id))).toEqual(expected[sort]);
      const replies = (await anonymous.getComments({ parent_id: ids.hot, sort, max_depth: 2 })).comments;
      expect(replies.map((view) => names.get(view.comment.id))).toEqual(["hot", ...expectedReplies[sort]]);
    });

    test("a flat list of a post (no max_depth) pages through comments of every depth in the sort's order", async () => {
      const first = (await anonymous.getComments({ post_id: Number(post.id), sort: "New", limit: 3 })).comments;
      const second = (await anonymous.getComments({ post_id: Number(post.id), sort: "New", limit: 3, page: 2 }))
        .comments;
      const third = (await anonymous.getComments({ post_id: Number(post.id), sort: "New", limit: 3, page: 3 }))
        .comments;
      const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
      expect([...first, ...second, ...third].map((view) => names.get(view.comment.id))).toEqual([
        "fresh",
        "low",
        "high",
        "middle",
        "hot",
        "contested",
        "split",
        "ancient",
      ]);
    });
  });

  describe("a thread of 5,000 comments", () => {
    let post: PostRow;
    let rootCount = 0;
    /** Top-level comments per page in these tests. */
    const LIMIT = 40;

    beforeAll(async () => {
      post = await newPost();
      // A few through the API, so the thread mixes both kinds of rows.
      for (let i = 0; i < 3; i++) {
        const top = await reply(alice, post, `API comment ${i}`);
        await reply(carol, post, `API reply ${i}`, top);
      }
      const instanceId = (await findLocalPersonByName(db, "bob"))?.instance_id ?? "";
      const origin = server.runtime.config.origin;
      // 500 top-level comments a minute apart, each with 7 replies, the first of which has 2
      // replies: 500 + 3,500 + 1,000 = 5,000 rows in three statements. Scores vary for Top.
      await sql`
        insert into comments (ap_id, local, instance_id, post_id, creator_id, path, body, published_at, score, upvotes)
        select ${origin}::text || '/comment/bulk-root-' || g, true, ${instanceId}::bigint, ${post.id}::bigint,
               ${bobId}::bigint, '0'::ltree, 'bulk root',
               now() - make_interval(mins => g), (g * 37) % 101, (g * 37) % 101
        from generate_series(1, 500) g`.execute(db);
      await sql`
        update comments set path = text2ltree('0.' || id)
        where post_id = ${post.id} and body = 'bulk root'`.execute(db);
      await sql`
        insert into comments (ap_id, local, instance_id, post_id, creator_id, parent_id, path, body, published_at, score, upvotes)
        select ${origin}::text || '/comment/bulk-child-' || r.id || '-' || k, true, ${instanceId}::bigint,
               ${post.id}::bigint, ${bobId}::bigint, r.id,
               r.path, 'bulk child ' || k, r.published_at + make_interval(secs => k), k, k
        from comments r cross join generate_series(1, 7) k
        where r.post_id = ${post.id} and r.body = 'bulk root'`.execute(db);
      await sql`
        insert into comments (ap_id, local, instance_id, post_id, creator_id, parent_id, path, body, published_at)
        select ${origin}::text || '/comment/bulk-grandchild-' || c.id || '-' || k, true, ${instanceId}::bigint,
               ${post.id}::bigint, ${bobId}::bigint,
               c.id, c.path || text2ltree(c.id::text), 'bulk grandchild', c.published_at + make_interval(secs => k)
        from comments c cross join generate_series(1, 2) k
        where c.post_id = ${post.id} and c.body = 'bulk child 1'`.execute(db);
      await sql`
        update comments set path = path || text2ltree(id::text)
        where post_id = ${post.id} and body like 'bulk%' and body <> 'bulk root'`.execute(db);
      // child_count of every comment of the post: its descendants, found through their paths.
      await sql`
        update comments c set child_count = counted.n
        from (
          select ancestor::bigint as id, count(*)::int as n
          from comments d
          cross join lateral unnest(string_to_array(ltree2text(subltree(d.path, 1, nlevel(d.path) - 1)), '.')) ancestor
          where d.post_id = ${post.id} and nlevel(d.path) > 2
          group by ancestor
        ) counted
        where c.id = counted.id`.execute(db);
      // Compacted (the updates above left a dead version of every row, and how much of that
      // space autovacuum has reclaimed by now varies from run to run), so the planner sees the
      // same table, and chooses the same plans, on every run.
      await sql`vacuum (full, analyze) comments`.execute(db);
      const totals = await db
        .selectFrom("comments")
        .where("post_id", "=", post.id)
        .select((eb) => [
          eb.fn.countAll<string>().as("all"),
          eb.fn.count<string>("id").filterWhere("parent_id", "is", null).as("roots"),
        ])
        .executeTakeFirstOrThrow();
      expect(Number(totals.all)).toBe(5_006);
      rootCount = Number(totals.roots);
      expect(rootCount).toBe(503);
    });

    /** Every page of the thread until an empty one. */
    async function readAllPages(sort: CommentSort, maxDepth: number): Promise<CommentView[][]> {
      const pages: CommentView[][] = [];
      for (let page = 1; ; page++) {
        const { comments } = await anonymous.getComments({
          post_id: Number(post.id),
          sort,
          max_depth: maxDepth,
          limit: LIMIT,
          page,
        });
        if (comments.length === 0) return pages;
        pages.push(comments);
        expect(page).toBeLessThan(100);
      }
    }

    test.each(["New", "Top", "Old"] as CommentSort[])(
      "read a page at a time by %s, every top-level comment comes exactly once, with bounded replies",
      async (sort) => {
        const pages = await readAllPages(sort, 3);
        expect(pages).toHaveLength(Math.ceil(rootCount / LIMIT));
        const seen = new Set<number>();
        for (const comments of pages) {
          const roots = comments.filter((view) => depthOf(view) === 1);
          const replies = comments.filter((view) => depthOf(view) > 1);
          expect(roots.length).toBeLessThanOrEqual(LIMIT);
          expect(replies.length).toBeLessThanOrEqual(MAX_THREAD_DESCENDANTS);
          expect(replies.every((view) => depthOf(view) <= 3)).toBe(true);
          // Top-level comments first, then each reply after its parent: a client builds the tree in one pass.
          expect(comments.slice(0, roots.length)).toEqual(roots);
          const earlier = new Set<number>();
          for (const view of comments) {
            if (depthOf(view) > 1) expect(earlier.has(parentIdOf(view) ?? 0)).toBe(true);
            earlier.add(view.comment.id);
          }
          for (const root of roots) {
            expect(seen.has(root.comment.id)).toBe(false);
            seen.add(root.comment.id);
          }
        }
        expect(seen.size).toBe(rootCount);
      },
    );

    test("a page of 40 bulk top-level comments carries 280 replies and the best 20 of the next level", async () => {
      // Page 2 by New: only bulk comments (the API ones are the newest, on page 1).
      const { comments } = await anonymous.getComments({
        post_id: Number(post.id),
        sort: "New",
        max_depth: 3,
        limit: LIMIT,
        page: 2,
      });
      const byDepth = (depth: number) => comments.filter((view) => depthOf(view) === depth);
      expect(byDepth(1)).toHaveLength(LIMIT);
      expect(byDepth(2)).toHaveLength(7 * LIMIT);
      expect(byDepth(3)).toHaveLength(MAX_THREAD_DESCENDANTS - 7 * LIMIT);
      // The newest grandchildren were chosen.
      const newest = byDepth(3).map((view) => view.comment.published);
      expect(newest).toEqual([...newest].sort().reverse());
      // Where replies were left out, child_count says so: the client asks by parent_id.
      const shownChildren = (view: CommentView) => comments.filter((other) => parentIdOf(other) === view.comment.id);
      const cutShort = byDepth(2).filter((view) => shownChildren(view).length < view.counts.child_count);
      expect(cutShort.length).toBeGreaterThan(0);
      const parent = cutShort[0];
      if (!parent) throw new Error("unreachable");
      const continued = (await anonymous.getComments({ parent_id: parent.comment.id, max_depth: 8, sort: "New" }))
        .comments;
      expect(continued[0]?.comment.id).toBe(parent.comment.id);
      expect(continued.slice(1).map((view) => parentIdOf(view))).toEqual([parent.comment.id, parent.comment.id]);
      expect(continued).toHaveLength(1 + parent.counts.child_count);
    });

    test("limit is capped at 50 top-level comments, and max_depth 1 returns no replies", async () => {
      const { comments } = await anonymous.getComments({ post_id: Number(post.id), max_depth: 1, limit: 999 });
      expect(comments).toHaveLength(50);
      expect(comments.every((view) => depthOf(view) === 1)).toBe(true);
      // Without limit, lemmy-ui's thread request, a page is as large as it may be.
      const { comments: defaulted } = await anonymous.getComments({ post_id: Number(post.id), max_depth: 8 });
      expect(defaulted.filter((view) => depthOf(view) === 1)).toHaveLength(50);
      expect(defaulted.length).toBeLessThanOrEqual(50 + MAX_THREAD_DESCENDANTS);
    });

    test("continuing below a comment pages through its direct replies, the comment first each time", async () => {
      const root = await db
        .selectFrom("comments")
        .select(["id", "child_count"])
        .where("post_id", "=", post.id)
        .where("body", "=", "bulk root")
        .orderBy("id")
        .executeTakeFirstOrThrow();
      const children = await db
        .selectFrom("comments")
        .select("id")
        .where("parent_id", "=", root.id)
        .orderBy("id")
        .execute();
      expect(children).toHaveLength(7);
      const seen: number[] = [];
      for (let page = 1; page <= 4; page++) {
        const { comments } = await anonymous.getComments({
          parent_id: Number(root.id),
          max_depth: 1,
          limit: 3,
          page,
          sort: "Old",
        });
        expect(comments[0]?.comment.id).toBe(Number(root.id));
        expect(comments.length - 1).toBe([3, 3, 1, 0][page - 1]);
        seen.push(...comments.slice(1).map((view) => view.comment.id));
      }
      expect(seen).toEqual(children.map((child) => Number(child.id)));
    });

    test("a page of top-level comments reads only the post's top-level comments, in index order for Hot, New and Old", async () => {
      interface PlanNode {
        "Node Type": string;
        "Relation Name"?: string;
        "Index Name"?: string;
        "Actual Rows": number;
        Plans?: PlanNode[];
      }
      const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
      async function planOf(sort: CommentSort, page: number): Promise<PlanNode[]> {
        const query = commentThreadRootsQuery(
          db,
          { postId: post.id, parent: null, sort, page, limit: LIMIT, maxDepth: 1 },
          null,
        );
        const [explained] = await query.explain("json", sql`analyze`);
        const plan = (explained?.["QUERY PLAN"] as { Plan: PlanNode }[] | undefined)?.[0]?.Plan;
        if (!plan) throw new Error("no plan");
        return nodes(plan);
      }
      for (const sort of ["Hot", "Top", "New", "Old", "Controversial"] as CommentSort[]) {
        for (const page of [1, 10]) {
          const all = await planOf(sort, page);
          // Only the post's top-level comments are read, through their index...
          const scans = all.filter((node) => node["Relation Name"] === "comments");
          expect(scans.length).toBeGreaterThan(0);
          expect(scans.map((node) => node["Node Type"])).not.toContain("Seq Scan");
          expect(scans.every((node) => node["Actual Rows"] <= rootCount)).toBe(true);
          // (Hot has its own index in its order; deep into the thread the planner may rather
          // sort the top-level comments, which reads no more of them.)
          const indexes = [...new Set(all.flatMap((node) => node["Index Name"] ?? []))];
          expect(indexes).toHaveLength(1);
          expect(sort === "Hot" ? ["comments_roots_hot_idx", "comments_roots_idx"] : ["comments_roots_idx"]).toContain(
            indexes[0],
          );
          // ...and a sort, where the planner chooses one, ranks only those.
          for (const sortNode of all.filter((node) => node["Node Type"].includes("Sort"))) {
            for (const input of sortNode.Plans ?? []) expect(input["Actual Rows"]).toBeLessThanOrEqual(rootCount);
          }
        }
      }
      // The first page by Hot, New or Old is read in index order: the page's rows and nothing else.
      for (const sort of ["Hot", "New", "Old"] as CommentSort[]) {
        const all = await planOf(sort, 1);
        expect(all.filter((node) => node["Node Type"].includes("Sort"))).toEqual([]);
        expect(all.find((node) => node["Relation Name"] === "comments")?.["Actual Rows"]).toBe(LIMIT);
      }
    });
  });

  describe("lists", () => {
    test("a community's comments and the site's, newest first, with anonymous readers kept out of local-only communities", async () => {
      const post = await newPost();
      const latest = await reply(carol, post, "The latest word");
      const site = (await anonymous.getComments({ sort: "New", limit: 1 })).comments;
      expect(site.map((view) => view.comment.id)).toEqual([latest.comment.id]);
      const inCommunity = (await anonymous.getComments({ community_id: Number(communityId), sort: "New", limit: 1 }))
        .comments;
      expect(inCommunity.map((view) => view.comment.id)).toEqual([latest.comment.id]);
      const byName = (await anonymous.getComments({ community_name: "lobby", sort: "New", limit: 1 })).comments;
      expect(byName.map((view) => view.comment.id)).toEqual([latest.comment.id]);
      expect(await errorOf(anonymous.getComments({ community_name: "nowhere" }))).toBe("couldnt_find_community");

      await db.updateTable("communities").set({ visibility: "LocalOnly" }).where("id", "=", communityId).execute();
      try {
        expect((await anonymous.getComments({ sort: "New", limit: 1 })).comments).toEqual([]);
        expect(await errorOf(anonymous.getComment({ id: latest.comment.id }))).toBe("couldnt_find_comment");
        expect((await bob.getComment({ id: latest.comment.id })).comment_view.comment.id).toBe(latest.comment.id);
      } finally {
        await db.updateTable("communities").set({ visibility: "Public" }).where("id", "=", communityId).execute();
      }
    });

    test("liked_only and disliked_only list others' comments by the reader's vote", async () => {
      const post = await newPost();
      const liked = await reply(bob, post, "Liked");
      const disliked = await reply(bob, post, "Disliked");
      await reply(carol, post, "Carol's own");
      await carol.likeComment({ comment_id: liked.comment.id, score: 1 });
      await carol.likeComment({ comment_id: disliked.comment.id, score: -1 });
      const ids = async (form: { liked_only?: boolean; disliked_only?: boolean }) =>
        (await carol.getComments({ post_id: Number(post.id), ...form })).comments.map((view) => view.comment.id);
      expect(await ids({ liked_only: true })).toEqual([liked.comment.id]);
      expect(await ids({ disliked_only: true })).toEqual([disliked.comment.id]);
      expect(await errorOf(carol.getComments({ liked_only: true, disliked_only: true }))).toBe("contradicting_filters");
    });

    test("a missing parent is couldnt_find_comment; malformed queries are invalid_request", async () => {
      expect(await errorOf(anonymous.getComments({ parent_id: 999_999 }))).toBe("couldnt_find_comment");
      expect(await errorOf(anonymous.getComments({ sort: "Sideways" as never }))).toBe("invalid_request");
      expect(await errorOf(anonymous.getComments({ page: 0 }))).toBe("invalid_request");
      expect(await errorOf(anonymous.getComments({ page: 101 }))).toBe("couldnt_get_comments");
      expect(await errorOf(anonymous.getComment({ id: 999_999 }))).toBe("couldnt_find_comment");
    });
  });
});
