// Moderation through the Lemmy v3 API, driven by lemmy-js-client: who may do what (a table of
// every action, the roles it is refused to with their error, and the roles it succeeds for),
// reports and the queue (the reporter never shown to the reported person), removals (gone from
// listings, kept in threads), community transfer, and the instance lists.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Db } from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
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

type Role = "anonymous" | "member" | "otherMod" | "mod" | "secondMod" | "admin";

describe("moderation API", () => {
  let server: ApiServer;
  let db: Db;
  const clients = {} as Record<Role, LemmyHttp>;
  const personIds = {} as Record<"ada" | "moe" | "sid" | "oli" | "bob" | "eve" | "zed" | "yan", number>;
  let newsId: number;
  let otherId: number;
  /** A member who reports things. */
  let eve: LemmyHttp;

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    // The first account is the site's admin.
    for (const [role, name] of [
      ["admin", "ada"],
      ["mod", "moe"],
      ["secondMod", "sid"],
      ["otherMod", "oli"],
      ["member", "bob"],
    ] as const) {
      const user = await server.user(name);
      clients[role] = user.client;
      personIds[name] = (await user.client.getSite()).my_user?.local_user_view.person.id ?? 0;
    }
    clients.anonymous = server.client();
    for (const name of ["eve", "zed", "yan"] as const) {
      const user = await server.user(name);
      if (name === "eve") eve = user.client;
      personIds[name] = (await user.client.getSite()).my_user?.local_user_view.person.id ?? 0;
    }
    newsId = (await clients.mod.createCommunity({ name: "news", title: "News" })).community_view.community.id;
    await clients.mod.addModToCommunity({ community_id: newsId, person_id: personIds.sid, added: true });
    otherId = (await clients.otherMod.createCommunity({ name: "other", title: "Other" })).community_view.community.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  async function newPost(name = "A post") {
    return (await clients.member.createPost({ community_id: newsId, name })).post_view.post.id;
  }

  async function newComment(postId?: number) {
    const post = postId ?? (await newPost());
    return (await clients.member.createComment({ post_id: post, content: "A comment" })).comment_view.comment.id;
  }

  async function newPostReport() {
    return (await eve.createPostReport({ post_id: await newPost(), reason: "spam" })).post_report_view.post_report.id;
  }

  async function newCommentReport() {
    return (await eve.createCommentReport({ comment_id: await newComment(), reason: "rude" })).comment_report_view
      .comment_report.id;
  }

  /** A throwaway community moderated by moe (for transfers and purges). */
  async function newCommunity() {
    const name = `c${Math.random().toString(36).slice(2, 10)}`;
    const id = (await clients.mod.createCommunity({ name, title: name })).community_view.community.id;
    await clients.mod.addModToCommunity({ community_id: id, person_id: personIds.sid, added: true });
    return id;
  }

  /** A throwaway member to ban, appoint or purge. */
  async function newPerson() {
    const name = `p${Math.random().toString(36).slice(2, 10)}`;
    const user = await server.user(name);
    return (await user.client.getSite()).my_user?.local_user_view.person.id ?? 0;
  }

  interface Case {
    action: string;
    /** Makes a fresh target for one attempt. */
    prepare: () => Promise<number>;
    run: (client: LemmyHttp, target: number) => Promise<unknown>;
    refused: [Role, string][];
    allowed: Role[];
  }

  const cases: Case[] = [
    {
      action: "removePost",
      prepare: () => newPost(),
      run: (c, id) => c.removePost({ post_id: id, removed: true, reason: "spam" }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "secondMod", "admin"],
    },
    {
      action: "removeComment",
      prepare: () => newComment(),
      run: (c, id) => c.removeComment({ comment_id: id, removed: true, reason: "rude" }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "lockPost",
      prepare: () => newPost(),
      run: (c, id) => c.lockPost({ post_id: id, locked: true }),
      refused: [
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "banFromCommunity",
      prepare: () => newPerson(),
      run: (c, id) => c.banFromCommunity({ community_id: newsId, person_id: id, ban: true, reason: "trolling" }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "banFromCommunity (a fellow moderator)",
      prepare: async () => personIds.sid,
      run: (c, id) => c.banFromCommunity({ community_id: newsId, person_id: id, ban: true }),
      refused: [["mod", "not_higher_mod"]],
      allowed: [],
    },
    {
      action: "banFromCommunity (an admin)",
      prepare: async () => personIds.ada,
      run: (c, id) => c.banFromCommunity({ community_id: newsId, person_id: id, ban: true }),
      refused: [["mod", "not_higher_mod"]],
      allowed: [],
    },
    {
      action: "transferCommunity",
      prepare: () => newCommunity(),
      run: (c, id) => c.transferCommunity({ community_id: id, person_id: personIds.zed }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_top_mod"],
        ["secondMod", "not_top_mod"],
        ["otherMod", "not_top_mod"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "removeCommunity",
      prepare: () => newCommunity(),
      run: (c, id) => c.removeCommunity({ community_id: id, removed: true, reason: "abandoned" }),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "banPerson",
      prepare: () => newPerson(),
      run: (c, id) => c.banPerson({ person_id: id, ban: true, reason: "spam" }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "banPerson (an admin)",
      prepare: async () => personIds.ada,
      run: (c, id) => c.banPerson({ person_id: id, ban: true }),
      refused: [["admin", "not_higher_admin"]],
      allowed: [],
    },
    {
      action: "addAdmin",
      prepare: () => newPerson(),
      run: (c, id) => c.addAdmin({ person_id: id, added: true }),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "purgePost",
      prepare: () => newPost(),
      run: (c, id) => c.purgePost({ post_id: id, reason: "illegal" }),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "purgeComment",
      prepare: () => newComment(),
      run: (c, id) => c.purgeComment({ comment_id: id }),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "purgeCommunity",
      prepare: () => newCommunity(),
      run: (c, id) => c.purgeCommunity({ community_id: id }),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "purgePerson",
      prepare: () => newPerson(),
      run: (c, id) => c.purgePerson({ person_id: id }),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
    {
      action: "purgePerson (an admin)",
      prepare: async () => personIds.ada,
      run: (c, id) => c.purgePerson({ person_id: id }),
      refused: [["admin", "not_higher_admin"]],
      allowed: [],
    },
    {
      action: "resolvePostReport",
      prepare: () => newPostReport(),
      run: (c, id) => c.resolvePostReport({ report_id: id, resolved: true }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "resolveCommentReport",
      prepare: () => newCommentReport(),
      run: (c, id) => c.resolveCommentReport({ report_id: id, resolved: true }),
      refused: [
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "listPostReports of a community",
      prepare: async () => newsId,
      run: (c, id) => c.listPostReports({ community_id: id }),
      refused: [
        ["anonymous", "not_logged_in"],
        ["member", "not_a_mod_or_admin"],
        ["otherMod", "not_a_mod_or_admin"],
      ],
      allowed: ["mod", "admin"],
    },
    {
      action: "getBannedPersons",
      prepare: async () => 0,
      run: (c) => c.getBannedPersons(),
      refused: [
        ["member", "not_an_admin"],
        ["mod", "not_an_admin"],
      ],
      allowed: ["admin"],
    },
  ];

  test.each(cases)("$action: refused to the wrong roles, done by the right ones", async (c) => {
    for (const [role, code] of c.refused) {
      expect([role, await errorOf(c.run(clients[role], await c.prepare()))]).toEqual([role, code]);
    }
    for (const role of c.allowed) {
      await expect(c.run(clients[role], await c.prepare())).resolves.toBeDefined();
    }
  });

  test("reports: the queue shows them to the community's moderators and admins, never to the reported person", async () => {
    const postId = (await clients.member.createPost({ community_id: newsId, name: "Buy pills", body: "cheap" }))
      .post_view.post.id;
    expect(await errorOf(eve.createPostReport({ post_id: postId, reason: "   " }))).toBe("report_reason_required");
    expect(await errorOf(eve.createPostReport({ post_id: postId, reason: "x".repeat(1001) }))).toBe("report_too_long");
    expect(await errorOf(eve.createPostReport({ post_id: 999_999, reason: "spam" }))).toBe("couldnt_find_post");

    const created = await eve.createPostReport({ post_id: postId, reason: "spam" });
    expect(created.post_report_view.post_report).toMatchObject({
      post_id: postId,
      creator_id: personIds.eve,
      original_post_name: "Buy pills",
      original_post_body: "cheap",
      reason: "spam",
      resolved: false,
    });
    // The author edits the post; the report keeps what was reported.
    await clients.member.editPost({ post_id: postId, name: "Innocent title" });

    const reportId = created.post_report_view.post_report.id;
    const modQueue = await clients.mod.listPostReports({ unresolved_only: true });
    const mine = modQueue.post_reports.find((r) => r.post_report.id === reportId);
    expect(mine?.creator.name).toBe("eve");
    expect(mine?.post_creator.name).toBe("bob");
    expect(mine?.post.name).toBe("Innocent title");
    expect(mine?.post_report.original_post_name).toBe("Buy pills");
    expect((await clients.admin.listPostReports({})).post_reports.map((r) => r.post_report.id)).toContain(reportId);
    // A moderator of another community does not see it; the reported person sees nothing.
    expect((await clients.otherMod.listPostReports({})).post_reports).toEqual([]);
    expect((await clients.member.listPostReports({})).post_reports).toEqual([]);
    expect(await clients.member.getReportCount({})).toMatchObject({ post_reports: 0, comment_reports: 0 });
    expect(await errorOf(clients.member.listPostReports({ post_id: postId, community_id: newsId }))).toBe(
      "not_a_mod_or_admin",
    );
    const countBefore = (await clients.mod.getReportCount({ community_id: newsId })).post_reports;
    expect(countBefore).toBeGreaterThanOrEqual(1);

    const resolved = await clients.mod.resolvePostReport({ report_id: reportId, resolved: true });
    expect(resolved.post_report_view.post_report).toMatchObject({ resolved: true, resolver_id: personIds.moe });
    expect(resolved.post_report_view.resolver?.name).toBe("moe");
    expect((await clients.mod.getReportCount({ community_id: newsId })).post_reports).toBe(countBefore - 1);
    expect(
      (await clients.mod.listPostReports({ unresolved_only: true })).post_reports.map((r) => r.post_report.id),
    ).not.toContain(reportId);
    // Reopened, it is open again.
    await clients.mod.resolvePostReport({ report_id: reportId, resolved: false });
    expect((await clients.mod.getReportCount({ community_id: newsId })).post_reports).toBe(countBefore);
    expect(await errorOf(clients.mod.resolvePostReport({ report_id: 999_999, resolved: true }))).toBe(
      "couldnt_find_post_report",
    );

    // Reporting the same post again replaces the reason of the one report.
    await eve.createPostReport({ post_id: postId, reason: "still spam" });
    const again = (await clients.mod.listPostReports({ post_id: postId })).post_reports;
    expect(again.map((r) => r.post_report.reason)).toEqual(["still spam"]);

    // Removing the post resolves its open reports.
    await clients.mod.removePost({ post_id: postId, removed: true, reason: "spam" });
    const after = (await clients.mod.listPostReports({ post_id: postId })).post_reports;
    expect(after.map((r) => r.post_report.resolved)).toEqual([true]);
  });

  test("comment reports: listed for the community's moderators with the original text", async () => {
    const commentId = await newComment();
    const report = await eve.createCommentReport({ comment_id: commentId, reason: "insult" });
    expect(report.comment_report_view.comment_report).toMatchObject({
      comment_id: commentId,
      original_comment_text: "A comment",
      resolved: false,
    });
    const listed = await clients.mod.listCommentReports({ comment_id: commentId });
    expect(
      listed.comment_reports.map((r) => [r.creator.name, r.comment_creator.name, r.comment_report.reason]),
    ).toEqual([["eve", "bob", "insult"]]);
    expect((await clients.member.listCommentReports({})).comment_reports).toEqual([]);
    expect((await clients.mod.getReportCount({})).comment_reports).toBeGreaterThanOrEqual(1);
    await clients.mod.removeComment({ comment_id: commentId, removed: true });
    expect(
      (await clients.mod.listCommentReports({ comment_id: commentId })).comment_reports[0]?.comment_report.resolved,
    ).toBe(true);
  });

  test("a removed post leaves every listing and the counters, and stays readable by id (its content by moderators)", async () => {
    const postId = (await clients.member.createPost({ community_id: newsId, name: "Off topic", body: "text" }))
      .post_view.post.id;
    const postsBefore = (await clients.anonymous.getCommunity({ id: newsId })).community_view.counts.posts;
    const listed = async () =>
      [
        ...(await clients.anonymous.getPosts({ community_id: newsId, sort: "New", limit: 50 })).posts,
        ...(await clients.anonymous.getPosts({ type_: "All", sort: "New", limit: 50 })).posts,
      ].map((view) => view.post.id);
    expect(await listed()).toContain(postId);

    const removed = await clients.mod.removePost({ post_id: postId, removed: true, reason: "off topic" });
    expect(removed.post_view.post).toMatchObject({ removed: true, name: "Off topic" });
    expect(await listed()).not.toContain(postId);
    expect((await clients.anonymous.getCommunity({ id: newsId })).community_view.counts.posts).toBe(postsBefore - 1);
    const byOthers = await clients.otherMod.getPost({ id: postId });
    expect(byOthers.post_view.post).toMatchObject({ removed: true, name: "" });
    expect(byOthers.post_view.post.body).toBeUndefined();
    expect((await clients.secondMod.getPost({ id: postId })).post_view.post.name).toBe("Off topic");
    // Nobody votes on or comments under a removed post.
    expect(await errorOf(clients.otherMod.likePost({ post_id: postId, score: 1 }))).toBe("couldnt_find_post");

    const restored = await clients.admin.removePost({ post_id: postId, removed: false });
    expect(restored.post_view.post.removed).toBe(false);
    expect(await listed()).toContain(postId);
    expect((await clients.anonymous.getCommunity({ id: newsId })).community_view.counts.posts).toBe(postsBefore);
  });

  test("a removed comment keeps its place in the thread, with its replies, and shows no content to members", async () => {
    const postId = await newPost("Thread");
    const parent = await newComment(postId);
    const reply = (await clients.otherMod.createComment({ post_id: postId, parent_id: parent, content: "A reply" }))
      .comment_view.comment.id;
    const countBefore = (await clients.anonymous.getPost({ id: postId })).post_view.counts.comments;

    const removed = await clients.mod.removeComment({ comment_id: parent, removed: true, reason: "rude" });
    expect(removed.comment_view.comment.removed).toBe(true);
    const thread = (await clients.anonymous.getComments({ post_id: postId, max_depth: 8, sort: "Old" })).comments;
    expect(thread.map((view) => [view.comment.id, view.comment.removed, view.comment.content])).toEqual([
      [parent, true, ""],
      [reply, false, "A reply"],
    ]);
    expect((await clients.anonymous.getPost({ id: postId })).post_view.counts.comments).toBe(countBefore - 1);
    // Removed comments leave flat lists of the community's comments.
    const flat = (await clients.anonymous.getComments({ community_id: newsId, sort: "New", limit: 50 })).comments;
    expect(flat.find((view) => view.comment.id === parent)?.comment.content ?? "").toBe("");
    expect(await errorOf(clients.otherMod.likeComment({ comment_id: parent, score: 1 }))).toBe("deleted");

    await clients.mod.removeComment({ comment_id: parent, removed: false });
    const back = (await clients.anonymous.getComments({ post_id: postId, max_depth: 8, sort: "Old" })).comments;
    expect(back[0]?.comment).toMatchObject({ id: parent, removed: false, content: "A comment" });
    expect((await clients.anonymous.getPost({ id: postId })).post_view.counts.comments).toBe(countBefore);
  });

  test("a removed community leaves listings until an admin restores it", async () => {
    const id = await newCommunity();
    const names = async () =>
      (await clients.anonymous.listCommunities({ type_: "All", limit: 50 })).communities.map((c) => c.community.id);
    expect(await names()).toContain(id);
    const removed = await clients.admin.removeCommunity({ community_id: id, removed: true, reason: "dead" });
    expect(removed.community_view.community.removed).toBe(true);
    expect(await names()).not.toContain(id);
    expect(await errorOf(clients.anonymous.getCommunity({ id }))).toBe("couldnt_find_community");
    await clients.admin.removeCommunity({ community_id: id, removed: false });
    expect(await names()).toContain(id);
  });

  test("transfer: the new person becomes top moderator and the others keep their order", async () => {
    const id = await newCommunity();
    await clients.mod.addModToCommunity({ community_id: id, person_id: personIds.yan, added: true });
    const order = async () => (await clients.anonymous.getCommunity({ id })).moderators.map((m) => m.moderator.name);
    expect(await order()).toEqual(["moe", "sid", "yan"]);
    const transferred = await clients.mod.transferCommunity({ community_id: id, person_id: personIds.yan });
    expect(transferred.moderators.map((m) => m.moderator.name)).toEqual(["yan", "moe", "sid"]);
    expect(await order()).toEqual(["yan", "moe", "sid"]);
    // The old top moderator is no longer top; someone new joins at the top.
    expect(await errorOf(clients.mod.transferCommunity({ community_id: id, person_id: personIds.zed }))).toBe(
      "not_top_mod",
    );
    await clients.admin.transferCommunity({ community_id: id, person_id: personIds.zed });
    expect(await order()).toEqual(["zed", "yan", "moe", "sid"]);
    expect(await errorOf(clients.admin.transferCommunity({ community_id: id, person_id: 999_999 }))).toBe(
      "couldnt_find_person",
    );
  });

  test("admins: appointed and dismissed, but never the last one", async () => {
    const id = await newPerson();
    const added = await clients.admin.addAdmin({ person_id: id, added: true });
    expect(added.admins.map((a) => a.person.id)).toContain(id);
    expect((await clients.anonymous.getSite()).admins.map((a) => a.person.id)).toContain(id);
    const removed = await clients.admin.addAdmin({ person_id: id, added: false });
    expect(removed.admins.map((a) => a.person.id)).not.toContain(id);
    // Dismiss everyone else (the table above appointed some), then the last admin cannot go.
    for (const other of (await clients.anonymous.getSite()).admins) {
      if (other.person.id !== personIds.ada) await clients.admin.addAdmin({ person_id: other.person.id, added: false });
    }
    expect((await clients.anonymous.getSite()).admins.map((a) => a.person.name)).toEqual(["ada"]);
    expect(await errorOf(clients.admin.addAdmin({ person_id: personIds.ada, added: false }))).toBe(
      "cannot_leave_admin",
    );
    expect(await errorOf(clients.admin.addAdmin({ person_id: 999_999, added: true }))).toBe("couldnt_find_person");
  });

  test("instance allow and block lists: stored by editSite, listed by getFederatedInstances", async () => {
    await clients.admin.editSite({
      allowed_instances: ["lemmy.example", "https://Friends.example/"],
      blocked_instances: ["spam.example"],
    });
    const { federated_instances: lists } = await clients.anonymous.getFederatedInstances();
    expect(lists?.allowed.map((i) => i.domain)).toEqual(["friends.example", "lemmy.example"]);
    expect(lists?.blocked.map((i) => i.domain)).toEqual(["spam.example"]);
    const rows = await db.selectFrom("federation_lists").select("list").execute();
    expect(rows).toHaveLength(3);
    // Leaving a list out keeps it; [] empties it.
    await clients.admin.editSite({ blocked_instances: [] });
    const after = (await clients.anonymous.getFederatedInstances()).federated_instances;
    expect(after?.allowed).toHaveLength(2);
    expect(after?.blocked).toEqual([]);
    expect(
      await errorOf(clients.admin.editSite({ allowed_instances: ["a.example"], blocked_instances: ["a.example"] })),
    ).toBe("invalid_request");
    expect(await errorOf(clients.admin.editSite({ blocked_instances: ["not a host"] }))).toBe("invalid_request");
    expect(await errorOf(clients.mod.editSite({ blocked_instances: ["x.example"] }))).toBe("not_an_admin");
  });

  test("other communities' moderators and members cannot touch content in a community they do not moderate", async () => {
    const postId = (await clients.otherMod.createPost({ community_id: otherId, name: "In other" })).post_view.post.id;
    expect(await errorOf(clients.mod.removePost({ post_id: postId, removed: true }))).toBe("not_a_mod_or_admin");
    expect((await clients.otherMod.removePost({ post_id: postId, removed: true })).post_view.post.removed).toBe(true);
  });
});
