// Purges delete for real (the rows, what hangs from them, and their votes) and fix the counters
// those rows fed; the modlog lists every moderator and admin action, per community and site-wide,
// and hides moderators' names from readers who are not moderators when the site says so.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Db } from "@plenum/core";
import { sql } from "kysely";
import type { GetModlogResponse, LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";

describe("purges and the modlog", () => {
  let server: ApiServer;
  let db: Db;
  let admin: LemmyHttp;
  let moe: LemmyHttp;
  let bob: LemmyHttp;
  let eve: LemmyHttp;
  let anonymous: LemmyHttp;
  const ids = {} as Record<"ada" | "moe" | "bob" | "eve", number>;
  let newsId: number;

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    const users = {} as Record<"ada" | "moe" | "bob" | "eve", LemmyHttp>;
    for (const name of ["ada", "moe", "bob", "eve"] as const) {
      const client = (await server.user(name)).client;
      users[name] = client;
      ids[name] = (await client.getSite()).my_user?.local_user_view.person.id ?? 0;
    }
    ({ ada: admin, moe, bob, eve } = users);
    anonymous = server.client();
    newsId = (await moe.createCommunity({ name: "news", title: "News" })).community_view.community.id;
    // New sites hide moderators' names (Lemmy's default); these tests show them unless they say.
    await admin.editSite({ hide_modlog_mod_names: false });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function count(query: ReturnType<typeof sql<{ n: string }>>): Promise<number> {
    return Number((await query.execute(db)).rows[0]?.n);
  }

  /** A post by bob with two comments by eve (one a reply) and votes on each from moe and eve. */
  async function discussion(communityId = newsId) {
    const postId = (await bob.createPost({ community_id: communityId, name: "Discussion" })).post_view.post.id;
    const top = (await eve.createComment({ post_id: postId, content: "Top" })).comment_view.comment.id;
    const reply = (await eve.createComment({ post_id: postId, parent_id: top, content: "Reply" })).comment_view.comment
      .id;
    const bobReply = (await bob.createComment({ post_id: postId, parent_id: reply, content: "Deeper" })).comment_view
      .comment.id;
    await moe.likePost({ post_id: postId, score: 1 });
    await eve.likePost({ post_id: postId, score: -1 });
    await moe.likeComment({ comment_id: top, score: 1 });
    await moe.likeComment({ comment_id: reply, score: -1 });
    return { postId, top, reply, bobReply };
  }

  const counts = async (name: string) => (await anonymous.getPersonDetails({ username: name })).person_view.counts;
  const communityCounts = async (id = newsId) => (await anonymous.getCommunity({ id })).community_view.counts;

  test("purging a post deletes it, its comments and all their votes, and fixes the counters", async () => {
    const d = await discussion();
    const [bobBefore, eveBefore, newsBefore] = [await counts("bob"), await counts("eve"), await communityCounts()];
    await admin.purgePost({ post_id: d.postId, reason: "illegal content" });

    expect(await count(sql`select count(*) as n from posts where id = ${d.postId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from comments where post_id = ${d.postId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from post_votes where post_id = ${d.postId}`)).toBe(0);
    expect(
      await count(
        sql`select count(*) as n from comment_votes where comment_id in (${d.top}, ${d.reply}, ${d.bobReply})`,
      ),
    ).toBe(0);
    expect(await counts("bob")).toMatchObject({
      post_count: bobBefore.post_count - 1,
      comment_count: bobBefore.comment_count - 1,
    });
    expect((await counts("eve")).comment_count).toBe(eveBefore.comment_count - 2);
    expect(await communityCounts()).toMatchObject({
      posts: newsBefore.posts - 1,
      comments: newsBefore.comments - 3,
    });
    await expect(anonymous.getPost({ id: d.postId })).rejects.toThrow("couldnt_find_post");
  });

  test("purging a comment deletes it with the replies below it and their votes; ancestors and the post count less", async () => {
    const d = await discussion();
    const before = (await anonymous.getPost({ id: d.postId })).post_view.counts.comments;
    await admin.purgeComment({ comment_id: d.reply, reason: "doxxing" });

    expect(await count(sql`select count(*) as n from comments where id in (${d.reply}, ${d.bobReply})`)).toBe(0);
    expect(await count(sql`select count(*) as n from comment_votes where comment_id = ${d.reply}`)).toBe(0);
    expect((await anonymous.getPost({ id: d.postId })).post_view.counts.comments).toBe(before - 2);
    const thread = (await anonymous.getComments({ post_id: d.postId, max_depth: 8 })).comments;
    expect(thread.map((view) => [view.comment.id, view.counts.child_count])).toEqual([[d.top, 0]]);
  });

  test("purging a person deletes the account, their content and votes, and recounts what they voted on", async () => {
    const tom = await server.user("tom");
    const tomId = (await tom.client.getSite()).my_user?.local_user_view.person.id ?? 0;
    const bobPost = (await bob.createPost({ community_id: newsId, name: "Bob's post" })).post_view.post.id;
    await tom.client.likePost({ post_id: bobPost, score: 1 });
    const bobComment = (await bob.createComment({ post_id: bobPost, content: "Bob" })).comment_view.comment.id;
    await tom.client.likeComment({ comment_id: bobComment, score: -1 });
    const tomComment = (await tom.client.createComment({ post_id: bobPost, parent_id: bobComment, content: "Tom" }))
      .comment_view.comment.id;
    await eve.createComment({ post_id: bobPost, parent_id: tomComment, content: "Eve answers tom" });
    const tomPost = (await tom.client.createPost({ community_id: newsId, name: "Tom's post" })).post_view.post.id;
    expect((await anonymous.getPost({ id: bobPost })).post_view.counts).toMatchObject({ score: 2, comments: 3 });

    await admin.purgePerson({ person_id: tomId, reason: "spam bot" });

    expect(await count(sql`select count(*) as n from persons where id = ${tomId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from local_users where person_id = ${tomId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from post_votes where person_id = ${tomId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from comment_votes where person_id = ${tomId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from posts where id = ${tomPost}`)).toBe(0);
    // tom's comment and eve's reply to it are gone; bob's post and comment are counted again.
    const post = (await anonymous.getPost({ id: bobPost })).post_view.counts;
    expect(post).toMatchObject({ score: 1, upvotes: 1, comments: 1 });
    const thread = (await anonymous.getComments({ post_id: bobPost, max_depth: 8 })).comments;
    expect(thread.map((view) => [view.comment.content, view.counts.score, view.counts.child_count])).toEqual([
      ["Bob", 1, 0],
    ]);
    await expect(tom.client.getSite().then((site) => site.my_user)).resolves.toBeUndefined();
  });

  test("purging a community deletes it with everything in it and recounts its members' totals", async () => {
    const gone = (await moe.createCommunity({ name: "gone", title: "Gone" })).community_view.community.id;
    const d = await discussion(gone);
    const bobBefore = await counts("bob");
    await admin.purgeCommunity({ community_id: gone, reason: "illegal" });
    expect(await count(sql`select count(*) as n from communities where id = ${gone}`)).toBe(0);
    expect(await count(sql`select count(*) as n from posts where id = ${d.postId}`)).toBe(0);
    expect(await count(sql`select count(*) as n from post_votes where post_id = ${d.postId}`)).toBe(0);
    expect(await counts("bob")).toMatchObject({
      post_count: bobBefore.post_count - 1,
      comment_count: bobBefore.comment_count - 1,
    });
  });

  describe("the modlog", () => {
    const entries = (log: GetModlogResponse) =>
      Object.entries(log).flatMap(([kind, list]) => (list as unknown[]).map(() => kind));

    test("lists every moderator and admin action with its reason, per community and site-wide", async () => {
      const person = async (name: string) => {
        const user = await server.user(name);
        return (await user.client.getSite()).my_user?.local_user_view.person.id ?? 0;
      };
      const logged = (await moe.createCommunity({ name: "logged", title: "Logged" })).community_view.community.id;
      const postId = (await bob.createPost({ community_id: logged, name: "Logged post" })).post_view.post.id;
      const commentId = (await eve.createComment({ post_id: postId, content: "Logged comment" })).comment_view.comment
        .id;
      const purgedPost = (await bob.createPost({ community_id: logged, name: "To purge" })).post_view.post.id;
      const purgedComment = (await bob.createComment({ post_id: postId, content: "To purge" })).comment_view.comment.id;
      const kim = await person("kim");
      const lou = await person("lou");
      const purged = await person("pat");

      await moe.removePost({ post_id: postId, removed: true, reason: "r-remove-post" });
      await moe.removePost({ post_id: postId, removed: false, reason: "r-restore-post" });
      await moe.lockPost({ post_id: postId, locked: true });
      await moe.featurePost({ post_id: postId, featured: true, feature_type: "Community" });
      await admin.featurePost({ post_id: postId, featured: true, feature_type: "Local" });
      await moe.removeComment({ comment_id: commentId, removed: true, reason: "r-remove-comment" });
      await moe.banFromCommunity({
        community_id: logged,
        person_id: kim,
        ban: true,
        reason: "r-community-ban",
        expires: Math.floor(Date.now() / 1000) + 3600,
      });
      await moe.addModToCommunity({ community_id: logged, person_id: lou, added: true });
      await moe.transferCommunity({ community_id: logged, person_id: lou });
      await admin.banPerson({ person_id: kim, ban: true, reason: "r-site-ban" });
      await admin.addAdmin({ person_id: lou, added: true });
      await admin.removeCommunity({ community_id: logged, removed: true, reason: "r-remove-community" });
      await admin.removeCommunity({ community_id: logged, removed: false });
      await admin.purgeComment({ comment_id: purgedComment, reason: "r-purge-comment" });
      await admin.purgePost({ post_id: purgedPost, reason: "r-purge-post" });
      await admin.purgePerson({ person_id: purged, reason: "r-purge-person" });
      const doomed = (await moe.createCommunity({ name: "doomed", title: "Doomed" })).community_view.community.id;
      await admin.purgeCommunity({ community_id: doomed, reason: "r-purge-community" });

      const community = await anonymous.getModlog({ community_id: logged, limit: 50 });
      expect(community.removed_posts.map((e) => [e.mod_remove_post.removed, e.mod_remove_post.reason])).toEqual([
        [false, "r-restore-post"],
        [true, "r-remove-post"],
      ]);
      expect(community.removed_posts[0]?.moderator?.name).toBe("moe");
      expect(community.removed_posts[0]?.post.id).toBe(postId);
      expect(community.locked_posts.map((e) => e.mod_lock_post.locked)).toEqual([true]);
      expect(
        community.featured_posts.map((e) => [e.mod_feature_post.is_featured_community, e.moderator?.name]),
      ).toEqual([
        [false, "ada"],
        [true, "moe"],
      ]);
      expect(
        community.removed_comments.map((e) => [e.comment.id, e.commenter.name, e.mod_remove_comment.reason]),
      ).toEqual([[commentId, "eve", "r-remove-comment"]]);
      const ban = community.banned_from_community[0];
      expect([
        ban?.banned_person.id,
        ban?.mod_ban_from_community.reason,
        Boolean(ban?.mod_ban_from_community.expires),
      ]).toEqual([kim, "r-community-ban", true]);
      expect(community.added_to_community.map((e) => [e.modded_person.name, e.mod_add_community.removed])).toEqual([
        ["lou", false],
      ]);
      expect(community.transferred_to_community.map((e) => e.modded_person.name)).toEqual(["lou"]);
      expect(
        community.removed_communities.map((e) => [e.mod_remove_community.removed, e.mod_remove_community.reason]),
      ).toEqual([
        [false, undefined],
        [true, "r-remove-community"],
      ]);
      expect(community.admin_purged_posts.map((e) => [e.admin_purge_post.reason, e.community.id])).toEqual([
        ["r-purge-post", logged],
      ]);
      expect(community.admin_purged_comments.map((e) => [e.admin_purge_comment.reason, e.post.id])).toEqual([
        ["r-purge-comment", postId],
      ]);
      // Site-wide entries are not in a community's log...
      expect(community.banned).toEqual([]);
      expect(community.added).toEqual([]);

      // ...but in the site's.
      const site = await anonymous.getModlog({ limit: 50 });
      expect(site.banned.map((e) => [e.banned_person.id, e.mod_ban.reason, e.mod_ban.banned])).toContainEqual([
        kim,
        "r-site-ban",
        true,
      ]);
      expect(site.added.map((e) => [e.modded_person.name, e.mod_add.removed])).toContainEqual(["lou", false]);
      expect(site.admin_purged_persons.map((e) => [e.admin_purge_person.reason, e.admin?.name])).toContainEqual([
        "r-purge-person",
        "ada",
      ]);
      expect(site.admin_purged_communities.map((e) => e.admin_purge_community.reason)).toContain("r-purge-community");
      expect(site.hidden_communities).toEqual([]);
      expect(site.removed_posts.map((e) => e.mod_remove_post.reason)).toContain("r-remove-post");

      // Filters: by type, by moderator, by person acted on.
      const onlyLocks = await anonymous.getModlog({ type_: "ModLockPost", community_id: logged });
      expect(entries(onlyLocks)).toEqual(["locked_posts"]);
      const byAdmin = await anonymous.getModlog({ mod_person_id: ids.ada, community_id: logged, limit: 50 });
      expect(byAdmin.removed_posts).toEqual([]);
      expect(byAdmin.featured_posts.map((e) => e.moderator?.name)).toEqual(["ada"]);
      const aboutKim = await anonymous.getModlog({ other_person_id: kim, limit: 50 });
      expect(entries(aboutKim).sort()).toEqual(["banned", "banned_from_community"]);
      // Pages: one entry per page, newest first.
      const first = await anonymous.getModlog({ community_id: logged, limit: 1, page: 1 });
      expect(entries(first)).toEqual(["admin_purged_posts"]);
    });

    test("moderators' names are hidden from readers who are not moderators when the site says so", async () => {
      const postId = (await bob.createPost({ community_id: newsId, name: "Hidden names" })).post_view.post.id;
      await moe.removePost({ post_id: postId, removed: true, reason: "hidden-name test" });
      const find = (log: GetModlogResponse) =>
        log.removed_posts.find((e) => e.mod_remove_post.reason === "hidden-name test");

      expect(find(await anonymous.getModlog({ community_id: newsId }))?.moderator?.name).toBe("moe");
      await admin.editSite({ hide_modlog_mod_names: true });
      try {
        for (const [reader, log] of [
          ["anonymous", await anonymous.getModlog({ community_id: newsId })],
          ["bob", await bob.getModlog({ community_id: newsId })],
          ["moe site-wide", await moe.getModlog({})],
        ] as const) {
          const entry = find(log);
          expect([reader, entry?.moderator, entry?.mod_remove_post.mod_person_id]).toEqual([reader, undefined, 0]);
        }
        // The moderator filter is ignored, so it cannot reveal who acted.
        const filtered = await anonymous.getModlog({ mod_person_id: ids.eve, community_id: newsId });
        expect(find(filtered)).toBeDefined();
        // The community's moderators and admins still see names.
        expect(find(await moe.getModlog({ community_id: newsId }))?.moderator?.name).toBe("moe");
        expect(find(await admin.getModlog({}))?.moderator?.name).toBe("moe");
      } finally {
        await admin.editSite({ hide_modlog_mod_names: false });
      }
    });
  });
});
