// Bans are enforced: a person banned from a community cannot post, comment, vote or report there,
// one banned from the site cannot anywhere, until the ban expires. The clock is controlled by
// passing `now` to checkBan and clearExpiredBans, and by setting expiry times in the past in the
// database; nothing waits for time to pass.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { checkBan, clearExpiredBans, type Db } from "@plenum/core";
import { sql } from "kysely";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer, TEST_PASSWORD } from "../support/api.ts";

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call succeeded");
}

const HOUR_MS = 3600_000;
const inSeconds = (ms: number) => Math.floor((Date.now() + ms) / 1000);

describe("bans", () => {
  let server: ApiServer;
  let db: Db;
  let admin: LemmyHttp;
  let moe: LemmyHttp;
  let bob: LemmyHttp;
  let anonymous: LemmyHttp;
  let newsId: number;
  let miscId: number;

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    admin = (await server.user("ada")).client;
    moe = (await server.user("moe")).client;
    bob = (await server.user("bob")).client;
    anonymous = server.client();
    newsId = (await moe.createCommunity({ name: "news", title: "News" })).community_view.community.id;
    miscId = (await admin.createCommunity({ name: "misc", title: "Misc" })).community_view.community.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** A fresh member with a post and a comment in news (made before any ban). */
  async function troll(name: string) {
    const user = await server.user(name);
    const id = (await user.client.getSite()).my_user?.local_user_view.person.id ?? 0;
    const postId = (await user.client.createPost({ community_id: newsId, name: `${name}'s post` })).post_view.post.id;
    const commentId = (await user.client.createComment({ post_id: postId, content: `${name} says hi` })).comment_view
      .comment.id;
    return { client: user.client, id, postId, commentId };
  }

  /** Every way of taking part in a community, each answering its error code or "ok". */
  async function attempts(client: LemmyHttp, communityId: number) {
    const bobPost = (await bob.createPost({ community_id: communityId, name: "Bob's" })).post_view.post.id;
    const bobComment = (await bob.createComment({ post_id: bobPost, content: "Bob's comment" })).comment_view.comment
      .id;
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => "ok",
        (error: Error) => error.message,
      );
    return {
      post: await outcome(client.createPost({ community_id: communityId, name: "Let me in" })),
      comment: await outcome(client.createComment({ post_id: bobPost, content: "Let me in" })),
      reply: await outcome(client.createComment({ post_id: bobPost, parent_id: bobComment, content: "Me too" })),
      votePost: await outcome(client.likePost({ post_id: bobPost, score: 1 })),
      voteComment: await outcome(client.likeComment({ comment_id: bobComment, score: 1 })),
      report: await outcome(client.createPostReport({ post_id: bobPost, reason: "I am banned" })),
    };
  }

  const allRefused = (code: string) => ({
    post: code,
    comment: code,
    reply: code,
    votePost: code,
    voteComment: code,
    report: code,
  });
  const allOk = allRefused("ok");

  async function modlogCount(): Promise<number> {
    const row = await db
      .selectFrom("modlog")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  test("a community ban stops posting, commenting, voting and reporting there until it expires", async () => {
    const tom = await troll("tom");
    const banned = await moe.banFromCommunity({
      community_id: newsId,
      person_id: tom.id,
      ban: true,
      reason: "trolling",
      expires: inSeconds(HOUR_MS),
    });
    expect(banned.banned).toBe(true);
    expect(banned.person_view.person.name).toBe("tom");

    expect(await attempts(tom.client, newsId)).toEqual(allRefused("banned_from_community"));
    expect(await errorOf(tom.client.editPost({ post_id: tom.postId, name: "edited" }))).toBe("banned_from_community");
    expect(await errorOf(tom.client.editComment({ comment_id: tom.commentId, content: "edited" }))).toBe(
      "banned_from_community",
    );
    // Elsewhere tom takes part as before, and reads news like anyone.
    expect(await attempts(tom.client, miscId)).toEqual(allOk);
    expect((await tom.client.getPost({ id: tom.postId })).post_view.post.name).toBe("tom's post");

    // The ban holds until its expiry and not after it (checkBan takes the time to check at).
    const now = new Date();
    expect(await checkBan(db, String(tom.id), { communityId: String(newsId) }, now)).toEqual({
      type: "banned_from_community",
    });
    expect(await checkBan(db, String(tom.id), { postId: String(tom.postId) }, now)).toEqual({
      type: "banned_from_community",
    });
    expect(await checkBan(db, String(tom.id), { commentId: String(tom.commentId) }, now)).toEqual({
      type: "banned_from_community",
    });
    expect(await checkBan(db, String(tom.id), { communityId: String(miscId) }, now)).toBeNull();
    expect(
      await checkBan(db, String(tom.id), { communityId: String(newsId) }, new Date(now.getTime() + 2 * HOUR_MS)),
    ).toBeNull();

    // Time passes: the expiry is now in the past. The ban no longer counts, before any job runs.
    await sql`update community_bans set expires_at = now() - interval '1 minute' where person_id = ${String(tom.id)}`.execute(
      db,
    );
    expect(await attempts(tom.client, newsId)).toEqual(allOk);

    // The worker's job deletes the expired row and logs nothing new.
    const logged = await modlogCount();
    const cleared = await clearExpiredBans(db);
    expect(cleared.communityBans).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom("community_bans").selectAll().where("person_id", "=", String(tom.id)).execute();
    expect(left).toEqual([]);
    expect(await modlogCount()).toBe(logged);
  });

  test("views carry the creator's bans and the reader's own, until they expire", async () => {
    const ned = await troll("ned");
    const nedInMisc = (await ned.client.createPost({ community_id: miscId, name: "ned in misc" })).post_view.post.id;
    const moePost = (await moe.createPost({ community_id: newsId, name: "Moe's" })).post_view.post.id;
    const adminPost = (await admin.createPost({ community_id: newsId, name: "Ada's" })).post_view.post.id;
    type Flags = {
      creator_banned_from_community: boolean;
      banned_from_community: boolean;
      creator: { banned: boolean; ban_expires?: string };
    };
    const flags = (view: Flags) => ({
      inCommunity: view.creator_banned_from_community,
      site: view.creator.banned,
      expires: view.creator.ban_expires,
      readerBanned: view.banned_from_community,
    });
    const none = { inCommunity: false, site: false, expires: undefined, readerBanned: false };
    const listed = async (client: LemmyHttp, communityId: number, postId: number) => {
      const posts = (await client.getPosts({ community_id: communityId, sort: "New", limit: 50 })).posts;
      const view = posts.find((candidate) => candidate.post.id === postId);
      if (!view) throw new Error(`post ${postId} not listed`);
      return view;
    };
    const commentOf = async (client: LemmyHttp) =>
      (await client.getComments({ post_id: ned.postId, sort: "New" })).comments.find(
        (view) => view.comment.id === ned.commentId,
      ) as Flags;

    expect(flags((await anonymous.getPost({ id: ned.postId })).post_view)).toEqual(none);
    expect(flags(await listed(anonymous, newsId, ned.postId))).toEqual(none);
    expect(flags(await commentOf(anonymous))).toEqual(none);

    const communityBanEnds = inSeconds(HOUR_MS);
    const siteBanEnds = inSeconds(3 * HOUR_MS);
    await moe.banFromCommunity({ community_id: newsId, person_id: ned.id, ban: true, expires: communityBanEnds });
    await admin.banPerson({ person_id: ned.id, ban: true, expires: siteBanEnds });
    const siteBanned = { site: true, expires: new Date(siteBanEnds * 1000).toISOString() };
    const bannedHere = { ...siteBanned, inCommunity: true, readerBanned: false };

    // Every way of reading ned's post and comment in news shows both bans, to anyone.
    expect(flags((await anonymous.getPost({ id: ned.postId })).post_view)).toEqual(bannedHere);
    expect(flags((await bob.getPost({ id: ned.postId })).post_view)).toEqual(bannedHere);
    expect(flags(await listed(anonymous, newsId, ned.postId))).toEqual(bannedHere);
    expect(flags(await listed(bob, newsId, ned.postId))).toEqual(bannedHere);
    expect(flags(await commentOf(anonymous))).toEqual(bannedHere);
    expect(flags((await bob.getComment({ id: ned.commentId })).comment_view)).toEqual(bannedHere);
    // Ned reading news sees that he is banned there, on every post (banned_from_community is the reader's).
    expect(flags(await listed(ned.client, newsId, ned.postId))).toEqual({ ...bannedHere, readerBanned: true });
    expect((await listed(ned.client, newsId, moePost)).banned_from_community).toBe(true);
    expect(flags(await commentOf(ned.client))).toEqual({ ...bannedHere, readerBanned: true });
    // So do his community's view for him and his profile for anyone.
    expect((await ned.client.getCommunity({ id: newsId })).community_view.banned_from_community).toBe(true);
    expect((await ned.client.getCommunity({ id: miscId })).community_view.banned_from_community).toBe(false);
    expect((await bob.getCommunity({ id: newsId })).community_view.banned_from_community).toBe(false);
    const profile = (await anonymous.getPersonDetails({ person_id: ned.id })).person_view.person;
    expect([profile.banned, profile.ban_expires]).toEqual([true, siteBanned.expires]);
    // In misc only the site ban applies.
    expect(flags(await listed(anonymous, miscId, nedInMisc))).toEqual({ ...none, ...siteBanned });
    expect(flags(await listed(ned.client, miscId, nedInMisc))).toEqual({ ...none, ...siteBanned });
    // Others' posts carry their own creators' standing.
    const moeView = await listed(bob, newsId, moePost);
    expect([flags(moeView), moeView.creator_is_moderator, moeView.creator_is_admin]).toEqual([none, true, false]);
    const adminView = (await bob.getPost({ id: adminPost })).post_view;
    expect([flags(adminView), adminView.creator_is_moderator, adminView.creator_is_admin]).toEqual([none, false, true]);

    // Time passes: both bans' expiries are in the past. The flags clear at once, before any job runs.
    await sql`update community_bans set expires_at = now() - interval '1 minute' where person_id = ${String(ned.id)}`.execute(
      db,
    );
    expect(flags(await listed(ned.client, newsId, ned.postId))).toEqual({ ...none, ...siteBanned });
    await sql`update site_bans set expires_at = now() - interval '1 minute' where person_id = ${String(ned.id)}`.execute(
      db,
    );
    expect(flags((await anonymous.getPost({ id: ned.postId })).post_view)).toEqual(none);
    expect(flags(await listed(anonymous, newsId, ned.postId))).toEqual(none);
    expect(flags(await listed(ned.client, newsId, ned.postId))).toEqual(none);
    expect(flags(await commentOf(ned.client))).toEqual(none);
    expect(flags(await listed(anonymous, miscId, nedInMisc))).toEqual(none);
    expect((await ned.client.getCommunity({ id: newsId })).community_view.banned_from_community).toBe(false);
    expect((await anonymous.getPersonDetails({ person_id: ned.id })).person_view.person.banned).toBe(false);
    // The worker's job deletes the expired rows (the next test counts what it deletes).
    expect(await clearExpiredBans(db)).toEqual({ siteBans: 1, communityBans: 1 });
  });

  test("the expiry job uses the time it is given, and leaves bans without an expiry alone", async () => {
    const una = await troll("una");
    const vic = await troll("vic");
    await moe.banFromCommunity({ community_id: newsId, person_id: una.id, ban: true, expires: inSeconds(HOUR_MS) });
    await moe.banFromCommunity({ community_id: newsId, person_id: vic.id, ban: true });
    await admin.banPerson({ person_id: una.id, ban: true, expires: inSeconds(3 * HOUR_MS) });
    const logged = await modlogCount();

    // An hour from now nothing has expired yet...
    expect(await clearExpiredBans(db, new Date(Date.now() + HOUR_MS / 2))).toEqual({ siteBans: 0, communityBans: 0 });
    expect(await attempts(una.client, miscId)).toEqual(allRefused("site_ban"));
    // ...two hours from now una's community ban has, four hours from now her site ban too.
    expect(await clearExpiredBans(db, new Date(Date.now() + 2 * HOUR_MS))).toEqual({ siteBans: 0, communityBans: 1 });
    expect(await clearExpiredBans(db, new Date(Date.now() + 4 * HOUR_MS))).toEqual({ siteBans: 1, communityBans: 0 });
    expect(await attempts(una.client, newsId)).toEqual(allOk);
    // vic's ban has no expiry: it stays.
    expect(await attempts(vic.client, newsId)).toEqual(allRefused("banned_from_community"));
    expect(await modlogCount()).toBe(logged);
  });

  test("a site ban stops taking part anywhere, but not logging in and reading; lifting it restores everything", async () => {
    const wes = await troll("wes");
    const response = await admin.banPerson({ person_id: wes.id, ban: true, reason: "spam everywhere" });
    expect(response.banned).toBe(true);
    expect(response.person_view.person.banned).toBe(true);
    expect(
      (await admin.getBannedPersons()).banned.map((view) => [view.person.name, view.person.banned]),
    ).toContainEqual(["wes", true]);

    expect(await attempts(wes.client, newsId)).toEqual(allRefused("site_ban"));
    expect(await attempts(wes.client, miscId)).toEqual(allRefused("site_ban"));
    expect(await errorOf(wes.client.createCommunity({ name: "wesland", title: "Wes" }))).toBe("site_ban");
    // Lemmy-style: banned persons log in and read.
    const login = await anonymous.login({ username_or_email: "wes", password: TEST_PASSWORD });
    expect(login.jwt).toBeTruthy();
    expect((await wes.client.getPosts({ community_id: newsId, sort: "New" })).posts.length).toBeGreaterThan(0);

    const lifted = await admin.banPerson({ person_id: wes.id, ban: false });
    expect(lifted.banned).toBe(false);
    expect((await admin.getBannedPersons()).banned.map((view) => view.person.name)).not.toContain("wes");
    expect(await attempts(wes.client, newsId)).toEqual(allOk);
  });

  test("a ban in the past is refused", async () => {
    const xia = await troll("xia");
    expect(
      await errorOf(
        moe.banFromCommunity({ community_id: newsId, person_id: xia.id, ban: true, expires: inSeconds(-HOUR_MS) }),
      ),
    ).toBe("ban_expiration_in_past");
    expect(await errorOf(admin.banPerson({ person_id: xia.id, ban: true, expires: inSeconds(-1000) }))).toBe(
      "ban_expiration_in_past",
    );
    expect(await attempts(xia.client, newsId)).toEqual(allOk);
  });

  test("banning with remove_data removes the person's content there, and unbanning with it restores it", async () => {
    const yul = await troll("yul");
    const elsewhere = (await yul.client.createPost({ community_id: miscId, name: "yul in misc" })).post_view.post.id;
    const newsPosts = (await anonymous.getCommunity({ id: newsId })).community_view.counts.posts;
    const before = (await anonymous.getPersonDetails({ username: "yul" })).person_view.counts;
    expect(before).toMatchObject({ post_count: 2, comment_count: 1 });

    await moe.banFromCommunity({ community_id: newsId, person_id: yul.id, ban: true, remove_data: true });
    expect((await admin.getPost({ id: yul.postId })).post_view.post.removed).toBe(true);
    const comment = (await admin.getComments({ post_id: yul.postId, max_depth: 8 })).comments;
    expect(comment.map((view) => view.comment.removed)).toEqual([true]);
    expect((await admin.getPost({ id: elsewhere })).post_view.post.removed).toBe(false);
    expect((await anonymous.getCommunity({ id: newsId })).community_view.counts.posts).toBe(newsPosts - 1);
    expect((await anonymous.getPersonDetails({ username: "yul" })).person_view.counts).toMatchObject({
      post_count: 1,
      comment_count: 0,
    });

    await moe.banFromCommunity({ community_id: newsId, person_id: yul.id, ban: false, remove_data: true });
    expect((await admin.getPost({ id: yul.postId })).post_view.post.removed).toBe(false);
    expect((await anonymous.getCommunity({ id: newsId })).community_view.counts.posts).toBe(newsPosts);
    expect((await anonymous.getPersonDetails({ username: "yul" })).person_view.counts).toMatchObject({
      post_count: 2,
      comment_count: 1,
    });
    expect(await attempts(yul.client, newsId)).toEqual(allOk);
  });

  test("a site ban with remove_data removes the person's content everywhere", async () => {
    const zoe = await troll("zoe");
    const elsewhere = (await zoe.client.createPost({ community_id: miscId, name: "zoe in misc" })).post_view.post.id;
    await admin.banPerson({ person_id: zoe.id, ban: true, remove_data: true, reason: "spam" });
    for (const id of [zoe.postId, elsewhere]) {
      expect((await admin.getPost({ id })).post_view.post.removed).toBe(true);
    }
    const listed = (await anonymous.getPosts({ type_: "All", sort: "New", limit: 50 })).posts.map((v) => v.post.id);
    expect(listed).not.toContain(elsewhere);
  });

  test("an admin's community ban of a moderator also ends their moderation there", async () => {
    const mia = await server.user("mia");
    const miaId = (await mia.client.getSite()).my_user?.local_user_view.person.id ?? 0;
    await moe.addModToCommunity({ community_id: newsId, person_id: miaId, added: true });
    expect(await errorOf(moe.banFromCommunity({ community_id: newsId, person_id: miaId, ban: true }))).toBe(
      "not_higher_mod",
    );
    await admin.banFromCommunity({ community_id: newsId, person_id: miaId, ban: true, reason: "rogue moderator" });
    const moderators = (await anonymous.getCommunity({ id: newsId })).moderators.map((m) => m.moderator.name);
    expect(moderators).not.toContain("mia");
    const bobPost = (await bob.createPost({ community_id: newsId, name: "Bob again" })).post_view.post.id;
    expect(await errorOf(mia.client.removePost({ post_id: bobPost, removed: true }))).toBe("not_a_mod_or_admin");
  });
});
