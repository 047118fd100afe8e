// Search (GET /api/v3/search): posts by the words of their title and body (English stemming),
// comments, communities by name, title or description, persons by the beginning of their name,
// posts by exact link; narrowed by type, community and creator; hiding what listings hide. The
// same full-text conditions (and the rank trigger) on embedded PGlite.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Db, ensureInstance, search } from "@plenum/core";
import { sql } from "kysely";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

describe("search through the API", () => {
  let server: ApiServer;
  let alice: LemmyHttp;
  let bob: LemmyHttp;
  let anonymous: LemmyHttp;
  let gardening: number;
  let cooking: number;
  let bobId: number;

  beforeAll(async () => {
    server = await startApiServer();
    alice = (await server.user("alice")).client;
    bob = (await server.user("bob_gardener")).client;
    anonymous = server.client();
    gardening = (
      await alice.createCommunity({
        name: "gardening",
        title: "Gardens and allotments",
        description: "Growing tomatoes and herbs",
      })
    ).community_view.community.id;
    cooking = (await alice.createCommunity({ name: "cooking", title: "Kitchen" })).community_view.community.id;
    const tomatoes = await bob.createPost({
      community_id: gardening,
      name: "Tomatoes are ripening early",
      body: "Mine were planted in April.",
      url: "https://example.com/tomato-report",
    });
    bobId = tomatoes.post_view.creator.id;
    await alice.createPost({ community_id: cooking, name: "A tomato soup", body: "Roast the tomatoes first." });
    await alice.createPost({ community_id: cooking, name: "Bread", body: "Flour, water, salt." });
    const deleted = await bob.createPost({ community_id: gardening, name: "Tomato mistakes" });
    await bob.deletePost({ post_id: deleted.post_view.post.id, deleted: true });
    await alice.createComment({ post_id: tomatoes.post_view.post.id, content: "My tomatoes ripened in July." });
    await bob.createComment({ post_id: tomatoes.post_view.post.id, content: "Planting garlic next." });
  });

  afterAll(async () => {
    await server?.close();
  });

  test("posts match by stemmed words of title and body; deleted posts never", async () => {
    const result = await anonymous.search({ q: "tomato", type_: "Posts", sort: "New" });
    expect(result.type_).toBe("Posts");
    expect(result.posts.map((view) => view.post.name)).toEqual(["A tomato soup", "Tomatoes are ripening early"]);
    expect(result.comments).toEqual([]);
    // "ripen" finds "ripening" (a post) and "ripened" (a comment).
    const ripe = await anonymous.search({ q: "ripen" });
    expect(ripe.posts.map((view) => view.post.name)).toEqual(["Tomatoes are ripening early"]);
    expect(ripe.comments.map((view) => view.comment.content)).toEqual(["My tomatoes ripened in July."]);
    // Every word must match; websearch syntax excludes with a minus.
    expect((await anonymous.search({ q: "tomato soup", type_: "Posts" })).posts).toHaveLength(1);
    expect((await anonymous.search({ q: "tomato -soup", type_: "Posts" })).posts.map((view) => view.post.name)).toEqual(
      ["Tomatoes are ripening early"],
    );
    expect((await anonymous.search({ q: "cucumber" })).posts).toEqual([]);
  });

  test("communities match by name beginnings, title and description; persons by name beginnings", async () => {
    const byName = await anonymous.search({ q: "garden", type_: "Communities" });
    expect(byName.communities.map((view) => view.community.name)).toEqual(["gardening"]);
    const byDescription = await anonymous.search({ q: "herbs", type_: "Communities" });
    expect(byDescription.communities.map((view) => view.community.name)).toEqual(["gardening"]);
    const byTitle = await anonymous.search({ q: "kitchen", type_: "Communities" });
    expect(byTitle.communities.map((view) => view.community.name)).toEqual(["cooking"]);
    const users = await anonymous.search({ q: "gard", type_: "Users" });
    expect(users.users.map((view) => view.person.name)).toEqual(["bob_gardener"]);
    expect(users.posts).toEqual([]);
  });

  test("All searches every kind; a community or creator narrows posts and comments and skips the rest", async () => {
    const all = await anonymous.search({ q: "garden" });
    expect(all.communities.map((view) => view.community.name)).toEqual(["gardening"]);
    expect(all.users.map((view) => view.person.name)).toEqual(["bob_gardener"]);
    const inCooking = await anonymous.search({ q: "tomatoes", community_id: cooking });
    expect(inCooking.posts.map((view) => view.post.name)).toEqual(["A tomato soup"]);
    expect(inCooking.communities).toEqual([]);
    const byBob = await anonymous.search({ q: "tomatoes", creator_id: bobId });
    expect(byBob.posts.map((view) => view.post.name)).toEqual(["Tomatoes are ripening early"]);
    expect(byBob.comments).toEqual([]);
  });

  test("Url finds posts linking to exactly that address", async () => {
    const found = await anonymous.search({ q: "https://example.com/tomato-report", type_: "Url" });
    expect(found.posts.map((view) => view.post.name)).toEqual(["Tomatoes are ripening early"]);
    expect((await anonymous.search({ q: "https://example.com/other", type_: "Url" })).posts).toEqual([]);
    expect((await anonymous.search({ q: "tomato", type_: "Url" })).posts).toEqual([]);
  });

  test("a reader's blocks apply to search too; bad input is invalid_request", async () => {
    await alice.blockPerson({ person_id: bobId, block: true });
    try {
      const seen = await alice.search({ q: "tomatoes", type_: "Posts" });
      expect(seen.posts.map((view) => view.post.name)).toEqual(["A tomato soup"]);
    } finally {
      await alice.blockPerson({ person_id: bobId, block: false });
    }
    expect((await anonymous.search({ q: "   " })).posts).toEqual([]);
    await expect(anonymous.search({ q: "x", type_: "Everything" as never })).rejects.toThrow("invalid_request");
  });
});

