// Reading and taking part in a real browser: posting, the comment tree, votes and replies, with
// and without JavaScript, and the weight of the front page.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import type { Browser, BrowserContext } from "playwright-core";
import { type ApiServer, startApiServer } from "../support/api.ts";
import { chromiumAvailable, launchBrowser } from "../support/browser.ts";

describe("posts and comments in the browser", () => {
  let server: ApiServer;
  let browser: Browser;
  let admin: LemmyHttp;
  let bob: { client: LemmyHttp; jwt: string };
  let communityId: number;

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
    server = await startApiServer();
    browser = await launchBrowser();
    admin = (await server.user("ada")).client;
    bob = await server.user("bob");
    const created = await admin.createCommunity({ name: "news", title: "News", description: "World news" });
    communityId = created.community_view.community.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function loggedIn(jwt: string, javaScriptEnabled: boolean): Promise<BrowserContext> {
    const context = await browser.newContext({ javaScriptEnabled });
    await context.addCookies([{ name: "jwt", value: jwt, url: server.origin }]);
    return context;
  }

  test("without JavaScript: submit a post, comment, reply three levels deep, vote, change the sort", async () => {
    const context = await loggedIn(bob.jwt, false);
    const page = await context.newPage();
    await page.goto(`${server.origin}/submit?community=${communityId}`);
    // Only spaces passes the browser's own check but not the server's, which re-renders the form.
    await page.fill('input[name="title"]', "   ");
    await page.fill('textarea[name="body"]', "Kept after the error");
    await page.click('form[action="/submit"] button[type="submit"]');
    expect(await page.locator(".errors").textContent()).toContain("The title must be 1 to 200 characters long.");
    expect(await page.inputValue('textarea[name="body"]')).toBe("Kept after the error");

    await page.fill('input[name="title"]', "Hello from the browser");
    await page.fill('input[name="url"]', "https://example.org/story");
    await page.fill('textarea[name="body"]', "Some **bold** words");
    await page.click('form[action="/submit"] button[type="submit"]');
    await page.waitForURL(/\/post\/\d+$/);
    const postUrl = page.url();
    expect(await page.locator("h1").textContent()).toBe("Hello from the browser");
    expect(await page.locator(".post-full .body strong").textContent()).toBe("bold");
    expect(await page.locator('a[href="https://example.org/story"]').first().getAttribute("rel")).toBe(
      "nofollow noopener ugc",
    );

    await page.fill('form.reply textarea[name="content"]', "Top-level comment");
    await page.click('form.reply button[type="submit"]');
    for (const [depth, text] of [
      [1, "Second level"],
      [2, "Third level"],
    ] as const) {
      const deepest = page.locator("li.comment").nth(depth - 1);
      await deepest.locator("details.reply-box > summary").first().click();
      await deepest.locator('form.reply textarea[name="content"]').first().fill(text);
      await deepest.locator('form.reply button[type="submit"]').first().click();
    }
    const bodies = await page.locator("li.comment .body").allTextContents();
    expect(bodies.map((b) => b.trim())).toEqual(["Top-level comment", "Second level", "Third level"]);
    // Nesting: the third comment sits inside the second, inside the first.
    expect(await page.locator("li.comment li.comment li.comment .body").textContent()).toContain("Third level");

    // Vote on the post as a form post: the score goes from 1 (own upvote) to... retracting it gives 0.
    const postScore = () => page.locator(".post-full .votes .score").textContent();
    expect(await postScore()).toBe("1");
    await page.click(".post-full form.vote button.up");
    expect(await postScore()).toBe("0");
    await page.click(".post-full form.vote button.up");
    expect(await postScore()).toBe("1");

    await page.selectOption('form.sort select[name="sort"]', "New");
    await page.click('form.sort button[type="submit"]');
    expect(page.url()).toBe(`${postUrl}?sort=New`);
    expect(await page.locator('form.sort select[name="sort"]').inputValue()).toBe("New");
    await context.close();
  });

  test("with JavaScript: votes and replies happen in place, comments collapse", async () => {
    const post = await admin.createPost({ community_id: communityId, name: "In-place post" });
    const top = await admin.createComment({ post_id: post.post_view.post.id, content: "Reply to me" });
    const context = await loggedIn(bob.jwt, true);
    const page = await context.newPage();
    let navigations = 0;
    await page.goto(`${server.origin}/post/${post.post_view.post.id}`);
    page.on("framenavigated", () => navigations++);

    const comment = page.locator(`#comment-${top.comment_view.comment.id}`);
    await comment.locator("form.vote button.up").first().click();
    await page.waitForFunction(
      (id) => document.querySelector(`#comment-${id} .votes .score`)?.textContent === "2",
      top.comment_view.comment.id,
    );
    expect(await comment.locator("form.vote button.up").first().getAttribute("aria-pressed")).toBe("true");

    await comment.locator("details.reply-box > summary").first().click();
    await comment.locator('form.reply textarea[name="content"]').first().fill("An answer in place");
    await comment.locator('form.reply button[type="submit"]').first().click();
    await page.waitForFunction(
      (id) => document.querySelector(`#comment-${id} ul.comments li.comment`) !== null,
      top.comment_view.comment.id,
    );
    expect(await comment.locator("ul.comments li.comment .body").first().textContent()).toContain("An answer in place");
    expect(navigations).toBe(0);

    // Collapsing hides the body (a <details> element: no script needed for this one).
    await comment.locator(":scope > details > summary").click();
    expect(await comment.locator(":scope > details").getAttribute("open")).toBeNull();
    await context.close();
  });

  test("a deep thread continues behind 'more replies'", async () => {
    const post = await admin.createPost({ community_id: communityId, name: "Deep thread" });
    let parent: number | undefined;
    const ids: number[] = [];
    for (let depth = 1; depth <= 8; depth++) {
      const created = await admin.createComment({
        post_id: post.post_view.post.id,
        parent_id: parent,
        content: `Depth ${depth}`,
      });
      parent = created.comment_view.comment.id;
      ids.push(parent);
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/post/${post.post_view.post.id}`);
    const shown = await page.locator("li.comment .body").allTextContents();
    expect(shown.map((b) => b.trim())).toEqual(["Depth 1", "Depth 2", "Depth 3", "Depth 4", "Depth 5", "Depth 6"]);
    const more = page.locator("a.load-more");
    // Only the comment where the thread was cut offers the rest.
    expect(await more.count()).toBe(1);
    expect(await more.textContent()).toBe("2 more replies");
    await more.click();
    await page.waitForFunction(() => document.body.textContent?.includes("Depth 8"));
    expect((await page.locator("li.comment .body").allTextContents()).map((b) => b.trim())).toContain("Depth 7");
    // Without JavaScript the same link opens the comment's own thread.
    expect(await more.count()).toBe(0);
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(`${server.origin}/post/${post.post_view.post.id}`);
    await plain.click("a.load-more");
    expect(plain.url()).toBe(`${server.origin}/comment/${ids[5]}`);
    expect(await plain.locator("li.comment .body").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("Depth 8")]),
    );
    await noJs.close();
    await context.close();
  });

  test("the front page with 20 posts weighs at most 60 KB", async () => {
    for (let i = 0; i < 20; i++) {
      await bob.client.createPost({
        community_id: communityId,
        name: `A reasonably long post title number ${i} about something that matters`,
        url: `https://example.com/news/${i}/a-long-article-path-like-real-ones-have`,
      });
    }
    const response = await fetch(`${server.origin}/?type=All&sort=New`, { headers: { cookie: `jwt=${bob.jwt}` } });
    const body = await response.text();
    expect((body.match(/<li class="post">/g) ?? []).length).toBe(20);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(60 * 1024);
  });
});
