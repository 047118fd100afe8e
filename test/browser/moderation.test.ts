// Moderation in a real browser, without JavaScript (every form is a plain post): a member reports
// a comment, a moderator removes it from the report queue and bans its author, the thread keeps it
// in place as "removed by moderator", and the modlog shows what happened. Then an admin's page.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type ApiServer, startApiServer } from "../support/api.ts";
import { chromiumAvailable, launchBrowser } from "../support/browser.ts";
import { waitUntil } from "../support/wait.ts";

describe("moderation in the browser", () => {
  let server: ApiServer;
  let browser: Browser;
  let admin: { client: LemmyHttp; jwt: string };
  let moe: { client: LemmyHttp; jwt: string };
  let bob: { client: LemmyHttp; jwt: string };
  let eve: { client: LemmyHttp; jwt: string };
  let communityId: number;

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
    server = await startApiServer();
    browser = await launchBrowser();
    admin = await server.user("ada");
    moe = await server.user("moe");
    bob = await server.user("bob");
    eve = await server.user("eve");
    communityId = (await moe.client.createCommunity({ name: "news", title: "News" })).community_view.community.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function as(jwt: string | null): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled: false });
    if (jwt) await context.addCookies([{ name: "jwt", value: jwt, url: server.origin }]);
    return { context, page: await context.newPage() };
  }

  test("report → remove from the queue → ban → the thread keeps the comment's place → the modlog", async () => {
    const postId = (await bob.client.createPost({ community_id: communityId, name: "Bob's thread" })).post_view.post.id;
    const rude = (await bob.client.createComment({ post_id: postId, content: "You are all idiots" })).comment_view
      .comment.id;
    const reply = (await eve.client.createComment({ post_id: postId, parent_id: rude, content: "Please be kind" }))
      .comment_view.comment.id;

    // eve reports bob's comment with a reason.
    const reporter = await as(eve.jwt);
    await reporter.page.goto(`${server.origin}/post/${postId}`);
    const comment = reporter.page.locator(`#comment-${rude}`);
    // Members get no moderation tools, and no report box on their own comments.
    expect(await comment.locator(".remove-box").count()).toBe(0);
    expect(await reporter.page.locator(`#comment-${reply} > details > .actions .report-box`).count()).toBe(0);
    await comment.locator(":scope > details > .actions .report-box > summary").click();
    await comment.locator(':scope > details > .actions .report-box input[name="reason"]').fill("Insults everyone");
    await comment.locator(':scope > details > .actions .report-box button[type="submit"]').click();
    expect(await reporter.page.locator("h1").textContent()).toBe("Report sent");
    await reporter.page.click("text=Go back");
    expect(reporter.page.url()).toBe(`${server.origin}/post/${postId}`);
    // eve moderates nothing: no queue for her.
    expect(await reporter.page.locator('header nav a[href="/reports"]').count()).toBe(0);
    await reporter.context.close();

    // bob, the reported person, learns nothing: no link, and the queue refuses him.
    const reported = await as(bob.jwt);
    await reported.page.goto(`${server.origin}/reports`);
    expect(await reported.page.locator("h1").textContent()).toBe("Not for you");
    expect(await reported.page.content()).not.toContain("Insults everyone");
    await reported.context.close();

    // moe sees the report in his queue, with who reported it and why, and removes the comment.
    const mod = await as(moe.jwt);
    await mod.page.goto(`${server.origin}/`);
    await mod.page.click('header nav a[href="/reports"]');
    const report = mod.page.locator("li.report").filter({ hasText: "Insults everyone" });
    expect(await report.count()).toBe(1);
    expect(await report.locator(".meta").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("Reported by eve")]),
    );
    expect(await report.locator("blockquote").textContent()).toBe("You are all idiots");
    await report.locator(".remove-box > summary").click();
    await report.locator('.remove-box input[name="reason"]').fill("Rule 1: be civil");
    await report.locator('.remove-box button[type="submit"]').click();
    // Removing resolved the report: the open queue is empty, the full list shows it resolved.
    expect(mod.page.url()).toBe(`${server.origin}/reports`);
    expect(await mod.page.locator("li.report").count()).toBe(0);
    await mod.page.click('nav.tabs a[href="/reports?all=1"]');
    const resolved = mod.page.locator("li.report").filter({ hasText: "Insults everyone" });
    expect(await resolved.locator(".badge.resolved").count()).toBe(1);
    expect(await resolved.locator(".title .badge").allTextContents()).toContain("removed");

    // ...and bans bob from the community for a week, from the same report.
    await resolved.locator(".ban-box > summary").first().click();
    await resolved.locator('.ban-box input[name="reason"]').first().fill("Repeated insults");
    await resolved.locator('.ban-box input[name="days"]').first().fill("7");
    await resolved.locator('.ban-box button[type="submit"]').first().click();
    expect(mod.page.url()).toBe(`${server.origin}/reports?all=1`);
    expect(
      await mod.page.locator("li.report").filter({ hasText: "Insults everyone" }).locator(".badge").allTextContents(),
    ).toContain("banned");

    // The thread keeps the comment in its place, with its reply, without its words.
    const reader = await as(null);
    await reader.page.goto(`${server.origin}/post/${postId}`);
    expect((await reader.page.locator(`#comment-${rude} > details > .body`).textContent())?.trim()).toBe(
      "removed by moderator",
    );
    expect(await reader.page.locator(`#comment-${rude} #comment-${reply} .body`).textContent()).toContain(
      "Please be kind",
    );
    expect(await reader.page.content()).not.toContain("You are all idiots");
    // bob's comment is marked as by someone banned from the community.
    expect(await reader.page.locator(`#comment-${rude} > details > summary .badge`).allTextContents()).toContain(
      "banned",
    );

    // bob, banned, cannot comment in the community any more.
    const banned = await as(bob.jwt);
    await banned.page.goto(`${server.origin}/post/${postId}`);
    await banned.page.fill('form.reply[action$="/comment"] textarea[name="content"]', "Let me back in");
    await banned.page.click('form.reply[action$="/comment"] button[type="submit"]');
    expect(await banned.page.locator("main").textContent()).toContain("You are banned from this community");
    await banned.context.close();

    // The community's modlog tells everyone what happened; names are hidden from readers by default.
    await reader.page.goto(`${server.origin}/c/news/modlog`);
    const entries = (await reader.page.locator("li.modlog-entry").allTextContents()).map((t) =>
      t.replace(/\s+/g, " ").trim(),
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/A moderator banned bob from News until .* — Repeated insults$/);
    expect(entries[1]).toMatch(/A moderator removed a comment by bob on Bob's thread in News — Rule 1: be civil$/);
    await reader.context.close();
    // The community's moderator sees his own name there.
    await mod.page.goto(`${server.origin}/c/news/modlog`);
    expect(await mod.page.locator("li.modlog-entry").first().textContent()).toContain("moe");
    await mod.context.close();
  });

  test("replies loaded in place carry the moderator's tools, as the page's own comments do", async () => {
    // (eve, since the first test banned bob from the community.)
    const postId = (await eve.client.createPost({ community_id: communityId, name: "A long chain" })).post_view.post.id;
    // Seven levels: the page shows six, the seventh comes through "more replies".
    let parentId: number | undefined;
    const ids: number[] = [];
    for (let depth = 1; depth <= 7; depth++) {
      const made = await eve.client.createComment({ post_id: postId, parent_id: parentId, content: `Level ${depth}` });
      parentId = made.comment_view.comment.id;
      ids.push(parentId);
    }
    const deepest = ids[6] ?? 0;
    const context = await browser.newContext();
    await context.addCookies([{ name: "jwt", value: moe.jwt, url: server.origin }]);
    const page = await context.newPage();
    await page.goto(`${server.origin}/post/${postId}`);
    expect(await page.locator(`#comment-${ids[5]} > details > .actions .remove-box`).count()).toBe(1);
    expect(await page.locator(`#comment-${deepest}`).count()).toBe(0);
    await page.click("a.load-more");
    await page.locator(`#comment-${deepest}`).waitFor();
    const loaded = page.locator(`#comment-${deepest} > details > .actions`);
    expect(await loaded.locator(".remove-box").count()).toBe(1);
    expect(await loaded.locator(".ban-box").count()).toBe(1);
    // The form works from where it was inserted: removing goes back to the post.
    await loaded.locator(".remove-box > summary").click();
    await loaded.locator('.remove-box input[name="reason"]').fill("Off topic");
    await loaded.locator('.remove-box button[type="submit"]').click();
    await waitUntil(
      async () => (await eve.client.getComment({ id: deepest })).comment_view.comment.removed,
      "the loaded comment's removal",
    );
    await page.waitForURL((url) => url.pathname === `/post/${postId}`);
    await context.close();
  });

  test("an admin changes the site's settings, decides an application and appoints an admin on /admin", async () => {
    const { context, page } = await as(admin.jwt);
    await page.goto(`${server.origin}/`);
    await page.click('header nav a[href="/admin"]');
    expect(page.url()).toBe(`${server.origin}/admin`);

    // Applications need a question: refused, and the form keeps what was typed.
    await page.selectOption('select[name="registration_mode"]', "RequireApplication");
    await page.fill('textarea[name="application_question"]', "");
    await page.fill('input[name="description"]', "Kept after the error");
    await page.click('form[action="/admin/site"] button[type="submit"]');
    expect(await page.locator(".errors").textContent()).toContain("Applications need a question");
    expect(await page.inputValue('input[name="description"]')).toBe("Kept after the error");

    await page.fill('textarea[name="application_question"]', "Why join?");
    await page.uncheck('input[name="hide_modlog_mod_names"]');
    await page.fill('textarea[name="taglines"]', "Hello *there*\nSecond tagline");
    await page.click('form[action="/admin/site"] button[type="submit"]');
    expect(await page.locator(".notice").textContent()).toBe("Settings saved.");
    const site = await server.client().getSite();
    expect(site.site_view.local_site).toMatchObject({
      registration_mode: "RequireApplication",
      application_question: "Why join?",
      hide_modlog_mod_names: false,
    });
    expect(site.site_view.site.description).toBe("Kept after the error");
    expect(site.taglines.map((t) => t.content)).toEqual(["Hello *there*", "Second tagline"]);

    // Someone applies; the admin approves them from the page, and they can log in.
    await server.client().register({
      username: "newbie",
      password: "correct horse battery",
      password_verify: "correct horse battery",
      answer: "I like links",
    });
    await page.goto(`${server.origin}/admin`);
    const application = page.locator("li.application").filter({ hasText: "newbie" });
    expect(await application.locator("blockquote").textContent()).toBe("I like links");
    await application.locator('form:has(input[name="approve"][value="true"]) button').click();
    expect(await page.locator(".notice").textContent()).toBe("Application decided.");
    const login = await server.client().login({ username_or_email: "newbie", password: "correct horse battery" });
    expect(login.jwt).toBeTruthy();

    // Appoint moe as admin; the admins list and getSite agree.
    await page.fill('form[action="/admin/admins"] input[name="name"]', "moe");
    await page.click('form[action="/admin/admins"]:has(input[name="name"]) button');
    expect(await page.locator("#admins li").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("moe")]),
    );
    expect((await server.client().getSite()).admins.map((a) => a.person.name)).toContain("moe");

    // The instance lists.
    await page.fill('textarea[name="blocked_instances"]', "spam.example\n");
    await page.click('form[action="/admin/federation"] button[type="submit"]');
    expect(await page.locator(".notice").textContent()).toBe("Instance lists saved.");
    expect(await page.inputValue('textarea[name="blocked_instances"]')).toBe("spam.example");

    // The modlog now shows names to everyone.
    const reader = await as(null);
    await reader.page.goto(`${server.origin}/modlog`);
    expect(await reader.page.locator("li.modlog-entry").first().textContent()).toContain("ada");
    await reader.context.close();
    await context.close();

    // Members are refused the admin page.
    const member = await as(eve.jwt);
    await member.page.goto(`${server.origin}/admin`);
    expect(await member.page.locator("h1").textContent()).toBe("Not for you");
    await member.context.close();
  });
});
