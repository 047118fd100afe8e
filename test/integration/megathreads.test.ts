// Megathreads through the API and the scheduler: a weekly series posts on time with a
// controllable clock (pinning the new thread, unpinning and locking the old), reservations race
// safely, restarts and two schedulers at once neither skip nor double a thread, moderators
// assign, release and refuse slots, and megathread comments open sorted New.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type DatabaseHandle,
  type Db,
  findLocalAccount,
  findLocalPersonByName,
  type LocalAccount,
  openDatabase,
  reserveSlot,
  runMegathreadTick,
} from "@plenum/core";
import { createRuntime, type Runtime, runWorker } from "@plenum/server";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";
import { postgresAvailable, type TestDatabase } from "../support/database.ts";
import { waitUntil } from "../support/wait.ts";

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field.
  body: any;
}

interface Slot {
  slot: { id: number; occurs_at: string; local_date: string; local_time: string; status: string; title: string };
  holder?: { name: string };
}

describe("megathreads", () => {
  let server: ApiServer;
  let db: Db;
  let alice: { client: LemmyHttp; jwt: string }; // admin; creator and first moderator of "news"
  let bob: { client: LemmyHttp; jwt: string };
  let carol: { client: LemmyHttp; jwt: string }; // moderator of "news", not an admin
  let dave: { client: LemmyHttp; jwt: string };
  let communityId: number;
  let communities = 0;

  /** A call to one of Plenum's own endpoints (lemmy-js-client does not know them). */
  async function call(jwt: string | null, method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${server.origin}/api/v3${path}`, {
      method,
      headers: {
        ...(jwt ? { authorization: `Bearer ${jwt}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function newCommunity(): Promise<number> {
    communities += 1;
    const created = await alice.client.createCommunity({
      name: `mt${communities}`,
      title: `Megathreads ${communities}`,
    });
    return created.community_view.community.id;
  }

  async function createSeries(fields: Record<string, unknown>): Promise<number> {
    const answer = await call(alice.jwt, "POST", "/megathread/series", {
      community_id: communityId,
      title_pattern: "News Megathread — week of {date}",
      schedule: "Weekly",
      weekday: 1,
      time: "09:00",
      time_zone: "Europe/Berlin",
      ...fields,
    });
    expect(answer.status).toBe(200);
    return answer.body.series_view.series.id;
  }

  async function upcoming(seriesId: number, jwt: string | null = null): Promise<Slot[]> {
    const answer = await call(jwt, "GET", `/megathread/slot/list?series_id=${seriesId}&limit=50`);
    expect(answer.status).toBe(200);
    return answer.body.slots;
  }

  /** The scheduler at a given moment, reporting only what it did for one series. */
  async function tick(at: string | Date, seriesId: number, database: Db = db) {
    const result = await runMegathreadTick(database, server.runtime.contextData.urls, new Date(at));
    return {
      posted: result.posted.filter((p) => p.seriesId === String(seriesId)),
      missed: result.missed.filter((m) => m.seriesId === String(seriesId)),
    };
  }

  async function postOf(postId: number | string) {
    return (await alice.client.getPost({ id: Number(postId) })).post_view;
  }

  async function account(name: string): Promise<LocalAccount> {
    const person = await findLocalPersonByName(db, name);
    const found = person ? await findLocalAccount(db, person.id) : undefined;
    if (!found) throw new Error(`${name} is missing`);
    return found;
  }

  beforeAll(async () => {
    server = await startApiServer();
    db = server.runtime.database.db;
    alice = await server.user("alice");
    bob = await server.user("bob");
    carol = await server.user("carol");
    dave = await server.user("dave");
    communityId = await newCommunity();
    const carolId = (await findLocalPersonByName(db, "carol"))?.id;
    await alice.client.addModToCommunity({ community_id: communityId, person_id: Number(carolId), added: true });
  });

  afterAll(async () => {
    await server?.close();
  });

  test("a weekly series posts on time: by the slot's holder or the first moderator, pinned, then unpinned and locked", async () => {
    const seriesId = await createSeries({ pin_local: true, lock_previous: true, body_template: "Talk here. #{n}" });
    const slots = await upcoming(seriesId);
    expect(slots).toHaveLength(8);
    // Mondays at 09:00 in Berlin, a week apart in local time (the UTC hour moves with DST).
    for (const s of slots) {
      expect(s.slot.local_time).toBe("09:00");
      expect(new Date(`${s.slot.local_date}T12:00:00Z`).getUTCDay()).toBe(1);
      expect(s.slot.status).toBe("Open");
    }
    const [first, second] = slots as [Slot, Slot];
    expect(first.slot.title).toBe(`News Megathread — week of ${first.slot.local_date}`);

    // Bob reserves next week's slot and writes it ahead.
    expect((await call(bob.jwt, "POST", "/megathread/slot/reserve", { slot_id: second.slot.id })).status).toBe(200);
    const written = await call(bob.jwt, "PUT", "/megathread/slot", {
      slot_id: second.slot.id,
      title_suffix: "Bob's edition",
      body: "Hello, thread {n} of {date}!",
    });
    expect(written.status).toBe(200);
    expect(written.body.slot_view.slot.body).toBe("Hello, thread {n} of {date}!");
    expect(written.body.slot_view.holder.name).toBe("bob");

    // A second before the time: nothing. At the time: the thread, by the first moderator.
    const justBefore = new Date(new Date(first.slot.occurs_at).getTime() - 1000);
    expect((await tick(justBefore, seriesId)).posted).toHaveLength(0);
    const opened = await tick(first.slot.occurs_at, seriesId);
    expect(opened.posted).toHaveLength(1);
    const firstPostId = opened.posted[0]?.post.id as string;
    let firstPost = await postOf(firstPostId);
    expect(firstPost.creator.name).toBe("alice");
    expect(firstPost.post.name).toBe(`News Megathread — week of ${first.slot.local_date}`);
    expect(firstPost.post.body).toBe("Talk here. #1");
    expect(firstPost.post.featured_community).toBe(true);
    expect(firstPost.post.featured_local).toBe(true);
    expect(firstPost.post.locked).toBe(false);

    // The same moment again (a restarted worker): nothing new.
    expect((await tick(first.slot.occurs_at, seriesId)).posted).toHaveLength(0);

    // Next week: Bob's thread, pinned; last week's unpinned and locked.
    const next = await tick(second.slot.occurs_at, seriesId);
    expect(next.posted).toHaveLength(1);
    const secondPost = await postOf(next.posted[0]?.post.id as string);
    expect(secondPost.creator.name).toBe("bob");
    expect(secondPost.post.name).toBe(`News Megathread — week of ${second.slot.local_date} — Bob's edition`);
    expect(secondPost.post.body).toBe(`Hello, thread 2 of ${second.slot.local_date}!`);
    expect(secondPost.post.featured_community).toBe(true);
    expect(secondPost.post.featured_local).toBe(true);
    firstPost = await postOf(firstPostId);
    expect(firstPost.post.featured_community).toBe(false);
    expect(firstPost.post.featured_local).toBe(false);
    expect(firstPost.post.locked).toBe(true);

    // The community's listing shows the new thread first (featured), the series its current thread.
    const listing = await bob.client.getPosts({ community_id: communityId, sort: "New" });
    expect(listing.posts[0]?.post.id).toBe(secondPost.post.id);
    const series = await call(null, "GET", `/megathread/series?id=${seriesId}`);
    expect(series.body.series_view.current_thread.slot.post_id).toBe(secondPost.post.id);
    expect(series.body.series_view.current_thread.slot.sequence).toBe(2);
    const past = await call(null, "GET", `/megathread/slot/list?series_id=${seriesId}&type_=Past`);
    expect(past.body.slots.map((s: Slot) => s.slot.status)).toEqual(["Posted", "Posted"]);
    // Eight upcoming slots again: the list tops itself up.
    expect(await upcoming(seriesId)).toHaveLength(8);
  });

  test("two members racing for one slot: exactly one wins, the other gets slot_already_reserved", async () => {
    const seriesId = await createSeries({ title_pattern: "Race {n}" });
    const slots = await upcoming(seriesId);
    for (const s of slots.slice(0, 5)) {
      const answers = await Promise.all([
        call(bob.jwt, "POST", "/megathread/slot/reserve", { slot_id: s.slot.id }),
        call(dave.jwt, "POST", "/megathread/slot/reserve", { slot_id: s.slot.id }),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 409]);
      const loser = answers.find((a) => a.status === 409);
      expect(loser?.body.error).toBe("slot_already_reserved");
      const winner = answers.find((a) => a.status === 200);
      const holder = winner?.body.slot_view.holder.name as string;
      expect(["bob", "dave"]).toContain(holder);
      // The winner gives it back, so both can race again (one slot per member per series).
      const jwt = holder === "bob" ? bob.jwt : dave.jwt;
      expect((await call(jwt, "POST", "/megathread/slot/release", { slot_id: s.slot.id })).status).toBe(200);
    }
    // One member racing for two slots of a series: one reservation, and already_reserved_in_series.
    const [a, b] = slots as [Slot, Slot];
    const both = await Promise.all([
      call(dave.jwt, "POST", "/megathread/slot/reserve", { slot_id: a.slot.id }),
      call(dave.jwt, "POST", "/megathread/slot/reserve", { slot_id: b.slot.id }),
    ]);
    expect(both.map((x) => x.status).sort()).toEqual([200, 409]);
    expect(both.find((x) => x.status === 409)?.body.error).toBe("already_reserved_in_series");
    const held = (await upcoming(seriesId)).filter((s) => s.holder?.name === "dave");
    expect(held).toHaveLength(1);
  });

  test("racing reservations on separate database connections: exactly one commits", async () => {
    if (!postgresAvailable()) {
      // PGlite is one connection; the HTTP race above still runs there.
      expect(postgresAvailable()).toBe(false);
      return;
    }
    const seriesId = await createSeries({ title_pattern: "Connections {n}" });
    const slots = await upcoming(seriesId);
    const url = (server.runtime.database as TestDatabase).url as string;
    const handles: DatabaseHandle[] = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ kind: "postgres", url, poolSize: 1 })),
    );
    try {
      const racers = await Promise.all(["bob", "carol", "dave"].map(account));
      for (const s of slots.slice(0, 3)) {
        const results = await Promise.all(
          racers.map((racer, i) => reserveSlot(handles[i]?.db as Db, racer, String(s.slot.id))),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.type)).toEqual([
          "slot_already_reserved",
          "slot_already_reserved",
        ]);
        const row = await db
          .selectFrom("megathread_slots")
          .select(["status", "reserved_by"])
          .where("id", "=", String(s.slot.id))
          .executeTakeFirstOrThrow();
        expect(row.status).toBe("reserved");
        expect(row.reserved_by).toBe(winners[0]?.ok ? winners[0].value.reserved_by : null);
        // Free everyone for the next round.
        await db
          .updateTable("megathread_slots")
          .set({ status: "open", reserved_by: null })
          .where("id", "=", String(s.slot.id))
          .execute();
      }
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  test("a restart between slots neither skips nor doubles a thread, nor do two schedulers at once", async () => {
    communityId = await newCommunity();
    const seriesId = await createSeries({
      title_pattern: "Daily {date}",
      schedule: "Daily",
      time: "18:30",
      time_zone: "America/New_York",
    });
    const slots = await upcoming(seriesId);
    const at = (i: number) => (slots[i] as Slot).slot.occurs_at;

    // The first scheduler posts day 1, twice asked; then it "restarts" (a new runtime).
    expect((await tick(at(0), seriesId)).posted).toHaveLength(1);
    expect((await tick(at(0), seriesId)).posted).toHaveLength(0);
    let second: Runtime | null = null;
    const runtimes: Runtime[] = [server.runtime];
    if (postgresAvailable()) {
      const url = (server.runtime.database as TestDatabase).url as string;
      second = await createRuntime(server.runtime.config, {
        database: await openDatabase({ kind: "postgres", url }),
        logger: server.runtime.logger,
      });
      runtimes.push(second);
    }
    const last = runtimes[runtimes.length - 1] as Runtime;
    try {
      // After the restart: day 1 is not posted again, day 2 is not skipped.
      expect((await tick(at(0), seriesId, last.database.db)).posted).toHaveLength(0);
      expect((await tick(at(1), seriesId, last.database.db)).posted).toHaveLength(1);
      // Both schedulers at the same moment, several times: one thread per slot.
      for (const i of [2, 3, 4]) {
        const results = await Promise.all(runtimes.map((r) => tick(at(i), seriesId, r.database.db)));
        expect(results.reduce((sum, r) => sum + r.posted.length, 0)).toBe(1);
      }
      // The worker's own loop, with its clock at day 6: it posts at start (after "downtime").
      const stop = new AbortController();
      const worker = runWorker(last, stop.signal, { clock: () => new Date(at(5)) });
      try {
        await waitUntil(async () => {
          const row = await db
            .selectFrom("megathread_slots")
            .select("status")
            .where("series_id", "=", String(seriesId))
            .where("occurs_at", "=", new Date(at(5)))
            .executeTakeFirst();
          return row?.status === "posted";
        }, "the worker's scheduler to post day 6");
      } finally {
        stop.abort();
        await worker;
      }
    } finally {
      await second?.close();
    }
    const rows = await db
      .selectFrom("megathread_slots")
      .select(["occurs_at", "status", "post_id", "sequence"])
      .where("series_id", "=", String(seriesId))
      .where("occurs_at", "<=", new Date(at(5)))
      .orderBy("occurs_at")
      .execute();
    expect(rows.map((r) => r.status)).toEqual(["posted", "posted", "posted", "posted", "posted", "posted"]);
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    const posts = await db
      .selectFrom("posts")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("community_id", "=", String(communityId))
      .executeTakeFirstOrThrow();
    expect(Number(posts.n)).toBe(6);
    // Only the newest is pinned.
    const pinned = await db
      .selectFrom("posts")
      .select("id")
      .where("community_id", "=", String(communityId))
      .where("featured_community", "=", true)
      .execute();
    expect(pinned.map((p) => p.id)).toEqual([rows[5]?.post_id]);
  });

  test("a scheduler that missed whole periods posts the newest due slot only", async () => {
    communityId = await newCommunity();
    const seriesId = await createSeries({
      title_pattern: "Daily {n}",
      schedule: "Daily",
      time: "07:00",
      time_zone: "UTC",
    });
    const slots = await upcoming(seriesId);
    const result = await tick((slots[2] as Slot).slot.occurs_at, seriesId);
    expect(result.posted.map((p) => p.slotId)).toEqual([String((slots[2] as Slot).slot.id)]);
    expect(result.missed.map((m) => [m.slotId, m.reason])).toEqual([
      [String((slots[0] as Slot).slot.id), "superseded"],
      [String((slots[1] as Slot).slot.id), "superseded"],
    ]);
    expect((await postOf(result.posted[0]?.post.id as string)).post.name).toBe("Daily 1");
  });

  test("moderators assign, release and refuse slots; members only their own", async () => {
    communityId = await newCommunity();
    const carolId = Number((await findLocalPersonByName(db, "carol"))?.id);
    const daveId = Number((await findLocalPersonByName(db, "dave"))?.id);
    await alice.client.addModToCommunity({ community_id: communityId, person_id: carolId, added: true });
    const seriesId = await createSeries({ title_pattern: "Mod {date}" });
    const [s0, s1, s2] = (await upcoming(seriesId)) as [Slot, Slot, Slot];

    // Bob reserves; Dave may neither release it nor write it; anonymous readers do not see his draft.
    expect((await call(bob.jwt, "POST", "/megathread/slot/reserve", { slot_id: s0.slot.id })).status).toBe(200);
    await call(bob.jwt, "PUT", "/megathread/slot", { slot_id: s0.slot.id, body: "Secret draft" });
    const denied = await call(dave.jwt, "POST", "/megathread/slot/release", { slot_id: s0.slot.id });
    expect([denied.status, denied.body.error]).toEqual([403, "not_slot_holder"]);
    const notHis = await call(dave.jwt, "PUT", "/megathread/slot", { slot_id: s0.slot.id, body: "mine" });
    expect([notHis.status, notHis.body.error]).toEqual([403, "not_slot_holder"]);
    expect((await call(null, "GET", `/megathread/slot?id=${s0.slot.id}`)).body.slot_view.slot.body).toBeUndefined();
    expect((await call(carol.jwt, "GET", `/megathread/slot?id=${s0.slot.id}`)).body.slot_view.slot.body).toBe(
      "Secret draft",
    );
    // A second slot in the same series is one too many for Bob.
    const second = await call(bob.jwt, "POST", "/megathread/slot/reserve", { slot_id: s1.slot.id });
    expect([second.status, second.body.error]).toEqual([409, "already_reserved_in_series"]);

    // Carol (moderator) releases Bob's slot, assigns it to Dave, refuses the next one.
    expect(
      (await call(carol.jwt, "POST", "/megathread/slot/release", { slot_id: s0.slot.id })).body.slot_view.slot.status,
    ).toBe("Open");
    const assigned = await call(carol.jwt, "POST", "/megathread/slot/assign", {
      slot_id: s0.slot.id,
      person_id: daveId,
    });
    expect(assigned.body.slot_view.holder.name).toBe("dave");
    expect(assigned.body.slot_view.slot.body).toBeUndefined();
    const refused = await call(carol.jwt, "POST", "/megathread/slot/refuse", { slot_id: s1.slot.id, refused: true });
    expect(refused.body.slot_view.slot.status).toBe("Refused");
    const reserveRefused = await call(bob.jwt, "POST", "/megathread/slot/reserve", { slot_id: s1.slot.id });
    expect([reserveRefused.status, reserveRefused.body.error]).toEqual([409, "slot_not_open"]);
    const notMod = await call(bob.jwt, "POST", "/megathread/slot/refuse", { slot_id: s2.slot.id, refused: true });
    expect([notMod.status, notMod.body.error]).toEqual([403, "not_a_mod_or_admin"]);

    // Dave's thread goes up; the refused slot gets none, so Dave's stays pinned.
    const posted = await tick(s0.slot.occurs_at, seriesId);
    expect((await postOf(posted.posted[0]?.post.id as string)).creator.name).toBe("dave");
    expect((await tick(s1.slot.occurs_at, seriesId)).posted).toHaveLength(0);
    expect((await postOf(posted.posted[0]?.post.id as string)).post.featured_community).toBe(true);
    // The posted slot cannot be released any more.
    const late = await call(dave.jwt, "POST", "/megathread/slot/release", { slot_id: s0.slot.id });
    expect([late.status, late.body.error]).toEqual([409, "slot_not_open"]);
  });

  test("series: who may create and edit them, and what is checked", async () => {
    communityId = await newCommunity();
    const base = {
      community_id: communityId,
      title_pattern: "T {date}",
      schedule: "Weekly",
      weekday: 3,
      time: "10:00",
      time_zone: "UTC",
    };
    const create = (jwt: string, fields: Record<string, unknown>) =>
      call(jwt, "POST", "/megathread/series", { ...base, ...fields });
    const errorOf = async (answer: Promise<Answer>) => {
      const a = await answer;
      return [a.status, a.body.error];
    };
    expect(await errorOf(create(bob.jwt, {}))).toEqual([403, "not_a_mod_or_admin"]);
    expect(await errorOf(call(null, "POST", "/megathread/series", base))).toEqual([401, "not_logged_in"]);
    expect(await errorOf(create(alice.jwt, { time_zone: "Atlantis/Capital" }))).toEqual([400, "invalid_time_zone"]);
    expect(await errorOf(create(alice.jwt, { weekday: 9 }))).toEqual([400, "invalid_megathread_schedule"]);
    expect(await errorOf(create(alice.jwt, { time: "25:00" }))).toEqual([400, "invalid_megathread_schedule"]);
    expect(await errorOf(create(alice.jwt, { schedule: "Once", date: "2020-01-01" }))).toEqual([
      400,
      "invalid_megathread_schedule",
    ]);
    expect(await errorOf(create(alice.jwt, { title_pattern: `${"x".repeat(195)}{date}` }))).toEqual([
      400,
      "invalid_post_title",
    ]);
    expect(await errorOf(create(alice.jwt, { schedule: "Fortnightly" }))).toEqual([400, "invalid_request"]);
    expect(await errorOf(create(alice.jwt, { community_id: 999999 }))).toEqual([404, "couldnt_find_community"]);
    const carolId = Number((await findLocalPersonByName(db, "carol"))?.id);
    await alice.client.addModToCommunity({ community_id: communityId, person_id: carolId, added: true });
    expect(await errorOf(create(carol.jwt, { pin_local: true }))).toEqual([403, "not_an_admin"]);

    const created = await create(carol.jwt, { time_zone: "asia/tokyo" });
    expect(created.status).toBe(200);
    const series = created.body.series_view.series;
    expect(series).toMatchObject({
      schedule: "Weekly",
      weekday: 3,
      time: "10:00",
      time_zone: "Asia/Tokyo",
      pin_community: true,
      pin_local: false,
      comments_sort_new: true,
    });
    expect(created.body.series_view.schedule_description).toBe("weekly on Wednesday at 10:00 (Asia/Tokyo)");

    // Bob reserves the third Wednesday; moving the series to Fridays replaces the upcoming slots,
    // and his reservation with them.
    const wednesdays = await upcoming(series.id);
    await call(bob.jwt, "POST", "/megathread/slot/reserve", { slot_id: (wednesdays[2] as Slot).slot.id });
    const edited = await call(carol.jwt, "PUT", "/megathread/series", {
      series_id: series.id,
      weekday: 5,
      title_pattern: "Friday {date}",
    });
    expect(edited.status).toBe(200);
    expect(edited.body.series_view.series).toMatchObject({ weekday: 5, title_pattern: "Friday {date}" });
    const fridays = await upcoming(series.id);
    expect(fridays).toHaveLength(8);
    for (const s of fridays) expect(new Date(`${s.slot.local_date}T12:00:00Z`).getUTCDay()).toBe(5);
    expect(fridays.some((s) => s.holder)).toBe(false);
    expect(await errorOf(call(bob.jwt, "PUT", "/megathread/series", { series_id: series.id, active: false }))).toEqual([
      403,
      "not_a_mod_or_admin",
    ]);
    const list = await call(null, "GET", `/megathread/series/list?community_id=${communityId}`);
    expect(list.body.series.map((s: { series: { id: number } }) => s.series.id)).toEqual([series.id]);
  });

  test("megathread comments open sorted New, in the API and on the post page", async () => {
    communityId = await newCommunity();
    const seriesId = await createSeries({ title_pattern: "Chat {date}" });
    const [slot] = (await upcoming(seriesId)) as [Slot];
    const thread = (await tick(slot.slot.occurs_at, seriesId)).posted[0]?.post.id as string;
    const ordinary = (await bob.client.createPost({ community_id: communityId, name: "Not a megathread" })).post_view
      .post.id;

    // On each post: an older comment that ranks high in Hot (its stored rank set as many votes
    // would leave it), then a newer one. Hot puts the older first, New the newer.
    const order = async (postId: number, sort?: "Hot" | "New") =>
      (await bob.client.getComments({ post_id: postId, max_depth: 8, ...(sort ? { sort } : {}) })).comments.map(
        (c) => c.comment.content,
      );
    for (const postId of [Number(thread), ordinary]) {
      const older = await bob.client.createComment({ post_id: postId, content: "older, liked" });
      await db
        .updateTable("comments")
        .set({ hot_rank: 10, score: 40, upvotes: 40 })
        .where("id", "=", String(older.comment_view.comment.id))
        .execute();
      await dave.client.createComment({ post_id: postId, content: "newer" });
    }
    expect(await order(Number(thread))).toEqual(["newer", "older, liked"]);
    expect(await order(Number(thread), "Hot")).toEqual(["older, liked", "newer"]);
    expect(await order(ordinary)).toEqual(["older, liked", "newer"]);

    const selected = async (postId: number | string) => {
      const page = await server.app.inject({ url: `/post/${postId}` });
      expect(page.statusCode).toBe(200);
      return /<option value="(\w+)" selected>/.exec(page.body)?.[1];
    };
    expect(await selected(thread)).toBe("New");
    expect(await selected(ordinary)).toBe("Hot");
    const page = await server.app.inject({ url: `/post/${thread}` });
    expect(page.body.indexOf("newer")).toBeLessThan(page.body.indexOf("older, liked"));
  });
});
