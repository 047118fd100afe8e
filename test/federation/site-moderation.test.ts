// Federation of what is not one moderation action in a community, across three real instances on
// loopback: a community on A, followed by bob on B and carol on C.
//   - alice edits the community's settings on A: the community announces Update(Group), and B and
//     C show the new settings.
//   - carla, C's admin, bans carol from C (a site ban): C sends Block{target: C} to every instance
//     it knows; A and B ban carol too and remove her content, and lift it all with the Undo.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { checkBan, findPersonByApId, findPostByApId, writeSiteBan } from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import {
  communityOn,
  dbOf,
  followAccepted,
  personOn,
  postOn,
  startInstance,
  type TestInstance,
} from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

describe("community settings and site bans between A, B and C", () => {
  let a: TestInstance;
  let b: TestInstance;
  let c: TestInstance;
  let alice: LemmyHttp;
  let bob: LemmyHttp;
  let carol: LemmyHttp;
  let carla: LemmyHttp;
  let lobbyUrl: string;
  let carolUrl: string;
  let carolPostUrl: string;

  const lobbyOn = (instance: TestInstance) => communityOn(instance, lobbyUrl);
  const carolOn = async (instance: TestInstance) => (await personOn(instance, carolUrl)).id;

  const follows = (instance: TestInstance, name: string) => followAccepted(instance, name, lobbyUrl);

  beforeAll(async () => {
    [a, b, c] = await Promise.all([startInstance(), startInstance(), startInstance()]);
    [alice, bob, carol, carla] = await Promise.all([
      a.user("alice", { admin: true }),
      b.user("bob"),
      c.user("carol"),
      c.user("carla", { admin: true }),
    ]);
    await alice.createCommunity({ name: "lobby", title: "The Lobby" });
    lobbyUrl = `${a.origin}/c/lobby`;
    carolUrl = `${c.origin}/u/carol`;
    await Promise.all([follows(b, "bob"), follows(c, "carol")]);
    const lobbyOnC = await lobbyOn(c);
    carolPostUrl = (await carol.createPost({ community_id: Number(lobbyOnC.id), name: "Hi all" })).post_view.post.ap_id;
    await waitUntil(async () => (await findPostByApId(dbOf(b), carolPostUrl)) !== undefined, "carol's post to reach B");
    // bob replies: the lobby announces it to C, which so learns of bob, and of B.
    const onB = await postOn(b, carolPostUrl);
    await bob.createComment({ post_id: Number(onB.id), content: "Welcome" });
    await waitUntil(
      async () => (await findPersonByApId(dbOf(c), `${b.origin}/u/bob`)) !== undefined,
      "C to learn of bob",
    );
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  });

  test("alice's edit of the lobby's settings on A reaches B and C", async () => {
    await alice.editSite({ enable_nsfw: true });
    const lobbyOnA = await lobbyOn(a);
    await alice.editCommunity({
      community_id: Number(lobbyOnA.id),
      title: "The Grand Lobby",
      description: "Be **kind**",
      icon: "https://images.example/lobby.png",
      banner: "https://images.example/lobby-banner.png",
      nsfw: true,
      posting_restricted_to_mods: true,
    });
    for (const instance of [b, c]) {
      await waitUntil(
        async () => (await lobbyOn(instance)).title === "The Grand Lobby",
        `the new settings to reach ${instance.origin}`,
      );
      expect(await lobbyOn(instance)).toMatchObject({
        description: "Be **kind**",
        icon_url: "https://images.example/lobby.png",
        banner_url: "https://images.example/lobby-banner.png",
        nsfw: true,
        posting_restricted_to_mods: true,
        // Addresses stay as fetched from A.
        inbox_url: lobbyOnA.inbox_url,
      });
    }
    // C's API shows them to carol.
    const lobbyOnC = await lobbyOn(c);
    const shown = await carol.getCommunity({ id: Number(lobbyOnC.id) });
    expect(shown.community_view.community).toMatchObject({ title: "The Grand Lobby", nsfw: true });

    // Opened to everyone again: a later Update undoes it.
    await alice.editCommunity({ community_id: Number(lobbyOnA.id), posting_restricted_to_mods: false });
    for (const instance of [b, c]) {
      await waitUntil(
        async () => !(await lobbyOn(instance)).posting_restricted_to_mods,
        `the reopening to reach ${instance.origin}`,
      );
      expect((await lobbyOn(instance)).title).toBe("The Grand Lobby");
    }
  });

  test("carla's site ban of carol on C holds on A and B, and its lifting too", async () => {
    const carolOnC = await carolOn(c);
    await carla.banPerson({
      person_id: Number(carolOnC),
      ban: true,
      remove_data: true,
      reason: "spam everywhere",
      expires: Math.floor(Date.now() / 1000) + 86_400,
    });
    for (const instance of [a, b]) {
      const carolThere = await carolOn(instance);
      await waitUntil(
        async () => (await checkBan(dbOf(instance), carolThere, null))?.type === "site_ban",
        `carol's site ban to reach ${instance.origin}`,
      );
      // removeData: her post is removed there too.
      expect((await postOn(instance, carolPostUrl)).removed).toBe(true);
      const ban = await dbOf(instance)
        .selectFrom("site_bans")
        .innerJoin("persons as p", "p.id", "site_bans.banned_by")
        .select(["site_bans.reason", "site_bans.expires_at", "p.ap_id as bannedBy"])
        .where("site_bans.person_id", "=", carolThere)
        .executeTakeFirstOrThrow();
      expect(ban).toMatchObject({ reason: "spam everywhere", bannedBy: `${c.origin}/u/carla` });
      expect(ban.expires_at).not.toBeNull();
    }

    // Were C to let carol post anyway, A refuses it. carla's own post, sent after it through the
    // same queue (C delivers a community's activities in order), shows when it was handled.
    await writeSiteBan(dbOf(c), { personId: carolOnC, ban: false, bannedBy: carolOnC, reason: null, expiresAt: null });
    const lobbyOnC = await lobbyOn(c);
    const refusedUrl = (await carol.createPost({ community_id: Number(lobbyOnC.id), name: "Still here" })).post_view
      .post.ap_id;
    const markerUrl = (await carla.createPost({ community_id: Number(lobbyOnC.id), name: "Marker" })).post_view.post
      .ap_id;
    await waitUntil(async () => (await findPostByApId(dbOf(a), markerUrl)) !== undefined, "carla's post to reach A");
    expect(await findPostByApId(dbOf(a), refusedUrl)).toBeUndefined();

    await carla.banPerson({ person_id: Number(carolOnC), ban: false, remove_data: true });
    for (const instance of [a, b]) {
      const carolThere = await carolOn(instance);
      await waitUntil(
        async () =>
          (await checkBan(dbOf(instance), carolThere, null)) === null &&
          !(await postOn(instance, carolPostUrl)).removed,
        `the lifting of carol's ban to reach ${instance.origin}`,
      );
      const logged = await dbOf(instance)
        .selectFrom("modlog")
        .select(["state"])
        .where("action", "=", "ModBan")
        .where("other_person_id", "=", carolThere)
        .orderBy("id")
        .execute();
      expect(logged).toEqual([{ state: true }, { state: false }]);
    }
  });
});
