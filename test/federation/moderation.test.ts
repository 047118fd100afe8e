// Moderation across three real instances on loopback: a community on A, followed by bob on B and
// carol on C. alice, its moderator on A, removes, locks, pins and bans; the community announces
// each to B and C, which apply it. A report from B reaches A's queue, and its resolution on A
// reaches B. bob, appointed moderator on A, moderates from B through A's community; dave on B, who
// moderates nothing there, cannot.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  checkBan,
  createSeries,
  findLocalAccount,
  findLocalPersonByName,
  findPersonByApId,
  findPostByApId,
  isModerator,
  runMegathreadTick,
} from "@plenum/core";
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

describe("moderation of a community on A, followed from B and C", () => {
  let a: TestInstance;
  let b: TestInstance;
  let c: TestInstance;
  let alice: LemmyHttp;
  let bob: LemmyHttp;
  let carol: LemmyHttp;
  let lobbyUrl: string;
  /** alice's post, and carol's. */
  let alicePostUrl: string;
  let carolPostUrl: string;

  const lobbyOn = (instance: TestInstance) => communityOn(instance, lobbyUrl);

  async function modlogOf(instance: TestInstance, action: string) {
    return dbOf(instance)
      .selectFrom("modlog as m")
      .innerJoin("persons as p", "p.id", "m.mod_person_id")
      .select(["m.reason", "m.state", "p.ap_id as moderator"])
      .where("m.action", "=", action as "ModRemovePost")
      .orderBy("m.id")
      .execute();
  }

  const follows = (instance: TestInstance, name: string) => followAccepted(instance, name, lobbyUrl);

  beforeAll(async () => {
    [a, b, c] = await Promise.all([startInstance(), startInstance(), startInstance()]);
    [alice, bob, carol] = await Promise.all([
      a.user("alice", { admin: true }),
      // Admins of their own instances: B and C let them act; A's community decides what holds.
      b.user("bob", { admin: true }),
      c.user("carol"),
    ]);
    await alice.createCommunity({ name: "lobby", title: "The Lobby" });
    lobbyUrl = `${a.origin}/c/lobby`;
    await Promise.all([follows(b, "bob"), follows(c, "carol")]);
    const lobbyOnA = await lobbyOn(a);
    alicePostUrl = (await alice.createPost({ community_id: Number(lobbyOnA.id), name: "Rules" })).post_view.post.ap_id;
    const lobbyOnC = await lobbyOn(c);
    carolPostUrl = (await carol.createPost({ community_id: Number(lobbyOnC.id), name: "Hi all" })).post_view.post.ap_id;
    for (const instance of [a, b, c]) {
      for (const url of [alicePostUrl, carolPostUrl]) {
        await waitUntil(
          async () => (await findPostByApId(dbOf(instance), url)) !== undefined,
          `${instance.origin} to have ${url}`,
        );
      }
    }
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()]);
  });

  test("B and C read the community's moderators when they fetched it", async () => {
    for (const instance of [b, c]) {
      const aliceThere = await findPersonByApId(dbOf(instance), `${a.origin}/u/alice`);
      expect(aliceThere).toBeDefined();
      expect(await isModerator(dbOf(instance), (await lobbyOn(instance)).id, aliceThere?.id ?? "0")).toBe(true);
    }
  });

  test("a removal on A, and its reversal, take effect on B and C", async () => {
    const postId = Number((await postOn(a, carolPostUrl)).id);
    await alice.removePost({ post_id: postId, removed: true, reason: "off topic" });
    for (const instance of [b, c]) {
      await waitUntil(
        async () => (await postOn(instance, carolPostUrl)).removed,
        `the removal to reach ${instance.origin}`,
      );
      // Logged as Lemmy does: alice removed it, with her reason.
      expect(await modlogOf(instance, "ModRemovePost")).toEqual([
        { reason: "off topic", state: true, moderator: `${a.origin}/u/alice` },
      ]);
    }
    // carol still sees her post on C, as removed; not as deleted by her.
    expect(await postOn(c, carolPostUrl)).toMatchObject({ removed: true, deleted: false });
    await alice.removePost({ post_id: postId, removed: false });
    for (const instance of [b, c]) {
      await waitUntil(
        async () => !(await postOn(instance, carolPostUrl)).removed,
        `the restore to reach ${instance.origin}`,
      );
    }
  });

  test("a lock and a pin on A take effect on B and C; A's featured collection lists the pin", async () => {
    const postId = Number((await postOn(a, alicePostUrl)).id);
    await alice.lockPost({ post_id: postId, locked: true });
    await alice.featurePost({ post_id: postId, featured: true, feature_type: "Community" });
    for (const instance of [b, c]) {
      await waitUntil(async () => {
        const post = await postOn(instance, alicePostUrl);
        return post.locked && post.featured_community;
      }, `the lock and the pin to reach ${instance.origin}`);
    }
    // Locked: carol cannot comment from C.
    const onC = await postOn(c, alicePostUrl);
    await expect(carol.createComment({ post_id: Number(onC.id), content: "late" })).rejects.toThrow("locked");
    const featured = await fetch(`${lobbyUrl}/featured`, { headers: { accept: "application/activity+json" } });
    const collection = (await featured.json()) as { orderedItems?: unknown };
    const items = ([] as { id: string }[]).concat((collection.orderedItems ?? []) as { id: string }[]);
    expect(items.map((item) => item.id)).toEqual([alicePostUrl]);

    await alice.lockPost({ post_id: postId, locked: false });
    await alice.featurePost({ post_id: postId, featured: false, feature_type: "Community" });
    for (const instance of [b, c]) {
      await waitUntil(async () => {
        const post = await postOn(instance, alicePostUrl);
        return !post.locked && !post.featured_community;
      }, `the unlock and the unpin to reach ${instance.origin}`);
    }
  });

  test("a ban on A holds on B and C: carol cannot post there from C, and her content is removed", async () => {
    const carolOnA = Number((await personOn(a, `${c.origin}/u/carol`)).id);
    const lobbyOnA = await lobbyOn(a);
    await alice.banFromCommunity({
      community_id: Number(lobbyOnA.id),
      person_id: carolOnA,
      ban: true,
      remove_data: true,
      reason: "spam",
      expires: Math.floor(Date.now() / 1000) + 86_400,
    });
    for (const instance of [b, c]) {
      const carolThere = (await personOn(instance, `${c.origin}/u/carol`)).id;
      const lobbyThere = (await lobbyOn(instance)).id;
      await waitUntil(
        async () => (await checkBan(dbOf(instance), carolThere, { communityId: lobbyThere })) !== null,
        `the ban to reach ${instance.origin}`,
      );
      expect((await postOn(instance, carolPostUrl)).removed).toBe(true);
      const ban = await dbOf(instance)
        .selectFrom("community_bans")
        .selectAll()
        .where("person_id", "=", carolThere)
        .executeTakeFirstOrThrow();
      expect(ban.reason).toBe("spam");
      expect(ban.expires_at).not.toBeNull();
    }
    const lobbyOnC = await lobbyOn(c);
    await expect(carol.createPost({ community_id: Number(lobbyOnC.id), name: "Again" })).rejects.toThrow(
      "banned_from_community",
    );

    await alice.banFromCommunity({
      community_id: Number(lobbyOnA.id),
      person_id: carolOnA,
      ban: false,
      remove_data: true,
    });
    for (const instance of [b, c]) {
      const carolThere = (await personOn(instance, `${c.origin}/u/carol`)).id;
      const lobbyThere = (await lobbyOn(instance)).id;
      await waitUntil(
        async () =>
          (await checkBan(dbOf(instance), carolThere, { communityId: lobbyThere })) === null &&
          !(await postOn(instance, carolPostUrl)).removed,
        `the unban to reach ${instance.origin}`,
      );
    }
  });

  test("a report from B reaches A's report queue", async () => {
    const onB = await postOn(b, alicePostUrl);
    await bob.createPostReport({ post_id: Number(onB.id), reason: "wrong flair" });
    const bobOnA = (await personOn(a, `${b.origin}/u/bob`)).id;
    const onA = await postOn(a, alicePostUrl);
    await waitUntil(async () => {
      const report = await dbOf(a)
        .selectFrom("post_reports")
        .selectAll()
        .where("post_id", "=", onA.id)
        .where("creator_id", "=", bobOnA)
        .executeTakeFirst();
      return report !== undefined;
    }, "bob's report to reach A");
    const reports = await alice.listPostReports({ unresolved_only: true });
    expect(
      reports.post_reports.map((view) => [view.post.ap_id, view.post_report.reason, view.creator.actor_id]),
    ).toEqual([[alicePostUrl, "wrong flair", `${b.origin}/u/bob`]]);
  });

  test("alice's resolution of bob's report on A resolves his copy on B", async () => {
    const open = await alice.listPostReports({ unresolved_only: true });
    const reportId = open.post_reports[0]?.post_report.id;
    if (reportId === undefined) throw new Error("no report on A");
    await alice.resolvePostReport({ report_id: reportId, resolved: true });
    const onB = await postOn(b, alicePostUrl);
    const bobsCopy = () =>
      dbOf(b)
        .selectFrom("post_reports as r")
        .leftJoin("persons as p", "p.id", "r.resolver_id")
        .select(["r.resolved", "p.ap_id as resolver"])
        .where("r.post_id", "=", onB.id)
        .executeTakeFirstOrThrow();
    await waitUntil(async () => (await bobsCopy()).resolved, "the resolution to reach B");
    expect(await bobsCopy()).toEqual({ resolved: true, resolver: `${a.origin}/u/alice` });
  });

  test("bob, appointed moderator on A, removes a post from B; A and C follow", async () => {
    const lobbyOnA = await lobbyOn(a);
    await alice.addModToCommunity({
      community_id: Number(lobbyOnA.id),
      person_id: Number((await personOn(a, `${b.origin}/u/bob`)).id),
      added: true,
    });
    // The community announces it: B and C know bob moderates the lobby.
    for (const instance of [b, c]) {
      await waitUntil(async () => {
        // C learns of bob from the Add itself.
        const bobThere = await findPersonByApId(dbOf(instance), `${b.origin}/u/bob`);
        return bobThere !== undefined && isModerator(dbOf(instance), (await lobbyOn(instance)).id, bobThere.id);
      }, `bob's appointment to reach ${instance.origin}`);
    }
    // A's moderators collection lists him after alice.
    const response = await fetch(`${lobbyUrl}/moderators`, { headers: { accept: "application/activity+json" } });
    const moderators = (await response.json()) as { orderedItems?: unknown };
    expect(([] as unknown[]).concat(moderators.orderedItems)).toEqual([`${a.origin}/u/alice`, `${b.origin}/u/bob`]);

    const onB = await postOn(b, carolPostUrl);
    await bob.removePost({ post_id: Number(onB.id), removed: true, reason: "duplicate" });
    for (const instance of [a, c]) {
      await waitUntil(
        async () => (await postOn(instance, carolPostUrl)).removed,
        `bob's removal to reach ${instance.origin}`,
      );
    }
    const logged = await modlogOf(a, "ModRemovePost");
    expect(logged.at(-1)).toEqual({ reason: "duplicate", state: true, moderator: `${b.origin}/u/bob` });
  });

  test("dave on B, who moderates nothing on A, cannot lock or remove there", async () => {
    const dave = await b.user("dave", { admin: true });
    const onB = await postOn(b, alicePostUrl);
    // B's admin may act on B; A's community refuses it.
    await dave.lockPost({ post_id: Number(onB.id), locked: true });
    await dave.removePost({ post_id: Number(onB.id), removed: true, reason: "mine now" });
    // bob, a moderator, then locks carol's post through the same queue (events of one community
    // leave B in order): once it has arrived at A and C, dave's activities were handled before.
    const carolOnB = await postOn(b, carolPostUrl);
    await bob.lockPost({ post_id: Number(carolOnB.id), locked: true });
    for (const instance of [a, c]) {
      await waitUntil(
        async () => (await postOn(instance, carolPostUrl)).locked,
        `bob's lock to reach ${instance.origin}`,
      );
      expect(await postOn(instance, alicePostUrl)).toMatchObject({ locked: false, removed: false });
    }
    const daveOnA = await findPersonByApId(dbOf(a), `${b.origin}/u/dave`);
    const byDave = daveOnA
      ? await dbOf(a).selectFrom("modlog").select("id").where("mod_person_id", "=", daveOnA.id).execute()
      : [];
    expect(byDave).toEqual([]);
  });

  test("a megathread's automatic pin, unpin and lock on A reach B and C", async () => {
    const db = dbOf(a);
    const person = await findLocalPersonByName(db, "alice");
    const account = person ? await findLocalAccount(db, person.id) : undefined;
    if (!account) throw new Error("alice has no account");
    const series = await createSeries(db, account, (await lobbyOn(a)).id, {
      titlePattern: "Weekly thread {date}",
      schedule: { kind: "weekly", weekday: 1, time: "09:00", timeZone: "UTC" },
      pinCommunity: true,
      lockPrevious: true,
    });
    if (!series.ok) throw new Error(`no series: ${series.error.type}`);
    const slots = await db
      .selectFrom("megathread_slots")
      .select("occurs_at")
      .where("series_id", "=", series.value.id)
      .orderBy("occurs_at")
      .limit(2)
      .execute();
    const [first, second] = slots.map((slot) => slot.occurs_at);
    if (!first || !second) throw new Error("no slots");
    const urls = a.runtime.contextData.urls;
    const firstUrl = (await runMegathreadTick(db, urls, first)).posted[0]?.post.ap_id ?? "";
    for (const instance of [b, c]) {
      await waitUntil(
        async () => (await findPostByApId(dbOf(instance), firstUrl))?.featured_community === true,
        `the first thread's pin to reach ${instance.origin}`,
      );
    }
    const secondUrl = (await runMegathreadTick(db, urls, second)).posted[0]?.post.ap_id ?? "";
    for (const instance of [b, c]) {
      await waitUntil(async () => {
        const [older, newer] = await Promise.all([
          findPostByApId(dbOf(instance), firstUrl),
          findPostByApId(dbOf(instance), secondUrl),
        ]);
        return older?.featured_community === false && older.locked && newer?.featured_community === true;
      }, `the next thread's pin, and the unpin and lock of the first, to reach ${instance.origin}`);
      // Logged there as the thread's author's doing, as a moderator's would be.
      const pins = await modlogOf(instance, "ModFeaturePost");
      expect(pins.slice(-3).map((entry) => entry.state)).toEqual([true, true, false]);
    }
  });
});
