// Outbound federation from domain events: what a local person's posts, comments, votes, edits,
// deletions, profile edits and account deletion send. In a local community the community
// announces each activity to its followers, one delivery per shared inbox, and announces posts a
// second time as the bare Page; in a remote community the activity goes to the community's inbox.
// The remote side is a capture server that records what real, signed deliveries from the durable
// queue bring.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  ensureInstance,
  findLocalPersonByName,
  findPersonByApId,
  findPostById,
  recordInstanceSoftware,
  setFederationLists,
  upsertFollow,
  upsertRemoteCommunity,
  upsertRemotePerson,
  writePostReport,
} from "@plenum/core";
import type { LemmyHttp } from "lemmy-js-client";
import { type CaptureServer, startCaptureServer } from "../support/capture.ts";
import { INSTANCE_PASSWORD, startInstance, type TestInstance } from "../support/instances.ts";
import { waitUntil } from "../support/wait.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
type Json = Record<string, unknown>;

describe("activities sent for a local person's content", () => {
  let a: TestInstance;
  let remote: CaptureServer; // two followers sharing one inbox, and a remote community
  let solo: CaptureServer; // a follower with only a personal inbox
  let alice: LemmyHttp;
  let lobbyId: number;
  let farId: number;
  let lobbyUrl: string;
  let aliceUrl: string;

  beforeAll(async () => {
    [a, remote, solo] = await Promise.all([startInstance(), startCaptureServer(), startCaptureServer()]);
    alice = await a.user("alice", { admin: true });
    lobbyId = (await alice.createCommunity({ name: "lobby", title: "Lobby" })).community_view.community.id;
    lobbyUrl = `${a.origin}/c/lobby`;
    aliceUrl = `${a.origin}/u/alice`;
    const db = a.runtime.database.db;
    const remoteInstance = await ensureInstance(db, new URL(remote.origin).host);
    const soloInstance = await ensureInstance(db, new URL(solo.origin).host);
    const followers = [
      { name: "r1", origin: remote.origin, instance: remoteInstance, shared: `${remote.origin}/inbox` },
      { name: "r2", origin: remote.origin, instance: remoteInstance, shared: `${remote.origin}/inbox` },
      { name: "r3", origin: solo.origin, instance: soloInstance, shared: null },
    ];
    for (const follower of followers) {
      const person = await upsertRemotePerson(db, {
        ap_id: `${follower.origin}/u/${follower.name}`,
        instance_id: follower.instance,
        name: follower.name,
        inbox_url: `${follower.origin}/u/${follower.name}/inbox`,
        shared_inbox_url: follower.shared,
      });
      await upsertFollow(db, {
        communityId: String(lobbyId),
        personId: person.id,
        state: "accepted",
        followActivityId: `${follower.origin}/follow/${follower.name}`,
      });
    }
    const far = await upsertRemoteCommunity(db, {
      ap_id: `${remote.origin}/c/far`,
      instance_id: remoteInstance,
      name: "far",
      title: "Far away",
      inbox_url: `${remote.origin}/c/far/inbox`,
    });
    farId = Number(far.id);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), remote?.close(), solo?.close()]);
  });

  /** Waits for `count` deliveries at a path, then returns them. */
  async function delivered(server: CaptureServer, path: string, count: number): Promise<Json[]> {
    await waitUntil(() => server.at(path).length >= count, `${count} deliveries at ${path}`);
    return server.at(path);
  }

  test("a post in a local community is announced once per shared inbox, also as the bare Page", async () => {
    const post = await alice.createPost({ community_id: lobbyId, name: "Hello", body: "First!" });
    const postUrl = `${a.origin}/post/${post.post_view.post.id}`;
    const shared = await delivered(remote, "/inbox", 2);
    const personal = await delivered(solo, "/u/r3/inbox", 2);
    // r1 and r2 share an inbox: one copy each, not two.
    expect(remote.requests.filter((r) => r.path !== "/inbox")).toEqual([]);
    const [announceCreate, announcePage] = shared;
    expect(announceCreate).toMatchObject({
      "@context": expect.arrayContaining(["https://www.w3.org/ns/activitystreams"]),
      type: "Announce",
      actor: lobbyUrl,
      to: [PUBLIC],
      cc: [`${lobbyUrl}/followers`],
      object: {
        type: "Create",
        actor: aliceUrl,
        to: [lobbyUrl, PUBLIC],
        audience: lobbyUrl,
        object: { type: "Page", id: postUrl, attributedTo: aliceUrl, name: "Hello", audience: lobbyUrl },
      },
    });
    expect(String(announceCreate?.id)).toMatch(new RegExp(`^${a.origin}/activities/announce/create/`));
    expect(announcePage).toMatchObject({
      type: "Announce",
      actor: lobbyUrl,
      object: { type: "Page", id: postUrl, actor: aliceUrl },
    });
    expect(personal.map((activity) => (activity.object as Json).type)).toEqual(["Create", "Page"]);
    // Delivered signed by the community.
    const request = remote.requests[0];
    const signature = String(request?.headers["signature-input"] ?? request?.headers.signature ?? "");
    expect(signature).toContain(`${lobbyUrl}#main-key`);
    expect(request?.headers["content-type"]).toContain("application/activity+json");
  });

  test("votes, comments, edits and deletions in a local community are announced", async () => {
    const before = remote.at("/inbox").length;
    const post = await alice.createPost({ community_id: lobbyId, name: "Vote here" });
    const postId = post.post_view.post.id;
    await delivered(remote, "/inbox", before + 2);
    // The creator's own upvote exists already: voting 1 again changes nothing and sends nothing.
    await alice.likePost({ post_id: postId, score: 1 });
    await alice.likePost({ post_id: postId, score: -1 });
    await alice.likePost({ post_id: postId, score: 0 });
    // Each step waits for its delivery: the bridge builds activities from the rows as they are when
    // it runs, so a comment edited or deleted before its Create went out is sent as it is by then.
    const comment = await alice.createComment({ post_id: postId, content: "A comment" });
    await delivered(remote, "/inbox", before + 2 + 3);
    await alice.editComment({ comment_id: comment.comment_view.comment.id, content: "An edited comment" });
    await delivered(remote, "/inbox", before + 2 + 4);
    await alice.deleteComment({ comment_id: comment.comment_view.comment.id, deleted: true });
    const all = await delivered(remote, "/inbox", before + 2 + 5);
    const inner = all.slice(before + 2).map((announce) => announce.object as Json);
    expect(inner.map((activity) => activity.type)).toEqual(["Dislike", "Undo", "Create", "Update", "Delete"]);
    expect(inner[0]).toMatchObject({ actor: aliceUrl, object: `${a.origin}/post/${postId}`, audience: lobbyUrl });
    expect(inner[1]).toMatchObject({
      object: { type: "Dislike", actor: aliceUrl, object: `${a.origin}/post/${postId}` },
    });
    expect(inner[2]).toMatchObject({
      object: { type: "Note", inReplyTo: `${a.origin}/post/${postId}`, content: "<p>A comment</p>\n" },
    });
    expect(inner[3]).toMatchObject({ object: { type: "Note", source: { content: "An edited comment" } } });
    expect(inner[4]).toMatchObject({ object: `${a.origin}/comment/${comment.comment_view.comment.id}` });
  });

  test("content in a remote community goes to the community's inbox, signed by its author", async () => {
    const post = await alice.createPost({ community_id: farId, name: "Over there", url: "https://example.com/" });
    const postId = post.post_view.post.id;
    const postUrl = `${a.origin}/post/${postId}`;
    const [create] = await delivered(remote, "/c/far/inbox", 1);
    expect(create).toMatchObject({
      "@context": expect.arrayContaining(["https://www.w3.org/ns/activitystreams"]),
      type: "Create",
      actor: aliceUrl,
      to: [`${remote.origin}/c/far`, PUBLIC],
      audience: `${remote.origin}/c/far`,
      object: {
        type: "Page",
        id: postUrl,
        attachment: [{ type: "Link", href: "https://example.com/" }],
      },
    });
    const request = remote.requests.find((r) => r.path === "/c/far/inbox");
    expect(String(request?.headers["signature-input"] ?? request?.headers.signature)).toContain(`${aliceUrl}#main-key`);

    await alice.editPost({ post_id: postId, name: "Over there (edited)" });
    const comment = await alice.createComment({ post_id: postId, content: "Me first" });
    await alice.likeComment({ comment_id: comment.comment_view.comment.id, score: -1 });
    // Sent before the deletion, or they would go out as the deleted post's (not at all).
    await delivered(remote, "/c/far/inbox", 4);
    await alice.deletePost({ post_id: postId, deleted: true });
    await alice.deletePost({ post_id: postId, deleted: false });
    const all = await delivered(remote, "/c/far/inbox", 6);
    expect(all.map((activity) => activity.type)).toEqual(["Create", "Update", "Create", "Dislike", "Delete", "Undo"]);
    expect(all[1]).toMatchObject({ object: { type: "Page", name: "Over there (edited)" } });
    expect(all[2]).toMatchObject({ object: { type: "Note", inReplyTo: postUrl } });
    expect(all[3]).toMatchObject({ object: `${a.origin}/comment/${comment.comment_view.comment.id}` });
    expect(all[4]).toMatchObject({ type: "Delete", object: postUrl, cc: [`${remote.origin}/c/far`] });
    expect(all[5]).toMatchObject({ type: "Undo", object: { type: "Delete", object: postUrl } });
    // Nothing about the remote community went to the lobby's followers.
    expect(solo.at("/u/r3/inbox").every((announce) => announce.actor === lobbyUrl)).toBe(true);
  });

  test("a site ban goes to every known instance; an edit of the lobby is announced as Update(Group)", async () => {
    const db = a.runtime.database.db;
    await a.user("eve");
    const eve = await findLocalPersonByName(db, "eve");
    if (!eve) throw new Error("no eve");
    const [sharedBefore, soloBefore] = [remote.at("/inbox").length, solo.at("/u/r3/inbox").length];
    const expires = Math.floor(Date.now() / 1000) + 3600;
    await alice.banPerson({ person_id: Number(eve.id), ban: true, remove_data: true, reason: "spam", expires });
    await alice.banPerson({ person_id: Number(eve.id), ban: false });
    // One copy per known instance (the shared inbox, else a personal one), signed by the admin.
    const shared = (await delivered(remote, "/inbox", sharedBefore + 2)).slice(sharedBefore);
    const personal = (await delivered(solo, "/u/r3/inbox", soloBefore + 2)).slice(soloBefore);
    const lifted = {
      type: "Block",
      actor: aliceUrl,
      to: [PUBLIC],
      object: eve.ap_id,
      target: `${a.origin}/`,
    };
    const block = {
      type: "Block",
      actor: aliceUrl,
      to: [PUBLIC],
      object: eve.ap_id,
      target: `${a.origin}/`,
      removeData: true,
      summary: "spam",
      expires: new Date(expires * 1000).toISOString(),
    };
    for (const [ban, unban] of [shared, personal]) {
      expect(ban).toMatchObject(block);
      // The regenerated Block of the lifting has no end, as Lemmy's.
      expect(unban?.object).not.toHaveProperty("expires");
      expect(unban).toMatchObject({
        type: "Undo",
        actor: aliceUrl,
        restoreData: false,
        object: { ...lifted, removeData: false, summary: "" },
      });
    }
    const banRequest = remote.requests.filter((r) => r.path === "/inbox").at(-2);
    const signature = String(banRequest?.headers["signature-input"] ?? banRequest?.headers.signature ?? "");
    expect(signature).toContain(`${aliceUrl}#main-key`);

    await alice.editCommunity({ community_id: lobbyId, title: "The Lobby, renamed", posting_restricted_to_mods: true });
    const [announce] = (await delivered(remote, "/inbox", sharedBefore + 3)).slice(sharedBefore + 2);
    await delivered(solo, "/u/r3/inbox", soloBefore + 3);
    expect(announce).toMatchObject({
      type: "Announce",
      actor: lobbyUrl,
      object: {
        type: "Update",
        actor: aliceUrl,
        to: [lobbyUrl, PUBLIC],
        audience: lobbyUrl,
        object: {
          type: "Group",
          id: lobbyUrl,
          preferredUsername: "lobby",
          name: "The Lobby, renamed",
          sensitive: false,
          postingRestrictedToMods: true,
          inbox: `${lobbyUrl}/inbox`,
          publicKey: { id: `${lobbyUrl}#main-key`, owner: lobbyUrl },
        },
      },
    });
  });

  test("a report's resolution goes to the reporter's server only, as Resolve of the Flag", async () => {
    const db = a.runtime.database.db;
    const post = await alice.createPost({ community_id: lobbyId, name: "Reported" });
    const postUrl = `${a.origin}/post/${post.post_view.post.id}`;
    const r3 = await findPersonByApId(db, `${solo.origin}/u/r3`);
    const postRow = await findPostById(db, String(post.post_view.post.id));
    if (!r3 || !postRow) throw new Error("missing rows");
    // r3's report, as their Flag would have filed it.
    const report = await writePostReport(db, { reporterId: r3.id, post: postRow, reason: "spam" });
    await alice.resolvePostReport({ report_id: Number(report.id), resolved: true });
    // A later post, announced to everyone through the same ordered queue, marks where it ends.
    const later = await alice.createPost({ community_id: lobbyId, name: "After the resolution" });
    const laterUrl = `${a.origin}/post/${later.post_view.post.id}`;
    const isResolve = (activity: Json) => activity.type === "Resolve" || (activity.object as Json)?.type === "Resolve";
    await waitUntil(() => solo.at("/u/r3/inbox").some(isResolve), "the Resolve at r3's inbox");
    expect(solo.at("/u/r3/inbox").find(isResolve)).toMatchObject({
      type: "Resolve",
      actor: aliceUrl,
      to: [lobbyUrl],
      audience: lobbyUrl,
      object: { type: "Flag", actor: r3.ap_id, to: [lobbyUrl], object: postUrl },
    });
    const announcesLater = (activity: Json) => ((activity.object as Json)?.object as Json)?.id === laterUrl;
    await waitUntil(() => remote.at("/inbox").some(announcesLater), "the later post at the shared inbox");
    expect(remote.at("/inbox").filter(isResolve)).toEqual([]);
    // Everything delivered before the next test counts what arrives.
    await waitUntil(
      async () => (await db.selectFrom("queue_messages").select("id").execute()).length === 0,
      "A's queues to drain",
    );
  });

  test("a profile edit and an account deletion go, by the person, to the servers of their communities", async () => {
    const dora = await a.user("dora");
    const doraUrl = `${a.origin}/u/dora`;
    // dora comments in the lobby (only moderators post there since the test above) and posts far away.
    const lobbyPost = await alice.createPost({ community_id: lobbyId, name: "Say hi, dora" });
    await dora.createComment({ post_id: lobbyPost.post_view.post.id, content: "Hi" });
    await dora.createPost({ community_id: farId, name: "Dora far away" });
    const byDora = (server: CaptureServer, path: string, type: string) =>
      server.at(path).filter((activity) => activity.type === type && activity.actor === doraUrl);
    const arrived = async (server: CaptureServer, path: string, type: string) => {
      await waitUntil(() => byDora(server, path, type).length >= 1, `${type} by dora at ${path}`);
      return byDora(server, path, type);
    };

    // r3's server is known to run Lemmy, whose inbox takes no Update of a Person.
    const db = a.runtime.database.db;
    const soloHost = new URL(solo.origin).host;
    await recordInstanceSoftware(db, soloHost, { software: "lemmy", version: "0.19.5" }, new Date());
    await dora.saveUserSettings({ display_name: "Dora the Explorer", bio: "Maps *everywhere*" });
    // The lobby's followers (r1 and r2 through their shared inbox, r3 directly) and the far community.
    const [update] = await arrived(remote, "/inbox", "Update");
    expect(update).toMatchObject({
      type: "Update",
      actor: doraUrl,
      to: [PUBLIC],
      object: {
        type: "Person",
        id: doraUrl,
        preferredUsername: "dora",
        name: "Dora the Explorer",
        summary: "<p>Maps <em>everywhere</em></p>\n",
        inbox: `${doraUrl}/inbox`,
      },
    });
    expect(String(update?.id)).toMatch(new RegExp(`^${a.origin}/activities/update/`));
    expect(await arrived(remote, "/c/far/inbox", "Update")).toHaveLength(1);
    const signed = remote.requests.find((r) => r.path === "/inbox" && r.body.id === update?.id);
    expect(String(signed?.headers["signature-input"] ?? signed?.headers.signature)).toContain(`${doraUrl}#main-key`);

    await dora.deleteAccount({ password: INSTANCE_PASSWORD, delete_content: false });
    const [deletion] = await arrived(remote, "/inbox", "Delete");
    expect(deletion).toMatchObject({
      type: "Delete",
      actor: doraUrl,
      object: doraUrl,
      to: [PUBLIC],
      removeData: false,
    });
    // Lemmy takes a Delete(Person): r3's server gets that one, and never got the Update.
    expect(await arrived(solo, "/u/r3/inbox", "Delete")).toHaveLength(1);
    expect(byDora(solo, "/u/r3/inbox", "Update")).toEqual([]);
    await recordInstanceSoftware(db, soloHost, null, new Date());
    expect(await arrived(remote, "/c/far/inbox", "Delete")).toHaveLength(1);
    // Settings saved without a profile change send nothing more.
    const updates = byDora(remote, "/inbox", "Update").length;
    await alice.saveUserSettings({ show_nsfw: true });
    await waitUntil(
      async () => (await db.selectFrom("queue_messages").select("id").execute()).length === 0,
      "A's queues to drain",
    );
    expect(byDora(remote, "/inbox", "Update")).toHaveLength(updates);
    expect(remote.at("/inbox").filter((activity) => activity.type === "Update" && activity.actor === aliceUrl)).toEqual(
      [],
    );
  });

  test("nothing is delivered to a blocked instance", async () => {
    const db = a.runtime.database.db;
    await setFederationLists(db, { blocked: [new URL(solo.origin).host], localHost: new URL(a.origin).host });
    const [sharedBefore, soloBefore] = [remote.at("/inbox").length, solo.at("/u/r3/inbox").length];
    await alice.createPost({ community_id: lobbyId, name: "Not for the blocked" });
    await delivered(remote, "/inbox", sharedBefore + 2);
    await waitUntil(
      async () => (await db.selectFrom("queue_messages").select("id").execute()).length === 0,
      "A's queues to drain",
    );
    expect(solo.at("/u/r3/inbox")).toHaveLength(soloBefore);
    await setFederationLists(db, { blocked: [], localHost: new URL(a.origin).host });
  });
});
