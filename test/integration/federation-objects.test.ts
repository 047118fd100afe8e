// Posts and comments as ActivityPub objects: a Page and a Note at their ids in Lemmy's shapes,
// exactly application/activity+json, Tombstones once deleted, HTML requests left to the pages,
// and the community's outbox (Announce(Create(Page))) and featured collection (pinned Pages).
// Pages also carry what Mastodon shows (summary, url, a #community Hashtag), and every post and
// comment mentions its community, so Mastodon addresses replies to the Group.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer, TEST_PASSWORD } from "../support/api.ts";

const AP = "application/activity+json";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

describe("posts and comments as ActivityPub objects", () => {
  let server: ApiServer;
  let origin: string;
  let base: string;
  let alice: LemmyHttp;
  let communityUrl: string;
  let linkPostId: number;
  let textPostId: number;
  let commentId: number;
  let replyId: number;

  async function get(path: string, accept = AP) {
    const response = await fetch(`${base}${path}`, { headers: { accept } });
    const text = await response.text();
    return { response, text, json: () => JSON.parse(text) as Record<string, unknown> };
  }

  beforeAll(async () => {
    server = await startApiServer();
    origin = server.runtime.config.origin;
    base = server.origin;
    alice = (await server.user("alice")).client;
    const community = await alice.createCommunity({ name: "lobby", title: "The Lobby" });
    communityUrl = `${origin}/c/lobby`;
    const communityId = community.community_view.community.id;
    const link = await alice.createPost({
      community_id: communityId,
      name: "A link",
      url: "https://example.com/article",
      body: "Look **here**",
      custom_thumbnail: "https://example.com/thumb.png",
      language_id: 9, // English
    });
    linkPostId = link.post_view.post.id;
    const text = await alice.createPost({ community_id: communityId, name: "Just words", nsfw: true });
    textPostId = text.post_view.post.id;
    const comment = await alice.createComment({ post_id: linkPostId, content: "First *comment*" });
    commentId = comment.comment_view.comment.id;
    const bob = (await server.user("bob")).client;
    const reply = await bob.createComment({ post_id: linkPostId, parent_id: commentId, content: "A reply" });
    replyId = reply.comment_view.comment.id;
    await alice.featurePost({ post_id: textPostId, featured: true, feature_type: "Community" });
    await alice.lockPost({ post_id: textPostId, locked: true });
  });

  afterAll(async () => {
    await server?.close();
  });

  test("a link post is a Page in Lemmy's shape, served as exactly application/activity+json", async () => {
    const { response, json } = await get(`/post/${linkPostId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(AP);
    const page = json();
    expect(page["@context"]).toEqual(
      expect.arrayContaining([
        "https://www.w3.org/ns/activitystreams",
        expect.objectContaining({ stickied: "lemmy:stickied", commentsEnabled: "pt:commentsEnabled" }),
      ]),
    );
    expect(page).toMatchObject({
      id: `${origin}/post/${linkPostId}`,
      type: "Page",
      attributedTo: `${origin}/u/alice`,
      to: [communityUrl, PUBLIC],
      audience: communityUrl,
      name: "A link",
      content: "<p>Look <strong>here</strong></p>\n",
      mediaType: "text/html",
      source: { content: "Look **here**", mediaType: "text/markdown" },
      summary: "Look here",
      url: `${origin}/post/${linkPostId}`,
      attachment: [{ type: "Link", href: "https://example.com/article" }],
      image: { type: "Image", url: "https://example.com/thumb.png" },
      tag: [
        { type: "Hashtag", href: communityUrl, name: "#lobby" },
        { type: "Mention", href: communityUrl, name: `@lobby@${new URL(origin).host}` },
      ],
      sensitive: false,
      commentsEnabled: true,
      stickied: false,
      language: { identifier: "en", name: "English" },
    });
    expect(typeof page.published).toBe("string");
    expect(page.updated).toBeUndefined();
  });

  test("a text post has no attachment or image; NSFW is sensitive; locked and pinned show as commentsEnabled and stickied", async () => {
    const page = (await get(`/post/${textPostId}`)).json();
    expect(page).toMatchObject({
      type: "Page",
      url: `${origin}/post/${textPostId}`,
      attachment: [],
      sensitive: true,
      commentsEnabled: false,
      stickied: true,
    });
    expect(page).not.toHaveProperty("content");
    expect(page).not.toHaveProperty("summary");
    expect(page).not.toHaveProperty("image");
    expect(page).not.toHaveProperty("language");
  });

  test("comments are Notes replying to the post or to their parent, mentioning its author and community", async () => {
    const note = (await get(`/comment/${commentId}`)).json();
    expect(note).toMatchObject({
      id: `${origin}/comment/${commentId}`,
      type: "Note",
      attributedTo: `${origin}/u/alice`,
      to: [communityUrl, PUBLIC],
      audience: communityUrl,
      inReplyTo: `${origin}/post/${linkPostId}`,
      content: "<p>First <em>comment</em></p>\n",
      source: { content: "First *comment*", mediaType: "text/markdown" },
      tag: [
        { type: "Mention", href: `${origin}/u/alice`, name: `@alice@${new URL(origin).host}` },
        { type: "Mention", href: communityUrl, name: `@lobby@${new URL(origin).host}` },
      ],
      cc: [`${origin}/u/alice`],
      distinguished: false,
    });
    const reply = (await get(`/comment/${replyId}`)).json();
    expect(reply).toMatchObject({
      attributedTo: `${origin}/u/bob`,
      inReplyTo: `${origin}/comment/${commentId}`,
      tag: [
        { type: "Mention", href: `${origin}/u/alice` },
        { type: "Mention", href: communityUrl },
      ],
    });
  });

  test("a person's pronouns are a PropertyValue profile field and, for Lemmy, part of the name", async () => {
    const { client: carol } = await server.user("carol");
    await carol.saveUserSettings({ display_name: "Carol", pronouns: ["she/her"] } as never);
    const person = (await get("/u/carol")).json();
    expect(person).toMatchObject({
      type: "Person",
      preferredUsername: "carol",
      name: "Carol [she/her]",
      attachment: { type: "PropertyValue", name: "Pronouns", value: "she/her" },
    });
    // The schema.org terms Mastodon reads profile fields by.
    expect(JSON.stringify(person["@context"])).toContain("schema:PropertyValue");
    const { client: dana } = await server.user("dana");
    await dana.saveUserSettings({ pronouns: ["they/them", "any"] } as never);
    expect((await get("/u/dana")).json()).toMatchObject({ name: "dana [they/them, any]" });
    // Without pronouns the name is the display name alone.
    expect((await get("/u/alice")).json()).not.toHaveProperty("name");
  });

  test("browsers asking for HTML are not answered with ActivityPub JSON", async () => {
    const { response } = await get(`/post/${linkPostId}`, "text/html,application/xhtml+xml");
    expect(response.headers.get("content-type") ?? "").not.toContain("activity+json");
  });

  test("unknown and malformed ids are not found", async () => {
    expect((await get("/post/999999")).response.status).toBe(404);
    expect((await get("/post/abc")).response.status).toBe(404);
    expect((await get("/comment/999999")).response.status).toBe(404);
  });

  test("the outbox lists the posts as Announce(Create(Page)), newest first", async () => {
    const outbox = (await get("/c/lobby/outbox")).json();
    expect(outbox).toMatchObject({ type: "OrderedCollection", totalItems: 2 });
    const items = outbox.orderedItems as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      type: "Announce",
      actor: communityUrl,
      to: [PUBLIC],
      cc: [`${communityUrl}/followers`],
      object: {
        type: "Create",
        actor: `${origin}/u/alice`,
        to: [communityUrl, PUBLIC],
        audience: communityUrl,
        object: { type: "Page", id: `${origin}/post/${textPostId}` },
      },
    });
    expect(items[1]).toMatchObject({ object: { object: { id: `${origin}/post/${linkPostId}` } } });
    // Each item, and the Create it wraps, is the same on every read and fetchable at its id.
    const again = (await get("/c/lobby/outbox")).json().orderedItems as Record<string, unknown>[];
    expect(again.map((item) => item.id)).toEqual(items.map((item) => item.id));
    const announce = items[0] as Record<string, unknown>;
    const create = announce.object as Record<string, unknown>;
    const fetched = await get(new URL(String(announce.id)).pathname);
    expect(fetched.response.headers.get("content-type")).toBe(AP);
    expect(fetched.json()).toMatchObject({ ...announce, "@context": expect.any(Array) });
    expect((await get(new URL(String(create.id)).pathname)).json()).toMatchObject({ ...create, type: "Create" });
    expect((await get("/activities/create/post-999999")).response.status).toBe(404);
  });

  test("the featured collection embeds the pinned posts as Pages", async () => {
    const featured = (await get("/c/lobby/featured")).json();
    expect(featured).toMatchObject({ type: "OrderedCollection", totalItems: 1 });
    expect(featured.orderedItems).toEqual([
      expect.objectContaining({ type: "Page", id: `${origin}/post/${textPostId}`, stickied: true }),
    ]);
  });

  test("deleted posts and comments are served as Tombstones, 410 Gone, and leave the outbox", async () => {
    await alice.deleteComment({ comment_id: commentId, deleted: true });
    const comment = await get(`/comment/${commentId}`);
    expect(comment.response.status).toBe(410);
    expect(comment.response.headers.get("content-type")).toBe("application/activity+json");
    expect(comment.json()).toEqual(
      expect.objectContaining({ id: `${origin}/comment/${commentId}`, type: "Tombstone", formerType: "Note" }),
    );
    await alice.deletePost({ post_id: linkPostId, deleted: true });
    const post = await get(`/post/${linkPostId}`);
    expect(post.response.status).toBe(410);
    const tombstone = post.json();
    expect(tombstone).toMatchObject({ id: `${origin}/post/${linkPostId}`, type: "Tombstone", formerType: "Page" });
    expect(tombstone).not.toHaveProperty("name");
    const outbox = (await get("/c/lobby/outbox")).json();
    expect(outbox.totalItems).toBe(1);
  });

  test("a post removed by a moderator is gone too; a live one and a reply still answer 200", async () => {
    await alice.removePost({ post_id: textPostId, removed: true, reason: "test" });
    const removed = await get(`/post/${textPostId}`);
    expect(removed.response.status).toBe(410);
    expect(removed.json()).toMatchObject({ type: "Tombstone", formerType: "Page" });
    expect((await get(`/comment/${replyId}`)).response.status).toBe(200);
  });

  test("the root serves the instance actor (Lemmy's site Application) to ActivityPub and the front page to browsers", async () => {
    await alice.editSite({ description: "A test site", sidebar: "Be **kind**" });
    const root = await get("/");
    expect(root.response.status).toBe(200);
    expect(root.response.headers.get("content-type")).toBe(AP);
    const siteUrl = `${origin}/`;
    const host = new URL(origin).host;
    const actor = root.json();
    expect(actor).toMatchObject({
      id: siteUrl,
      type: "Application",
      preferredUsername: host,
      summary: "A test site",
      content: "<p>Be <strong>kind</strong></p>\n",
      source: { content: "Be **kind**", mediaType: "text/markdown" },
      inbox: `${origin}/inbox`,
      outbox: `${origin}/site_outbox`,
      publicKey: { id: `${siteUrl}#main-key`, owner: siteUrl },
    });
    expect(String((actor.publicKey as Record<string, unknown>).publicKeyPem)).toContain("BEGIN PUBLIC KEY");
    // The key is made once: a second read serves the same one.
    expect((await get("/")).json().publicKey).toEqual(actor.publicKey);
    expect((await get("/site_outbox")).json()).toMatchObject({ type: "OrderedCollection", totalItems: 0 });
    const page = await get("/", "text/html,application/xhtml+xml");
    expect(page.response.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain("<html");
  });

  test("the served Group carries postingRestrictedToMods, as Lemmy reads it", async () => {
    const open = (await get("/c/lobby")).json();
    expect(open).toMatchObject({ type: "Group", id: communityUrl, postingRestrictedToMods: false });
    expect(JSON.stringify(open["@context"])).toContain('"postingRestrictedToMods":"lemmy:postingRestrictedToMods"');
    const lobby = (await alice.getCommunity({ name: "lobby" })).community_view.community.id;
    await alice.editCommunity({ community_id: lobby, posting_restricted_to_mods: true });
    expect((await get("/c/lobby")).json()).toMatchObject({ type: "Group", postingRestrictedToMods: true });
    await alice.editCommunity({ community_id: lobby, posting_restricted_to_mods: false });
  });

  test("a removed community and a deleted account are Tombstones, 410 Gone", async () => {
    const erin = (await server.user("erin")).client;
    await expect(erin.deleteAccount({ password: "not her password", delete_content: false })).rejects.toThrow(
      "incorrect_login",
    );
    expect((await get("/u/erin")).response.status).toBe(200);
    await erin.deleteAccount({ password: TEST_PASSWORD, delete_content: false });
    await expect(erin.validateAuth()).rejects.toThrow();
    const person = await get("/u/erin");
    expect(person.response.status).toBe(410);
    expect(person.json()).toMatchObject({ id: `${origin}/u/erin`, type: "Tombstone" });
    expect((await get("/u/alice")).response.status).toBe(200);
    const lobby = (await alice.getCommunity({ name: "lobby" })).community_view.community.id;
    await alice.removeCommunity({ community_id: lobby, removed: true, reason: "test" });
    const community = await get("/c/lobby");
    expect(community.response.status).toBe(410);
    expect(community.json()).toMatchObject({ id: communityUrl, type: "Tombstone" });
    expect((await get("/c/nothing-here")).response.status).toBe(404);
  });
});
