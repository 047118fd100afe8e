// The app factory driven through inject(): the community at one URL for browsers (HTML) and for
// servers (ActivityPub JSON), discovery documents, health, and limits on inbox bodies.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findLocalCommunityByName, findLocalPersonByName, getSite, saveUserSettings } from "@plenum/core";
import { buildApp, createRuntime, loadConfig, type Runtime, runAdminCommand } from "@plenum/server";
import type { FastifyInstance } from "fastify";
import { createTestDatabase } from "../support/database.ts";

const ORIGIN = "https://plenum.test";
const AP = "application/activity+json";

describe("the app", () => {
  let runtime: Runtime;
  let app: FastifyInstance;

  beforeAll(async () => {
    const loaded = loadConfig({ PLENUM_ORIGIN: ORIGIN, LOG_LEVEL: "error" });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    runtime = await createRuntime(loaded.config, { database: await createTestDatabase() });
    app = await buildApp(runtime);
    for (const argv of [
      ["create-user", "alice", "--password", "correct horse battery", "--admin"],
      ["create-community", "lobby", "--title", "The <Lobby> & co", "--mod", "alice", "--description", "Say hi"],
    ]) {
      const outcome = await runAdminCommand(runtime, argv);
      if (!outcome.ok) throw new Error(outcome.message);
    }
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
  });

  test("GET /healthz answers 200 while the database answers", async () => {
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  test("a browser gets the community page as escaped HTML", async () => {
    const response = await app.inject({ method: "GET", url: "/c/lobby", headers: { accept: "text/html" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toContain("<h1>The &lt;Lobby&gt; &amp; co</h1>");
    expect(response.body).toContain("!lobby@plenum.test");
    expect(response.body).toContain(`<link rel="alternate" type="application/activity+json" href="${ORIGIN}/c/lobby">`);
    expect(response.body).not.toContain("<Lobby>");
  });

  test("a server gets the Group actor at the same URL, in Lemmy's shape", async () => {
    const response = await app.inject({ method: "GET", url: "/c/lobby", headers: { accept: AP } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(AP);
    const group = response.json();
    expect(group["@context"]).toContain("https://www.w3.org/ns/activitystreams");
    expect(group).toMatchObject({
      id: `${ORIGIN}/c/lobby`,
      type: "Group",
      preferredUsername: "lobby",
      name: "The <Lobby> & co",
      summary: "<p>Say hi</p>\n",
      source: { content: "Say hi", mediaType: "text/markdown" },
      inbox: `${ORIGIN}/c/lobby/inbox`,
      outbox: `${ORIGIN}/c/lobby/outbox`,
      followers: `${ORIGIN}/c/lobby/followers`,
      featured: `${ORIGIN}/c/lobby/featured`,
      attributedTo: `${ORIGIN}/c/lobby/moderators`,
      endpoints: { sharedInbox: `${ORIGIN}/inbox` },
      publicKey: { id: `${ORIGIN}/c/lobby#main-key`, owner: `${ORIGIN}/c/lobby` },
    });
    expect(group.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    // The URLs stored on the row (packages/core/src/urls.ts) are the ones Fedify serves.
    const row = await findLocalCommunityByName(runtime.database.db, "lobby");
    expect(row).toMatchObject({
      ap_id: group.id,
      inbox_url: group.inbox,
      outbox_url: group.outbox,
      followers_url: group.followers,
      featured_url: group.featured,
      moderators_url: group.attributedTo,
      shared_inbox_url: group.endpoints.sharedInbox,
    });
  });

  test("the moderators collection lists the moderators' actor URLs", async () => {
    const response = await app.inject({ method: "GET", url: "/c/lobby/moderators", headers: { accept: AP } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ type: "OrderedCollection", orderedItems: [`${ORIGIN}/u/alice`] });
  });

  test("persons are Person actors at /u/{name}, with pronouns as a profile field", async () => {
    await saveUserSettings(
      runtime.database.db,
      await getSite(runtime.database.db),
      (await findLocalPersonByName(runtime.database.db, "alice"))?.id ?? "",
      {
        pronouns: ["she/her", "any"],
        bio: "I *moderate*",
      },
    );
    const response = await app.inject({ method: "GET", url: "/u/alice", headers: { accept: AP } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: `${ORIGIN}/u/alice`,
      type: "Person",
      preferredUsername: "alice",
      inbox: `${ORIGIN}/u/alice/inbox`,
      outbox: `${ORIGIN}/u/alice/outbox`,
      summary: "<p>I <em>moderate</em></p>\n",
      // JSON-LD compaction writes a one-element list as the element itself.
      attachment: { type: "PropertyValue", name: "Pronouns", value: "she/her, any" },
    });
  });

  test("WebFinger finds the community by acct: handle", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/.well-known/webfinger?resource=acct:lobby@plenum.test",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().links).toContainEqual({ rel: "self", type: AP, href: `${ORIGIN}/c/lobby` });
  });

  test("WebFinger finds a person when no community has the name", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/.well-known/webfinger?resource=acct:alice@plenum.test",
    });
    expect(response.json().links).toContainEqual({ rel: "self", type: AP, href: `${ORIGIN}/u/alice` });
  });

  test("NodeInfo 2.1 names the software and protocol", async () => {
    const wellKnown = await app.inject({ method: "GET", url: "/.well-known/nodeinfo" });
    expect(wellKnown.json().links[0].href).toBe(`${ORIGIN}/nodeinfo/2.1`);
    const nodeinfo = await app.inject({ method: "GET", url: "/nodeinfo/2.1" });
    expect(nodeinfo.json()).toMatchObject({
      version: "2.1",
      software: { name: "plenum" },
      protocols: ["activitypub"],
      usage: { users: { total: 1 } },
    });
  });

  test("WebFinger with a person and a community of one name: the person first, the community by ! or URL", async () => {
    for (const argv of [
      ["create-user", "commons", "--password", "correct horse battery"],
      ["create-community", "commons", "--title", "Commons", "--mod", "alice"],
    ]) {
      const outcome = await runAdminCommand(runtime, argv);
      if (!outcome.ok) throw new Error(outcome.message);
    }
    const finger = async (resource: string) =>
      (
        await app.inject({ method: "GET", url: `/.well-known/webfinger?resource=${encodeURIComponent(resource)}` })
      ).json();
    const selfLinks = (answer: { links: { rel: string; href: string }[] }) =>
      answer.links.filter((link) => link.rel === "self").map((link) => link.href);
    // Mastodon takes the first self link: the person. Lemmy tries each for the type it wants.
    const both = await finger("acct:commons@plenum.test");
    expect(both.subject).toBe("acct:commons@plenum.test");
    expect(selfLinks(both)).toEqual([`${ORIGIN}/u/commons`, `${ORIGIN}/c/commons`]);
    expect(both.links[both.links.length - 1]).toEqual({
      rel: "self",
      type: AP,
      href: `${ORIGIN}/c/commons`,
      properties: { "https://www.w3.org/ns/activitystreams#type": "Group" },
    });
    expect(selfLinks(await finger("acct:!commons@plenum.test"))).toEqual([`${ORIGIN}/c/commons`]);
    expect(selfLinks(await finger(`${ORIGIN}/c/commons`))).toEqual([`${ORIGIN}/c/commons`]);
    expect(selfLinks(await finger(`${ORIGIN}/u/commons`))).toEqual([`${ORIGIN}/u/commons`]);
    // Names without a twin answer one link.
    expect(selfLinks(await finger("acct:lobby@plenum.test"))).toEqual([`${ORIGIN}/c/lobby`]);
    const missing = await app.inject({ method: "GET", url: "/.well-known/webfinger?resource=acct:!alice@plenum.test" });
    expect(missing.statusCode).toBe(404);
    // A deleted person no longer takes the name from the community.
    await runtime.database.db
      .updateTable("persons")
      .set({ deleted: true })
      .where("name", "=", "commons")
      .where("local", "=", true)
      .execute();
    expect(selfLinks(await finger("acct:commons@plenum.test"))).toEqual([`${ORIGIN}/c/commons`]);
  });

  test("an unknown community is a 404 page for browsers and servers alike", async () => {
    const html = await app.inject({ method: "GET", url: "/c/nowhere", headers: { accept: "text/html" } });
    expect(html.statusCode).toBe(404);
    expect(html.body).toContain("There is no community called nowhere here.");
    const json = await app.inject({ method: "GET", url: "/c/nowhere", headers: { accept: AP } });
    expect(json.statusCode).toBe(404);
  });

  test("an inbox body over the limit is refused before it is read", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/inbox",
      headers: { "content-type": AP },
      payload: JSON.stringify({ type: "Create", padding: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: "payload_too_large" });
  });
});

describe("health without a database", () => {
  test("GET /healthz answers 503 when the database is gone", async () => {
    const loaded = loadConfig({ LOG_LEVEL: "silent" });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const runtime = await createRuntime(loaded.config, { database: await createTestDatabase() });
    const app = await buildApp(runtime);
    await runtime.close();
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "unavailable", error: "database_unavailable" });
    await app.close();
  });
});