describe("search on embedded PGlite", () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase({ kind: "embedded" });
    db = database.db;
    const instance = await ensureInstance(db, "pglite.example");
    const person = await db
      .insertInto("persons")
      .values({
        ap_id: "https://pglite.example/u/zoe",
        local: true,
        instance_id: instance,
        name: "zoe_writer",
        inbox_url: "https://pglite.example/u/zoe/inbox",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const community = await db
      .insertInto("communities")
      .values({
        ap_id: "https://pglite.example/c/poetry",
        local: true,
        instance_id: instance,
        name: "poetry",
        title: "Poems",
        description: "Sonnets and haiku",
        inbox_url: "https://pglite.example/c/poetry/inbox",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("posts")
      .values({
        ap_id: "https://pglite.example/post/1",
        local: true,
        instance_id: instance,
        community_id: community.id,
        creator_id: person.id,
        title: "Writing sonnets",
        body: "Fourteen lines, always.",
      })
      .execute();
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  test("finds posts, communities and persons by their words", async () => {
    const options = {
      sort: "New" as const,
      listingType: "All" as const,
      viewer: null,
      showNsfw: false,
      page: 1,
      limit: 10,
    };
    const posts = await search(db, { ...options, query: "sonnet", type: "Posts" });
    expect(posts.posts.map((view) => view.post.title)).toEqual(["Writing sonnets"]);
    const communities = await search(db, { ...options, query: "haiku", type: "Communities" });
    expect(communities.communities.map((view) => view.community.name)).toEqual(["poetry"]);
    const persons = await search(db, { ...options, query: "zo", type: "Users" });
    expect(persons.persons.map((view) => view.person.name)).toEqual(["zoe_writer"]);
    const stored = await sql<{ v: string }>`select search_vector::text as v from posts`.execute(db);
    expect(stored.rows[0]?.v).toContain("'sonnet'");
    // The insert trigger ranks rows on PGlite too: a brand-new post with score 0 ranks 0.0865.
    const ranked = await db.selectFrom("posts").select("hot_rank").executeTakeFirstOrThrow();
    expect(ranked.hot_rank).toBeCloseTo(0.0865, 3);
  });
});
