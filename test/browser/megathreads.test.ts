// Megathreads in a real browser: a moderator sets up a weekly series, a member reserves next
// week's slot and writes it ahead, the scheduler runs at the slots' times (a controlled clock),
// and the threads appear on the megathreads pages and the community page, the newest pinned and
// the older one unpinned and locked; the thread opens with comments sorted New.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { runMegathreadTick } from "@plenum/core";
import type { Browser, BrowserContext } from "playwright-core";
import { type ApiServer, startApiServer } from "../support/api.ts";
import { chromiumAvailable, launchBrowser } from "../support/browser.ts";

describe("megathreads in the browser", () => {
  let server: ApiServer;
  let browser: Browser;
  let mona: { jwt: string }; // moderator of hangout
  let max: { jwt: string }; // a member

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
    server = await startApiServer();
    browser = await launchBrowser();
    await server.user("ada"); // the site's admin
    const monaUser = await server.user("mona");
    mona = monaUser;
    max = await server.user("max");
    await monaUser.client.createCommunity({ name: "hangout", title: "Hangout" });
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

  const tick = (at: string) =>
    runMegathreadTick(server.runtime.database.db, server.runtime.contextData.urls, new Date(at));

  test("set up by a moderator, reserved by a member, posted on time, pinned in turn", async () => {
    // The moderator sets up a weekly megathread; a wrong time zone comes back with the reason.
    const modContext = await loggedIn(mona.jwt, false);
    const mod = await modContext.newPage();
    await mod.goto(`${server.origin}/c/hangout/megathreads`);
    await mod.click("text=New megathread series");
    await mod.fill('input[name="title_pattern"]', "Hangout — week of {date}");
    await mod.fill('textarea[name="body_template"]', "Say hi! Thread number {n}.");
    await mod.selectOption('select[name="schedule"]', "weekly");
    await mod.selectOption('select[name="weekday"]', "5");
    await mod.fill('input[name="time"]', "20:00");
    await mod.fill('input[name="time_zone"]', "Nowhere/City");
    await mod.click('form.stack button[type="submit"]');
    expect(await mod.locator(".errors").textContent()).toContain("Choose a time zone by its name");
    expect(await mod.inputValue('input[name="title_pattern"]')).toBe("Hangout — week of {date}");
    await mod.fill('input[name="time_zone"]', "Europe/Berlin");
    await mod.click('form.stack button[type="submit"]');
    await mod.waitForURL(`${server.origin}/c/hangout/megathreads`);
    expect(await mod.locator("section.current li.series .meta").first().textContent()).toContain(
      "weekly on Friday at 20:00 (Europe/Berlin)",
    );
    const slots = mod.locator("section.upcoming li.slot");
    expect(await slots.count()).toBe(8);
    const times = await slots
      .locator(".when")
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-at") ?? ""));
    const [thisWeek, nextWeek] = times as [string, string];
    expect(await slots.first().textContent()).toContain("Friday");
    expect(await slots.first().textContent()).toContain("20:00");

    // A member reserves next week's slot (with JavaScript on) and writes the thread ahead.
    const memberContext = await loggedIn(max.jwt, true);
    const member = await memberContext.newPage();
    await member.goto(`${server.origin}/c/hangout/megathreads`);
    const second = member.locator("section.upcoming li.slot").nth(1);
    await second.locator('form[action$="/reserve"] button').click();
    // Back on the page, at the slot just reserved.
    await member.waitForURL(/\/c\/hangout\/megathreads#slot-\d+$/);
    expect(await member.locator("section.upcoming li.slot").nth(1).locator(".holder").textContent()).toContain(
      "reserved by max",
    );
    // One slot per member per series: no more Reserve buttons for Max.
    expect(await member.locator('section.upcoming form[action$="/reserve"]').count()).toBe(0);
    await member.locator("section.upcoming li.slot").nth(1).locator("text=Write your thread").click();
    await member.fill('input[name="title_suffix"]', "Max hosts");
    await member.fill('textarea[name="body"]', "Welcome to thread {n}, everyone.");
    await member.click('form.stack button[type="submit"]');
    expect(await member.locator(".notice").textContent()).toContain("Saved");
    // Others see who holds it on the site's page too.
    const anonymous = await browser.newContext({ javaScriptEnabled: false });
    const reader = await anonymous.newPage();
    await reader.goto(`${server.origin}/megathreads`);
    expect(await reader.locator("h1").textContent()).toBe("Megathreads and spaces to hang out");
    expect(
      await reader.locator(`section.upcoming li.slot:has(.when[data-at="${nextWeek}"]) .holder`).textContent(),
    ).toContain("reserved by max");

    // The scheduler at this week's time (the community's thread), then at next week's (Max's).
    const first = await tick(thisWeek);
    expect(first.posted).toHaveLength(1);
    const nextResult = await tick(nextWeek);
    expect(nextResult.posted).toHaveLength(1);
    const oldId = first.posted[0]?.post.id as string;
    const newId = nextResult.posted[0]?.post.id as string;
    const nextDate = (await reader.locator(`.when[data-at="${nextWeek}"]`).first().textContent())?.split(" ")[1];

    // The megathreads page: Max's thread is current (pinned); this week's is past, posted by the
    // community's moderator, and locked.
    await reader.goto(`${server.origin}/megathreads`);
    const current = reader.locator("section.current li.series .title");
    expect(await current.textContent()).toContain(`Hangout — week of ${nextDate} — Max hosts`);
    expect(await current.locator(".pinned").count()).toBe(1);
    expect(await current.locator(`a[href="/post/${newId}"]`).count()).toBe(1);
    const past = reader.locator("section.past li.post");
    expect(await past.count()).toBe(1);
    expect(await past.locator(`a[href="/post/${oldId}"]`).count()).toBe(1);
    expect(await past.locator(".badge").textContent()).toBe("Locked");
    expect(await past.locator(".meta").textContent()).toContain("by mona");

    // The community page: the new thread first and pinned, the old one neither pinned nor open.
    await reader.goto(`${server.origin}/c/hangout`);
    const posts = reader.locator("li.post");
    expect(await posts.first().locator(".title a").first().getAttribute("href")).toBe(`/post/${newId}`);
    expect(await posts.first().locator(".pinned").count()).toBe(1);
    const old = reader.locator(`li.post:has(a[href="/post/${oldId}"])`);
    expect(await old.locator(".pinned").count()).toBe(0);
    expect(await old.locator(".badge").textContent()).toBe("Locked");

    // The thread opens with comments sorted New, and shows what Max wrote.
    await member.goto(`${server.origin}/post/${newId}`);
    expect(await member.locator('form.sort select[name="sort"]').inputValue()).toBe("New");
    expect(await member.locator(".post-full .body").textContent()).toContain("Welcome to thread 2, everyone.");

    await anonymous.close();
    await memberContext.close();
    await modContext.close();
  });
});
