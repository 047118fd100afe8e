// Feeds and what hides content in them, through the Lemmy v3 API: All, Local, Subscribed,
// ModeratorView, one community, one person; NSFW only for readers who opt in; person and
// community blocks (blockPerson, blockCommunity) in post and comment listings and in getSite's
// my_user; and the site's settings, taglines included.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp, PostView } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call succeeded");
}

const names = (posts: PostView[]) => posts.map((view) => view.post.name).sort();

describe("feeds", () => {
  let server: ApiServer;
  let alice: LemmyHttp; // admin, moderates cats
  let bob: LemmyHttp; // moderates dogs
  let carol: LemmyHttp; // the reader
  let anonymous: LemmyHttp;
  let cats: number;
  let dogs: number;
  let spicy: number; // an NSFW community
  let bobId: number;
  let aliceId: number;

  beforeAll(async () => {
    server = await startApiServer();
    alice = (await server.user("alice")).client;
    bob = (await server.user("bob")).client;
    carol = (await server.user("carol")).client;
    anonymous = server.client();
    cats = (await alice.createCommunity({ name: "cats", title: "Cats" })).community_view.community.id;
    dogs = (await bob.createCommunity({ name: "dogs", title: "Dogs" })).community_view.community.id;
    spicy = (await alice.createCommunity({ name: "spicy", title: "Spicy", nsfw: true })).community_view.community.id;
    const catPost = await alice.createPost({ community_id: cats, name: "cat by alice" });
    await bob.createPost({ community_id: cats, name: "cat by bob" });
    const dogPost = await bob.createPost({ community_id: dogs, name: "dog by bob" });
    await alice.createPost({ community_id: dogs, name: "nsfw dog by alice", nsfw: true });
    await alice.createPost({ community_id: spicy, name: "spicy by alice" });
    await bob.createComment({ post_id: catPost.post_view.post.id, content: "bob on a cat" });
    await alice.createComment({ post_id: catPost.post_view.post.id, content: "alice on a cat" });
    await alice.createComment({ post_id: dogPost.post_view.post.id, content: "alice on a dog" });
    bobId = dogPost.post_view.creator.id;
    aliceId = catPost.post_view.creator.id;
    await carol.followCommunity({ community_id: dogs, follow: true });
  });

  afterAll(async () => {
    await server?.close();
  });

  test("All and Local list every visible post; Subscribed only followed communities; ModeratorView moderated ones", async () => {
    const all = ["cat by alice", "cat by bob", "dog by bob"];
    expect(names((await carol.getPosts({ type_: "All", sort: "New" })).posts)).toEqual(all);
    expect(names((await carol.getPosts({ type_: "Local", sort: "Hot" })).posts)).toEqual(all);
    expect(names((await carol.getPosts({ type_: "Subscribed", sort: "Active" })).posts)).toEqual(["dog by bob"]);
    expect((await anonymous.getPosts({ type_: "Subscribed" })).posts).toEqual([]);
    expect(names((await bob.getPosts({ type_: "ModeratorView", sort: "New" })).posts)).toEqual(["dog by bob"]);
    expect(names((await anonymous.getPosts({ community_id: cats, sort: "Hot" })).posts)).toEqual([
      "cat by alice",
      "cat by bob",
    ]);
    const person = await anonymous.getPersonDetails({ username: "bob", sort: "New" });
    expect(names(person.posts)).toEqual(["cat by bob", "dog by bob"]);
  });

  test("NSFW posts and communities are shown only to readers who opt in, and never while the site disables NSFW", async () => {
    expect(names((await carol.getPosts({ type_: "All", sort: "New", show_nsfw: true })).posts)).toEqual([
      "cat by alice",
      "cat by bob",
      "dog by bob",
      "nsfw dog by alice",
      "spicy by alice",
    ]);
    await carol.saveUserSettings({ show_nsfw: true });
    expect((await carol.getPosts({ type_: "All", sort: "New" })).posts).toHaveLength(5);
    expect((await anonymous.getPosts({ type_: "All", sort: "New" })).posts).toHaveLength(3);
    await alice.editSite({ enable_nsfw: false });
    try {
      expect((await carol.getPosts({ type_: "All", sort: "New", show_nsfw: true })).posts).toHaveLength(3);
    } finally {
      await alice.editSite({ enable_nsfw: true });
      await carol.saveUserSettings({ show_nsfw: false });
    }
  });

  test("blocking a person hides their posts and comments from the blocker's listings, and shows in getSite", async () => {
    const blocked = await carol.blockPerson({ person_id: bobId, block: true });
    expect(blocked).toMatchObject({ blocked: true, person_view: { person: { name: "bob" } } });
    try {
      expect(names((await carol.getPosts({ type_: "All", sort: "New" })).posts)).toEqual(["cat by alice"]);
      // Person blocks apply on community pages too, but not on the blocked person's own list.
      const community = await carol.getPosts({ type_: "All", sort: "New", community_id: dogs });
      expect(names(community.posts)).toEqual([]);
      const profile = await carol.getPersonDetails({ username: "bob", sort: "New" });
      expect(names(profile.posts)).toEqual(["cat by bob", "dog by bob"]);
      // Comments: flat lists and threads leave bob's out.
      const comments = await carol.getComments({ type_: "All", sort: "New" });
      expect(comments.comments.map((view) => view.comment.content).sort()).toEqual([
        "alice on a cat",
        "alice on a dog",
      ]);
      const catPost = (await carol.getPosts({ community_id: cats, sort: "New" })).posts[0];
      const thread = await carol.getComments({ post_id: catPost?.post.id, max_depth: 8, sort: "Hot" });
      expect(thread.comments.map((view) => view.comment.content)).toEqual(["alice on a cat"]);
      // Others still see everything.
      expect((await anonymous.getPosts({ type_: "All", sort: "New" })).posts).toHaveLength(3);
      const site = await carol.getSite();
      expect(site.my_user?.person_blocks.map((block) => [block.person.name, block.target.name])).toEqual([
        ["carol", "bob"],
      ]);
      // A post by bob read directly says so.
      const direct = await carol.getPost({ id: (await anonymous.getPosts({ community_id: dogs })).posts[0]?.post.id });
      expect(direct.post_view.creator_blocked).toBe(true);
    } finally {
      expect((await carol.blockPerson({ person_id: bobId, block: false })).blocked).toBe(false);
    }
    expect((await carol.getPosts({ type_: "All", sort: "New" })).posts).toHaveLength(3);
    expect((await carol.getSite()).my_user?.person_blocks).toEqual([]);
  });

  test("nobody blocks themselves or an admin; unknown persons are couldnt_find_person", async () => {
    expect(await errorOf(bob.blockPerson({ person_id: bobId, block: true }))).toBe("cant_block_yourself");
    expect(await errorOf(bob.blockPerson({ person_id: aliceId, block: true }))).toBe("cant_block_admin");
    expect(await errorOf(bob.blockPerson({ person_id: 999_999, block: true }))).toBe("couldnt_find_person");
    expect(await errorOf(anonymous.blockPerson({ person_id: bobId, block: true }))).toBe("not_logged_in");
  });

  test("blocking a community hides it from feeds (not from its own page), ends the follow, and shows in getSite", async () => {
    const response = await carol.blockCommunity({ community_id: dogs, block: true });
    expect(response.blocked).toBe(true);
    expect(response.community_view).toMatchObject({ blocked: true, subscribed: "NotSubscribed" });
    try {
      expect(names((await carol.getPosts({ type_: "All", sort: "Hot" })).posts)).toEqual([
        "cat by alice",
        "cat by bob",
      ]);
      expect((await carol.getPosts({ type_: "Subscribed" })).posts).toEqual([]);
      expect(names((await carol.getPosts({ community_id: dogs, sort: "New" })).posts)).toEqual(["dog by bob"]);
      const comments = await carol.getComments({ type_: "All", sort: "New" });
      expect(comments.comments.map((view) => view.comment.content).sort()).toEqual(["alice on a cat", "bob on a cat"]);
      const site = await carol.getSite();
      expect(site.my_user?.community_blocks.map((block) => block.community.name)).toEqual(["dogs"]);
      expect(site.my_user?.follows.map((follow) => follow.community.name)).toEqual([]);
      expect((await carol.getCommunity({ id: dogs })).community_view.blocked).toBe(true);
    } finally {
      await carol.blockCommunity({ community_id: dogs, block: false });
    }
    expect((await carol.getPosts({ type_: "All", sort: "Hot" })).posts).toHaveLength(3);
    expect((await carol.getCommunity({ id: dogs })).community_view.blocked).toBe(false);
    expect(await errorOf(carol.blockCommunity({ community_id: 999_999, block: true }))).toBe("couldnt_find_community");
  });
});

