// RSS feeds of the front page, a community and a person.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type ApiServer, startApiServer } from "../support/api.ts";

describe("RSS feeds", () => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer();
    const { client } = await server.user("rita");
    const { community_view } = await client.createCommunity({ name: "reading", title: "Reading <club>" });
    await client.createPost({ community_id: community_view.community.id, name: "First & best", body: "Some *text*" });
    await client.createPost({
      community_id: community_view.community.id,
      name: "A link",
      url: "https://example.org/a?b=1&c=2",
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  test.each(["/feeds/all.xml", "/feeds/local.xml", "/feeds/c/reading.xml", "/feeds/u/rita.xml"])(
    "%s lists the posts, newest first, as escaped XML",
    async (path) => {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
      const xml = await response.text();
      expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\s*<rss version="2.0"/);
      const titles = [...xml.matchAll(/<item>\s*<title><!\[CDATA\[(.*?)\]\]><\/title>/g)].map((m) => m[1]);
      expect(titles).toEqual(["A link", "First & best"]);
      expect(xml).toContain("https://example.org/a?b=1&amp;c=2");
    },
  );

  test("unknown communities and persons have no feed", async () => {
    expect((await fetch(`${server.origin}/feeds/c/nowhere.xml`)).status).toBe(404);
    expect((await fetch(`${server.origin}/feeds/u/nobody.xml`)).status).toBe(404);
  });

  test("pages point to their feeds", async () => {
    const page = await (await fetch(`${server.origin}/c/reading`)).text();
    expect(page).toContain(
      '<link rel="alternate" type="application/rss+xml" title="Reading &lt;club&gt;" href="/feeds/c/reading.xml">',
    );
  });
});
