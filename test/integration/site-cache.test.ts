// The in-process cache of the site row (getCachedSite): read paths share one row for
// SITE_CACHE_TTL_MS, an edit through updateSite in this process shows at once, and an edit made
// elsewhere (another process, here a direct UPDATE) shows once the TTL has passed. Time is passed
// in, not waited for.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { ensureSite, getCachedSite, SITE_CACHE_TTL_MS, updateSite } from "@plenum/core";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureSite(database.db, "Before");
});

afterAll(async () => {
  await database?.close();
});

test("the cached row is reused within the TTL, dropped by updateSite, and re-read after the TTL", async () => {
  const { db } = database;
  const start = Date.now();
  const first = await getCachedSite(db, start);
  expect(first.name).toBe("Before");
  expect(await getCachedSite(db, start + 1)).toBe(first);

  // An edit in this process: the next read sees it, within the TTL.
  await updateSite(db, { name: "Edited here" });
  const edited = await getCachedSite(db, start + 2);
  expect(edited.name).toBe("Edited here");

  // An edit from elsewhere (another web process): the cached row stays until the TTL runs out.
  await db.updateTable("site").set({ name: "Edited elsewhere" }).where("id", "=", 1).execute();
  const readAt = start + 2;
  expect((await getCachedSite(db, readAt + SITE_CACHE_TTL_MS - 1)).name).toBe("Edited here");
  expect((await getCachedSite(db, readAt + SITE_CACHE_TTL_MS)).name).toBe("Edited elsewhere");
});

test("concurrent reads after expiry share one query", async () => {
  const { db } = database;
  const later = Date.now() + 10 * SITE_CACHE_TTL_MS;
  const [a, b] = [getCachedSite(db, later), getCachedSite(db, later)];
  expect(a).toBe(b);
  expect((await a).id).toBe(1);
});
