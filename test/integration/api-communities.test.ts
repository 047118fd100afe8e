// Communities through the Lemmy v3 API, driven by lemmy-js-client: create with the site's rules,
// edit, get by id and by name, list, follow (local and remote), and moderators.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Db, ensureInstance, updateSite, upsertRemoteCommunity } from "@plenum/core";
import { sql } from "kysely";
import type { CommunityView, LemmyHttp } from "lemmy-js-client";
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

/** Plenum's extra field on Community. */
const sidebarOf = (view: CommunityView) => (view.community as unknown as { sidebar?: string }).sidebar;

describe("communities", () => {
  let server: ApiServer;
  let db: Db;
  let alice: LemmyHttp; // admin
  let bob: LemmyHttp;
  let carol: LemmyHttp;
  let anonymous: LemmyHttp;
  let bobId: number;
  let carolId: number;
  let host: string;

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    host = new URL(server.runtime.config.origin).host;
    alice = (await server.user("alice")).client;
    bob = (await server.user("bob")).client;
    carol = (await server.user("carol")).client;
    anonymous = server.client();
    bobId = (await bob.getSite()).my_user?.local_user_view.person.id ?? 0;
    carolId = (await carol.getSite()).my_user?.local_user_view.person.id ?? 0;
  });

  afterAll(async () => {
    await server?.close();
  });

  test("creating a community makes the creator its moderator and first subscriber", async () => {
    const created = await alice.createCommunity({
      name: "lobby",
      title: "  The Lobby  ",
      description: "Say **hi**",
      icon: "https://img.example/lobby.png",
      posting_restricted_to_mods: false,
      ...({ sidebar: "## Rules\n\nBe kind." } as object),
    });
    const view = created.community_view;
    expect(view.community).toMatchObject({
      name: "lobby",
      title: "The Lobby",
      description: "Say **hi**",
      icon: "https://img.example/lobby.png",
      nsfw: false,
      local: true,
      deleted: false,
      removed: false,
      posting_restricted_to_mods: false,
      actor_id: `${server.runtime.config.origin}/c/lobby`,
      visibility: "Public",
    });
    expect(view.community.banner).toBeUndefined();
    expect(sidebarOf(view)).toBe("## Rules\n\nBe kind.");
    expect(view.subscribed).toBe("Subscribed");
    expect(view.counts).toMatchObject({ subscribers: 1, subscribers_local: 1, posts: 0, comments: 0 });
    expect(created.discussion_languages).toContain(0);

    const got = await anonymous.getCommunity({ name: "lobby" });
    expect(got.community_view.subscribed).toBe("NotSubscribed");
    expect(got.moderators.map((m) => m.moderator.name)).toEqual(["alice"]);
    expect(got.moderators[0]?.community.name).toBe("lobby");
  });

  test.each([
    ["a taken name", "community_already_exists", { name: "lobby", title: "Again" }],
    ["upper case in the name", "invalid_name", { name: "Lobby", title: "Upper case" }],
    ["a short name", "invalid_name", { name: "ab", title: "Too short" }],
    ["a long name", "invalid_name", { name: "a_very_long_community_name", title: "Too long" }],
    ["a blank title", "invalid_community_title", { name: "titled", title: " " }],
    ["a 101-character title", "invalid_community_title", { name: "titled", title: "x".repeat(101) }],
    ["a javascript: icon", "invalid_url", { name: "iconic", title: "Icon", icon: "javascript:alert(1)" }],
    ["an ftp banner", "invalid_url", { name: "iconic", title: "Icon", banner: "ftp://files.example/banner.png" }],
    ["a long description", "invalid_body_field", { name: "wordy", title: "Wordy", description: "x".repeat(10_001) }],
    ["LocalOnly visibility", "invalid_request", { name: "private", title: "Private", visibility: "LocalOnly" }],
    ["no name", "invalid_request", { title: "No name" }],
  ])("creating with %s is refused with %s", async (_label, code, form) => {
    expect(await errorOf(bob.createCommunity(form as never))).toBe(code);
  });

  test("creating needs a login", async () => {
    expect(await errorOf(anonymous.createCommunity({ name: "nobody", title: "Nobody" }))).toBe("not_logged_in");
  });

  test("the site's rules: admin-only creation and no NSFW when the site turns it off", async () => {
    await updateSite(db, { community_creation_admin_only: true, enable_nsfw: false });
    try {
      expect(await errorOf(bob.createCommunity({ name: "bobs", title: "Bob's" }))).toBe(
        "only_admins_can_create_communities",
      );
      expect(await errorOf(alice.createCommunity({ name: "spicy", title: "Spicy", nsfw: true }))).toBe(
        "nsfw_not_allowed",
      );
    } finally {
      await updateSite(db, { community_creation_admin_only: false, enable_nsfw: true });
    }
    const created = await bob.createCommunity({ name: "bobs", title: "Bob's" });
    expect(created.community_view.community.name).toBe("bobs");
  });

  test("getCommunity by id, by name and by name@host; unknown ones are not found", async () => {
    const byName = await anonymous.getCommunity({ name: "lobby" });
    const id = byName.community_view.community.id;
    expect((await anonymous.getCommunity({ id })).community_view.community.name).toBe("lobby");
    expect((await anonymous.getCommunity({ name: `lobby@${host}` })).community_view.community.id).toBe(id);
    expect((await anonymous.getCommunity({ name: `!lobby@${host}` })).community_view.community.id).toBe(id);
    expect(await errorOf(anonymous.getCommunity({ name: "nowhere" }))).toBe("couldnt_find_community");
    expect(await errorOf(anonymous.getCommunity({ id: 999_999 }))).toBe("couldnt_find_community");
    expect(await errorOf(anonymous.getCommunity({}))).toBe("no_id_given");
  });

  test("moderators and admins edit a community; others may not", async () => {
    const { community } = (await anonymous.getCommunity({ name: "bobs" })).community_view;
    const edited = await bob.editCommunity({
      community_id: community.id,
      title: "Bob's place",
      description: "",
      banner: "https://img.example/banner.jpg",
      posting_restricted_to_mods: true,
      ...({ sidebar: "Sidebar" } as object),
    });
    expect(edited.community_view.community).toMatchObject({
      title: "Bob's place",
      banner: "https://img.example/banner.jpg",
      posting_restricted_to_mods: true,
    });
    expect(edited.community_view.community.description).toBeUndefined();
    expect(edited.community_view.community.updated).toBeDefined();
    expect(sidebarOf(edited.community_view)).toBe("Sidebar");

    expect(await errorOf(carol.editCommunity({ community_id: community.id, title: "Mine now" }))).toBe(
      "not_a_mod_or_admin",
    );
    // alice is an admin, not a moderator of bobs.
    const byAdmin = await alice.editCommunity({ community_id: community.id, nsfw: true });
    expect(byAdmin.community_view.community.nsfw).toBe(true);
    expect(byAdmin.community_view.community.title).toBe("Bob's place");
    await alice.editCommunity({ community_id: community.id, nsfw: false });
    expect(await errorOf(bob.editCommunity({ community_id: 999_999, title: "x" }))).toBe("couldnt_find_community");
    expect(await errorOf(bob.editCommunity({ community_id: community.id, icon: "not a url" }))).toBe("invalid_url");
  });

  test("following a local community subscribes at once; unfollowing ends it", async () => {
    const { community } = (await anonymous.getCommunity({ name: "lobby" })).community_view;
    const followed = await carol.followCommunity({ community_id: community.id, follow: true });
    expect(followed.community_view.subscribed).toBe("Subscribed");
    expect(followed.community_view.counts).toMatchObject({ subscribers: 2, subscribers_local: 2 });
    expect((await carol.getCommunity({ id: community.id })).community_view.subscribed).toBe("Subscribed");

    const left = await carol.followCommunity({ community_id: community.id, follow: false });
    expect(left.community_view.subscribed).toBe("NotSubscribed");
    expect(left.community_view.counts.subscribers).toBe(1);
    expect(await errorOf(carol.followCommunity({ community_id: 999_999, follow: true }))).toBe(
      "couldnt_find_community",
    );
  });

  test("following a remote community is pending until its Accept arrives", async () => {
    const instanceId = await ensureInstance(db, "remote.example");
    const remote = await upsertRemoteCommunity(db, {
      ap_id: "https://remote.example/c/faraway",
      instance_id: instanceId,
      name: "faraway",
      title: "Far away",
      inbox_url: "https://remote.example/c/faraway/inbox",
    });
    const followed = await carol.followCommunity({ community_id: Number(remote.id), follow: true });
    expect(followed.community_view.subscribed).toBe("Pending");
    expect(followed.community_view.counts.subscribers).toBe(0);
    const got = await carol.getCommunity({ name: "faraway@remote.example" });
    expect(got.community_view.community).toMatchObject({ local: false, actor_id: "https://remote.example/c/faraway" });
    expect(got.community_view.subscribed).toBe("Pending");
    // Without the host, a name means a local community.
    expect(await errorOf(carol.getCommunity({ name: "faraway" }))).toBe("couldnt_find_community");
    // Changes to remote communities would have to be federated, which is not supported yet.
    expect(await errorOf(alice.editCommunity({ community_id: Number(remote.id), title: "Ours" }))).toBe(
      "object_not_local",
    );
  });

  test("listCommunities: listing types, sorts, NSFW and pages", async () => {
    for (const name of ["gardening", "cooking", "after_dark"]) {
      await alice.createCommunity({ name, title: name, nsfw: name === "after_dark" });
    }
    const cooking = (await anonymous.getCommunity({ name: "cooking" })).community_view.community.id;
    await bob.followCommunity({ community_id: cooking, follow: true });
    await carol.followCommunity({ community_id: cooking, follow: true });

    const names = (list: { communities: CommunityView[] }) => list.communities.map((v) => v.community.name);
    const all = await anonymous.listCommunities({ type_: "All", sort: "New", limit: 50 });
    expect(names(all)).toEqual(["cooking", "gardening", "faraway", "bobs", "lobby"]);
    const local = await anonymous.listCommunities({ type_: "Local", sort: "Old", limit: 50 });
    expect(names(local)).toEqual(["lobby", "bobs", "gardening", "cooking"]);
    const top = await anonymous.listCommunities({ type_: "Local", sort: "TopAll", limit: 2 });
    expect(names(top)[0]).toBe("cooking");
    expect(top.communities[0]?.counts.subscribers).toBe(3);
    const nsfw = await anonymous.listCommunities({ type_: "Local", sort: "New", show_nsfw: true, limit: 50 });
    expect(names(nsfw)).toContain("after_dark");
    const subscribed = await bob.listCommunities({ type_: "Subscribed", sort: "New" });
    expect(names(subscribed)).toEqual(["cooking", "bobs"]);
    expect(subscribed.communities.every((v) => v.subscribed === "Subscribed")).toBe(true);
    expect(names(await anonymous.listCommunities({ type_: "Subscribed" }))).toEqual([]);
    const moderated = await bob.listCommunities({ type_: "ModeratorView", sort: "New" });
    expect(names(moderated)).toEqual(["bobs"]);

    const page1 = await anonymous.listCommunities({ type_: "Local", sort: "New", limit: 2, page: 1 });
    const page2 = await anonymous.listCommunities({ type_: "Local", sort: "New", limit: 2, page: 2 });
    expect([...names(page1), ...names(page2)]).toEqual(["cooking", "gardening", "bobs", "lobby"]);
    expect(await errorOf(anonymous.listCommunities({ limit: 51 }))).toBe("invalid_request");
  });

  test("a LocalOnly community and its posts are for logged-in members only", async () => {
    const { community } = (await alice.createCommunity({ name: "members", title: "Members" })).community_view;
    const { post_view } = await alice.createPost({ community_id: community.id, name: "Members only" });
    await sql`update communities set visibility = 'LocalOnly' where id = ${String(community.id)}`.execute(db);
    expect(await errorOf(anonymous.getCommunity({ name: "members" }))).toBe("couldnt_find_community");
    expect(await errorOf(anonymous.getPost({ id: post_view.post.id }))).toBe("couldnt_find_post");
    const listed = await anonymous.listCommunities({ type_: "All", limit: 50 });
    expect(listed.communities.map((v) => v.community.name)).not.toContain("members");
    const posts = await anonymous.getPosts({ type_: "All", sort: "New", limit: 50 });
    expect(posts.posts.map((v) => v.post.id)).not.toContain(post_view.post.id);

    expect((await carol.getCommunity({ name: "members" })).community_view.community.visibility).toBe("LocalOnly");
    expect((await carol.getPost({ id: post_view.post.id })).post_view.post.name).toBe("Members only");
    const forCarol = await carol.getPosts({ type_: "All", sort: "New", limit: 50 });
    expect(forCarol.posts.map((v) => v.post.id)).toContain(post_view.post.id);
    await sql`update communities set deleted = true where id = ${String(community.id)}`.execute(db);
  });

  test("moderators appoint and remove moderators; others may not", async () => {
    const { community } = (await anonymous.getCommunity({ name: "lobby" })).community_view;
    expect(await errorOf(bob.addModToCommunity({ community_id: community.id, person_id: bobId, added: true }))).toBe(
      "not_a_mod_or_admin",
    );
    const added = await alice.addModToCommunity({ community_id: community.id, person_id: bobId, added: true });
    expect(added.moderators.map((m) => m.moderator.name)).toEqual(["alice", "bob"]);
    // Adding again changes nothing.
    const again = await alice.addModToCommunity({ community_id: community.id, person_id: bobId, added: true });
    expect(again.moderators).toHaveLength(2);

    // bob, now a moderator, can appoint carol and edit the community.
    const withCarol = await bob.addModToCommunity({ community_id: community.id, person_id: carolId, added: true });
    expect(withCarol.moderators.map((m) => m.moderator.name)).toEqual(["alice", "bob", "carol"]);
    await bob.editCommunity({ community_id: community.id, title: "The Lobby, by bob" });
    const removed = await carol.addModToCommunity({ community_id: community.id, person_id: bobId, added: false });
    expect(removed.moderators.map((m) => m.moderator.name)).toEqual(["alice", "carol"]);
    expect(await errorOf(bob.editCommunity({ community_id: community.id, title: "Not any more" }))).toBe(
      "not_a_mod_or_admin",
    );
    expect(
      await errorOf(alice.addModToCommunity({ community_id: community.id, person_id: 999_999, added: true })),
    ).toBe("couldnt_find_person");
    expect((await anonymous.getCommunity({ id: community.id })).moderators.map((m) => m.moderator.name)).toEqual([
      "alice",
      "carol",
    ]);
  });
});
