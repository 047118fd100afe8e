// Signing up, logging in and out, and settings in a real browser, with and without JavaScript.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findLocalPersonByName } from "@plenum/core";
import type { Browser } from "playwright-core";
import { type ApiServer, startApiServer, TEST_PASSWORD } from "../support/api.ts";
import { chromiumAvailable, launchBrowser } from "../support/browser.ts";

describe("accounts in the browser", () => {
  let server: ApiServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
    server = await startApiServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test("sign up, set pronouns, log out and back in, without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.origin}/register`);
    await page.fill('input[name="username"]', "robin");
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.fill('input[name="password_verify"]', "not the same password");
    await page.click('button[type="submit"]');
    // The form comes back with the message and what was typed (but not the passwords).
    expect(await page.locator(".errors").textContent()).toContain("The two passwords are not the same.");
    expect(await page.inputValue('input[name="username"]')).toBe("robin");

    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.fill('input[name="password_verify"]', TEST_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${server.origin}/`);
    expect(await page.locator("header.site .me").textContent()).toContain("robin");

    await page.goto(`${server.origin}/settings`);
    await page.fill('input[name="display_name"]', "Robin");
    await page.selectOption('select[name="pronouns"] >> nth=0', "they/them");
    await page.selectOption('select[name="pronouns"] >> nth=1', "any");
    await page.click('form[action="/settings"] button[type="submit"]');
    expect((await page.locator(".notice").textContent())?.trim()).toBe("Saved.");
    const details = await server.client().getPersonDetails({ username: "robin" });
    expect((details.person_view.person as unknown as { pronouns: string[] }).pronouns).toEqual(["they/them", "any"]);
    expect(details.person_view.person.display_name).toBe("Robin");

    await page.click('header.site button:has-text("Log out")');
    expect(await page.locator("header.site .me").textContent()).toContain("Log in");

    await page.goto(`${server.origin}/login`);
    await page.fill('input[name="username_or_email"]', "robin");
    await page.fill('input[name="password"]', "wrong password!");
    await page.click('form[action="/login"] button[type="submit"]');
    expect(await page.locator(".errors").textContent()).toContain("That name or password is not right.");
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('form[action="/login"] button[type="submit"]');
    expect(await page.locator("header.site .me").textContent()).toContain("Robin");
    await context.close();
  });

  test("pages carry a strict Content-Security-Policy and no inline scripts", async () => {
    const response = await fetch(`${server.origin}/login`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const body = await response.text();
    expect(body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(body).not.toMatch(/\son[a-z]+="/);
  });

  test("a form post without its CSRF token is refused and changes nothing", async () => {
    const response = await fetch(`${server.origin}/register`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "mallory", password: TEST_PASSWORD, password_verify: TEST_PASSWORD }),
    });
    expect(response.status).toBe(403);
    await expect(server.client().getPersonDetails({ username: "mallory" })).rejects.toThrow("couldnt_find_person");
  });

  test("deleting one's account from the settings page asks for the password, then logs out", async () => {
    await server.user("dana");
    const danaRow = () => findLocalPersonByName(server.runtime.database.db, "dana");
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.origin}/login`);
    await page.fill('input[name="username_or_email"]', "dana");
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('form[action="/login"] button[type="submit"]');
    await page.waitForURL(`${server.origin}/`);

    await page.goto(`${server.origin}/settings`);
    const form = 'form[action="/settings/delete_account"]';
    await page.fill(`${form} input[name="password"]`, "not her password");
    await page.click(`${form} button[type="submit"]`);
    expect(await page.locator(".errors").textContent()).toContain("not right");
    expect((await danaRow())?.deleted).toBe(false);

    await page.fill(`${form} input[name="password"]`, TEST_PASSWORD);
    await page.click(`${form} button[type="submit"]`);
    await page.waitForURL(`${server.origin}/`);
    expect(await page.locator("header.site .me").textContent()).toContain("Log in");
    expect((await danaRow())?.deleted).toBe(true);
    await context.close();
  });

  test("assets are served with content hashes and a year of caching", async () => {
    const page = await (await fetch(`${server.origin}/login`)).text();
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page)?.[1] ?? "";
    expect(href).toMatch(/^\/assets\/style\.[0-9a-f]{10}\.css$/);
    const css = await fetch(`${server.origin}${href}`);
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(css.headers.get("content-type")).toContain("text/css");
  });
});
