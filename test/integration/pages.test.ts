// Server-rendered pages that need no browser to check: search and the sidebar's tagline.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";

describe("pages", () => {
  let server: ApiServer;
  let admin: LemmyHttp;

  beforeAll(async () => {
    server = await startApiServer();
    admin = (await server.user("ada")).client;
    const { community_view } = await admin.createCommunity({ name: "gardening", title: "Gardening" });
    await admin.createPost({
      community_id: community_view.community.id,
      name: "Tomatoes in December",
      body: "Greenhouse tips",
    });
    await admin.createPost({ community_id: community_view.community.id, name: "Compost basics" });
  });

  afterAll(async () => {
    await server?.close();
  });

  test("search finds posts and communities by their words", async () => {
    const page = await (await fetch(`${server.origin}/search?q=tomatoes&type=All`)).text();
    expect(page).toContain("Tomatoes in December");
    expect(page).not.toContain("Compost basics");
    const communities = await (await fetch(`${server.origin}/search?q=gardening&type=Communities`)).text();
    expect(communities).toContain('<a href="/c/gardening">Gardening</a>');
    const nothing = await (await fetch(`${server.origin}/search?q=submarines`)).text();
    expect(nothing).toContain("Nothing found.");
  });

  test("the front page shows one of the site's taglines, rendered from Markdown", async () => {
    await admin.editSite({ taglines: ["Welcome, *comrade*"] });
    const page = await (await fetch(`${server.origin}/?type=All`)).text();
    expect(page).toContain("Welcome, <em>comrade</em>");
  });
});