describe("site settings", () => {
  let server: ApiServer;
  let admin: LemmyHttp;
  let member: LemmyHttp;

  beforeAll(async () => {
    server = await startApiServer();
    admin = (await server.user("admin")).client;
    member = (await server.user("member")).client;
  });

  afterAll(async () => {
    await server?.close();
  });

  test("editSite replaces the taglines; getSite returns them with every other setting", async () => {
    expect((await server.client().getSite()).taglines).toEqual([]);
    const edited = await admin.editSite({
      name: "Agora",
      description: "A place to talk",
      sidebar: "Be *kind*.",
      taglines: ["Welcome!", "  ", "Read the **rules**"],
      default_sort_type: "Hot",
      default_post_listing_type: "All",
      enable_downvotes: false,
      enable_nsfw: false,
      registration_mode: "Closed",
      pronouns: ["they/them", "she/her"],
    } as never);
    expect(edited.taglines.map((tagline) => tagline.content)).toEqual(["Welcome!", "Read the **rules**"]);
    const site = (await server.client().getSite()) as Awaited<ReturnType<LemmyHttp["getSite"]>> & {
      pronouns: string[];
    };
    expect(site.taglines.map((tagline) => tagline.content)).toEqual(["Welcome!", "Read the **rules**"]);
    expect(site.taglines[0]).toMatchObject({ local_site_id: 1 });
    expect(site.site_view.site).toMatchObject({ name: "Agora", description: "A place to talk", sidebar: "Be *kind*." });
    expect(site.site_view.local_site).toMatchObject({
      default_sort_type: "Hot",
      default_post_listing_type: "All",
      enable_downvotes: false,
      enable_nsfw: false,
      registration_mode: "Closed",
    });
    expect(site.pronouns).toEqual(["they/them", "she/her"]);

    // Leaving taglines out keeps them; an empty list removes them.
    await admin.editSite({ name: "Agora 2" });
    expect((await server.client().getSite()).taglines).toHaveLength(2);
    expect((await admin.editSite({ taglines: [] } as never)).taglines).toEqual([]);
    expect(await errorOf(member.editSite({ taglines: ["mine"] } as never))).toBe("not_an_admin");
    expect(await errorOf(admin.editSite({ taglines: ["x".repeat(1001)] } as never))).toBe("invalid_request");
  });
});
