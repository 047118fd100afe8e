// A member's whole first visit, once with JavaScript and once without: sign up, log in, create a
// community, submit a link post and a text post, reply three levels deep, vote, collapse a thread,
// change pronouns and see them next to the name. Screenshots go to test-output/screenshots.
import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Browser, Page } from "playwright-core";
import { type ApiServer, startApiServer, TEST_PASSWORD } from "../support/api.ts";
import { chromiumAvailable, launchBrowser } from "../support/browser.ts";

const SCREENSHOTS = new URL("../../test-output/screenshots/", import.meta.url).pathname;

describe.each([
  ["with JavaScript", true],
  ["without JavaScript", false],
])("a member's first visit %s", (label, javaScriptEnabled) => {
  let server: ApiServer;
  let browser: Browser;
  let page: Page;
  const name = javaScriptEnabled ? "js_member" : "plain_member";
  const community = javaScriptEnabled ? "js_club" : "plain_club";

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
    server = await startApiServer();
    // Someone else is the site's first account (and admin).
    await server.user("founder");
    browser = await launchBrowser();
    page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const submit = (form: string) => page.click(`form[action="${form}"] button[type="submit"]`);

  test("sign up, log out, log in", async () => {
    await page.goto(`${server.origin}/register`);
    await page.fill('input[name="username"]', name);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.fill('input[name="password_verify"]', TEST_PASSWORD);
    await submit("/register");
    await page.waitForURL(`${server.origin}/`);
    await page.click('header.site button:has-text("Log out")');
    await page.goto(`${server.origin}/login`);
    await page.fill('input[name="username_or_email"]', name);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await submit("/login");
    expect(await page.locator("header.site .me").textContent()).toContain(name);
  });

  test("create a community, submit a link post and a text post", async () => {
    await page.goto(`${server.origin}/create_community`);
    await page.fill('input[name="name"]', community);
    await page.fill('input[name="title"]', `The ${label} club`);
    await page.fill('textarea[name="sidebar"]', "## Rules\n\n1. Be kind");
    await submit("/create_community");
    await page.waitForURL(`${server.origin}/c/${community}`);
    expect(await page.locator("aside .body h2").textContent()).toBe("Rules");

    await page.click('a:has-text("Submit a post")');
    await page.fill('input[name="title"]', "A link worth reading");
    await page.fill('input[name="url"]', "https://example.org/worth-reading");
    await submit("/submit");
    await page.waitForURL(/\/post\/\d+$/);

    await page.goto(`${server.origin}/c/${community}`);
    await page.click('a:has-text("Submit a post")');
    await page.fill('input[name="title"]', "Megathread: say hi");
    await page.fill('textarea[name="body"]', "Reminders:\n\n- be kind\n- sort by **new**");
    await submit("/submit");
    await page.waitForURL(/\/post\/\d+$/);
    expect(await page.locator(".post-full .body li").allTextContents()).toEqual(["be kind", "sort by new"]);
  });

  test("reply three levels deep, vote, collapse", async () => {
    await page.fill('form.reply textarea[name="content"]', "Hi all");
    await page.click('form.reply button[type="submit"]');
    await page.locator("li.comment").first().waitFor();
    for (const [level, text] of [
      [0, "Hi back"],
      [1, "And a third level"],
    ] as const) {
      const comment = page.locator("li.comment").nth(level);
      await comment.locator("details.reply-box > summary").first().click();
      await comment.locator('form.reply textarea[name="content"]').first().fill(text);
      await comment.locator('form.reply button[type="submit"]').first().click();
      await page
        .locator("li.comment")
        .nth(level + 1)
        .waitFor();
    }
    expect(await page.locator("li.comment li.comment li.comment .body").textContent()).toContain("And a third level");

    const score = page.locator(".post-full .votes .score");
    expect(await score.textContent()).toBe("1");
    await page.click(".post-full form.vote button.up");
    await page.waitForFunction(() => document.querySelector(".post-full .votes .score")?.textContent === "0");

    const first = page.locator("li.comment").first();
    await first.locator(":scope > details > summary").click();
    expect(await first.locator(":scope > details").getAttribute("open")).toBeNull();
    expect(await first.locator(":scope > details > .body").isVisible()).toBe(false);
  });

  test("change pronouns and see them next to the name", async () => {
    const postUrl = page.url();
    await page.goto(`${server.origin}/settings`);
    await page.selectOption('select[name="pronouns"] >> nth=0', "they/them");
    await page.selectOption('select[name="pronouns"] >> nth=1', "any");
    await submit("/settings");
    await page.goto(postUrl);
    const header = await page.locator("li.comment summary .meta").first().textContent();
    expect(header).toContain(`${name} [they/them, any]`);
    expect(header).toMatch(/just now|minute/);
    expect(await page.locator("li.comment summary time").first().getAttribute("title")).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
  });

  test("screenshots of the front page and a post page at 1280 and 375 px", async () => {
    const postUrl = page.url();
    const suffix = javaScriptEnabled ? "js" : "nojs";
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${server.origin}/?type=All`);
      await page.screenshot({ path: `${SCREENSHOTS}front-${width}-${suffix}.png`, fullPage: true });
      await page.goto(postUrl);
      await page.screenshot({ path: `${SCREENSHOTS}post-${width}-${suffix}.png`, fullPage: true });
      // Nothing sticks out sideways on a phone.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
    }
  });
});
