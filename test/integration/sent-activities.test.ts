// Sent activities at their ids: what a local community announces (the Announce and the Create,
// vote or moderation activity it wraps) and what a person sends to a remote community answer
// GET at their ids with exactly the JSON delivered, as application/activity+json. Reports are
// not served, unknown ids are not found, browsers get no ActivityPub JSON, and the worker deletes
// activities past the retention. The receiving side is a capture server; deliveries are real.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  ensureInstance,
  findSentActivity,
  purgeSentActivities,
  SENT_ACTIVITY_RETENTION_MS,
  upsertFollow,
  upsertRemoteCommunity,
  upsertRemotePerson,
} from "@plenum/core";
import { sql } from "kysely";
import type { LemmyHttp } from "lemmy-js-client";
import { type CaptureServer, startCaptureServer } from "../support/capture.ts";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

const AP = "application/activity+json";
type Json = Record<string, unknown>;

describe("activities served at their ids", () => {
  let a: TestInstance;
  let remote: CaptureServer; // a follower of the lobby, and a remote community
  let alice: LemmyHttp;
  let lobbyId: number;
  let farId: number;

  beforeAll(async () => {
    [a, remote] = await Promise.all([startInstance(), startCaptureServer()]);
    alice = await a.user("alice", { admin: true });
    lobbyId = (await alice.createCommunity({ name: "lobby", title: "Lobby" })).community_view.community.id;
    const db = a.runtime.database.db;
    const instance = await ensureInstance(db, new URL(remote.origin).host);
    const follower = await upsertRemotePerson(db, {
      ap_id: `${remote.origin}/u/r1`,
      instance_id: instance,
      name: "r1",
      inbox_url: `${remote.origin}/u/r1/inbox`,
      shared_inbox_url: `${remote.origin}/inbox`,
    });
    await upsertFollow(db, {
      communityId: String(lobbyId),
      personId: follower.id,
      state: "accepted",
      followActivityId: `${remote.origin}/follow/r1`,
    });
    const far = await upsertRemoteCommunity(db, {
      ap_id: `${remote.origin}/c/far`,
      instance_id: instance,
      name: "far",
      title: "Far away",
      inbox_url: `${remote.origin}/c/far/inbox`,
    });
    farId = Number(far.id);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), remote?.close()]);
  });

  async function delivered(path: string, count: number): Promise<Json[]> {
    await waitUntil(() => remote.at(path).length >= count, `${count} deliveries at ${path}`);
    return remote.at(path);
  }

  /** GETs an id from A as a server would; returns the status, content type and document. */
  async function fetchId(id: unknown, accept = AP) {
    const response = await fetch(String(id), { headers: { accept } });
    const text = await response.text();
    const type = response.headers.get("content-type");
    return { status: response.status, type, json: () => JSON.parse(text) as Json };
  }

  /** The activity an Announce wraps, as a document of its own: with the Announce's @context. */
  const wrapped = (announce: Json): Json => ({ "@context": announce["@context"], ...(announce.object as Json) });

  /** Asserts that `document` is served at its id, exactly, as application/activity+json. */
  async function expectServed(document: Json) {
    expect(String(document.id)).toMatch(new RegExp(`^${a.origin}/activities/`));
    const { status, type, json } = await fetchId(document.id);
    expect(status).toBe(200);
    expect(type).toBe(AP);
    expect(json()).toEqual(document);
  }

  test("a community's Announce of a post, and the Create it wraps, are served as sent", async () => {
    await alice.createPost({ community_id: lobbyId, name: "Hello", body: "First!" });
    const [announceCreate, announcePage] = await delivered("/inbox", 2);
    expect(announceCreate).toMatchObject({ type: "Announce", object: { type: "Create" } });
    await expectServed(announceCreate as Json);
    await expectServed(wrapped(announceCreate as Json));
    // The second Announce carries the Page itself, which is served at its own id, not here.
    expect(announcePage).toMatchObject({ type: "Announce", object: { type: "Page" } });
    await expectServed(announcePage as Json);
  });

  test("a vote and a moderation activity, announced, are served at their ids", async () => {
    const before = remote.at("/inbox").length;
    const post = await alice.createPost({ community_id: lobbyId, name: "Vote here" });
    const postId = post.post_view.post.id;
    await delivered("/inbox", before + 2);
    await alice.likePost({ post_id: postId, score: -1 });
    await alice.lockPost({ post_id: postId, locked: true });
    await alice.likePost({ post_id: postId, score: 0 });
    const [dislike, lock, undo] = (await delivered("/inbox", before + 5)).slice(before + 2);
    expect(dislike).toMatchObject({ type: "Announce", object: { type: "Dislike" } });
    expect(lock).toMatchObject({ type: "Announce", object: { type: "Lock" } });
    expect(undo).toMatchObject({ type: "Announce", object: { type: "Undo", object: { type: "Dislike" } } });
    for (const announce of [dislike, lock, undo] as Json[]) {
      await expectServed(announce);
      await expectServed(wrapped(announce));
    }
    // The Undo's copy of the vote is an activity of ours too.
    const undoActivity = wrapped(undo as Json);
    await expectServed({ "@context": undoActivity["@context"], ...(undoActivity.object as Json) });
  });

  test("what a person sends to a remote community is served; a report is not", async () => {
    const post = await alice.createPost({ community_id: farId, name: "Over there" });
    const [create] = await delivered("/c/far/inbox", 1);
    await expectServed(create as Json);
    await alice.createPostReport({ post_id: post.post_view.post.id, reason: "spam" });
    const all = await delivered("/c/far/inbox", 2);
    const flag = all.find((activity) => activity.type === "Flag");
    expect(flag?.id).toBeDefined();
    expect((await fetchId(flag?.id)).status).toBe(404);
    expect(await findSentActivity(a.runtime.database.db, String(flag?.id))).toBeUndefined();
  });

  test("unknown ids are not found; browsers are not answered with ActivityPub JSON", async () => {
    expect((await fetchId(`${a.origin}/activities/create/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await fetchId(`${a.origin}/activities/nothing`)).status).toBe(404);
    const [announce] = remote.at("/inbox");
    const html = await fetchId(announce?.id, "text/html,application/xhtml+xml");
    expect(html.status).toBe(404);
    expect(html.type ?? "").not.toContain("activity+json");
  });

  test("activities past the retention are deleted in batches, by the worker too", async () => {
    const db = a.runtime.database.db;
    const [first, second, third] = remote.at("/inbox").map((announce) => String(announce.id));
    const age = (id: string | undefined, ms: number) =>
      sql`update sent_activities set sent_at = now() - ${`${ms} milliseconds`}::interval where ap_id = ${id}`.execute(
        db,
      );
    const past = SENT_ACTIVITY_RETENTION_MS + 60_000;
    await age(first, past);
    await age(second, past);
    await age(third, SENT_ACTIVITY_RETENTION_MS - 60_000);
    // Two old rows, one per statement.
    expect(await purgeSentActivities(db, new Date(Date.now() - SENT_ACTIVITY_RETENTION_MS), 1)).toBe(2);
    expect((await fetchId(first)).status).toBe(404);
    expect((await fetchId(second)).status).toBe(404);
    expect((await fetchId(third)).status).toBe(200);

    // The worker's periodic job (it runs at start) does the same.
    await a.stopWorker();
    await age(third, past);
    a.startWorker();
    await waitUntil(async () => (await findSentActivity(db, String(third))) === undefined, "the worker's purge");
    expect((await fetchId(third)).status).toBe(404);
  });
});
