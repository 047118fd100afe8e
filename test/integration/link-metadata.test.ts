// Link previews end to end: a post's link is fetched by the worker's "jobs" queue from a page on
// a local HTTP server (allowed by PLENUM_ALLOW_PRIVATE_ADDRESS=true), and site_metadata answers
// at once. Without that setting, private addresses are refused and never contacted.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { fetchPublicPage, JOBS_QUEUE, queueDepth } from "@plenum/core";
import { runWorker } from "@plenum/server";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";
import { waitUntil } from "../support/wait.ts";

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call succeeded");
}

const ARTICLE = `<!doctype html>
<html><head>
  <meta charset="utf-8">
  <title>Plain title</title>
  <meta property="og:title" content="Bees &amp; honey">
  <meta property="og:description" content="Everything about bees.">
  <meta property="og:image" content="/img/bees.jpg">
</head><body><p>${"text ".repeat(1000)}</p></body></html>`;

/** A small site on 127.0.0.1: an article, redirects to it, an image, and a redirect loop. */
function startSite(): Promise<{ server: Server; origin: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === "/article" || path === "/private-probe") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(ARTICLE);
    } else if (path === "/moved") {
      response.writeHead(302, { location: "/article" });
      response.end();
    } else if (path.startsWith("/loop")) {
      const n = Number(path.slice("/loop".length) || 0);
      response.writeHead(301, { location: `/loop${n + 1}` });
      response.end();
    } else if (path === "/photo.png") {
      response.writeHead(200, { "content-type": "image/png" });
      response.end(Buffer.alloc(2048));
    } else if (path === "/huge") {
      // 3 MiB of head, never closed: the reader must stop at its 1 MiB bound.
      response.writeHead(200, { "content-type": "text/html" });
      response.end(`<head><title>Huge</title>${" ".repeat(3 * 1024 * 1024)}`);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}`, hits });
    });
  });
}

describe("link metadata", () => {
  let site: Awaited<ReturnType<typeof startSite>>;
  let allowed: ApiServer;
  let strict: ApiServer;
  const workers = new AbortController();
  let running: Promise<void>[] = [];
  let allowedAlice: LemmyHttp;
  let strictAlice: LemmyHttp;

  beforeAll(async () => {
    site = await startSite();
    allowed = await startApiServer({ PLENUM_ALLOW_PRIVATE_ADDRESS: "true" });
    strict = await startApiServer();
    running = [runWorker(allowed.runtime, workers.signal), runWorker(strict.runtime, workers.signal)];
    allowedAlice = (await allowed.user("alice")).client;
    strictAlice = (await strict.user("alice")).client;
    await allowedAlice.createCommunity({ name: "links", title: "Links" });
    await strictAlice.createCommunity({ name: "links", title: "Links" });
  });

  afterAll(async () => {
    workers.abort();
    await Promise.all(running);
    await allowed?.close();
    await strict?.close();
    await new Promise((resolve) => site?.server.close(resolve));
  });

  async function newPost(client: LemmyHttp, url: string) {
    const community = await client.getCommunity({ name: "links" });
    return (await client.createPost({ community_id: community.community_view.community.id, name: "A link", url }))
      .post_view.post;
  }

  test("the worker fills in a post's preview from the page's OpenGraph tags, after a redirect", async () => {
    const post = await newPost(allowedAlice, `${site.origin}/moved`);
    expect(post.embed_title).toBeUndefined();
    let preview = post;
    await waitUntil(async () => {
      preview = (await allowed.client().getPost({ id: post.id })).post_view.post;
      return preview.embed_title !== undefined;
    }, "the link preview");
    expect(preview).toMatchObject({
      url: `${site.origin}/moved`,
      embed_title: "Bees & honey",
      embed_description: "Everything about bees.",
      thumbnail_url: `${site.origin}/img/bees.jpg`,
      url_content_type: "text/html",
    });
    expect(site.hits.get("/moved")).toBe(1);
    expect(site.hits.get("/article")).toBe(1);
  });

  test("a link to an image becomes its own thumbnail", async () => {
    const post = await newPost(allowedAlice, `${site.origin}/photo.png`);
    let preview = post;
    await waitUntil(async () => {
      preview = (await allowed.client().getPost({ id: post.id })).post_view.post;
      return preview.url_content_type !== undefined;
    }, "the image's content type");
    expect(preview).toMatchObject({ url_content_type: "image/png", thumbnail_url: `${site.origin}/photo.png` });
    expect(preview.embed_title).toBeUndefined();
  });

  test("site_metadata answers at once with the same fetcher", async () => {
    const { metadata } = await allowedAlice.getSiteMetadata({ url: `${site.origin}/article` });
    expect(metadata).toEqual({
      title: "Bees & honey",
      description: "Everything about bees.",
      image: `${site.origin}/img/bees.jpg`,
      content_type: "text/html",
    });
    expect(await errorOf(allowedAlice.getSiteMetadata({ url: `${site.origin}/loop` }))).toBe(
      "couldnt_fetch_site_metadata",
    );
    // The first request plus five redirects, and no sixth.
    expect(site.hits.get("/loop5")).toBe(1);
    expect(site.hits.get("/loop6")).toBeUndefined();
    expect(await errorOf(allowedAlice.getSiteMetadata({ url: `${site.origin}/missing` }))).toBe(
      "couldnt_fetch_site_metadata",
    );
    expect(await errorOf(allowedAlice.getSiteMetadata({ url: "file:///etc/passwd" }))).toBe("invalid_url");
    expect(await errorOf(allowed.client().getSiteMetadata({ url: `${site.origin}/article` }))).toBe("not_logged_in");
  });

  test("without PLENUM_ALLOW_PRIVATE_ADDRESS, private addresses are refused and never contacted", async () => {
    expect(await errorOf(strictAlice.getSiteMetadata({ url: `${site.origin}/private-probe` }))).toBe("blocked_url");
    expect(await errorOf(strictAlice.getSiteMetadata({ url: "http://localhost:9/private-probe" }))).toBe("blocked_url");
    expect(await errorOf(strictAlice.getSiteMetadata({ url: "http://[::1]:9/" }))).toBe("blocked_url");

    const post = await newPost(strictAlice, `${site.origin}/private-probe`);
    const { db } = strict.runtime.database;
    await waitUntil(async () => (await queueDepth(db, JOBS_QUEUE)).queued === 0, "the job to be handled");
    const after = (await strict.client().getPost({ id: post.id })).post_view.post;
    expect(after.embed_title).toBeUndefined();
    expect(after.url_content_type).toBeUndefined();
    expect(site.hits.get("/private-probe")).toBeUndefined();
  });

  test("reads stop at 1 MiB", async () => {
    const page = await fetchPublicPage(`${site.origin}/huge`, { allowPrivateAddress: true, userAgent: "test" });
    if (!page.ok) throw new Error(page.error.type);
    expect(page.value.body.byteLength).toBe(1024 * 1024);
  });
});
