// PostgresKvStore (Fedify's KvStore on fedify_kv) against a real database.

import type { KvKey } from "@fedify/fedify";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { sql } from "kysely";
import { PostgresKvStore } from "../../packages/federation/src/kv.ts";
// The polyfill Fedify runs on, typed as the Temporal its declarations name.
import { duration } from "../../packages/federation/src/temporal.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { waitUntil } from "../support/wait.ts";

let database: TestDatabase;
let kv: PostgresKvStore;

beforeAll(async () => {
  database = await createTestDatabase();
  kv = new PostgresKvStore(database.db);
});

afterAll(async () => {
  await database?.close();
});

/** Collects list() into [key, value] pairs sorted by key, for comparisons independent of order. */
async function listed(prefix?: KvKey): Promise<[string, unknown][]> {
  const entries: [string, unknown][] = [];
  for await (const entry of kv.list(prefix)) entries.push([entry.key.join("/"), entry.value]);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe("PostgresKvStore", () => {
  test("get returns what set stored, and undefined after delete", async () => {
    const key: KvKey = ["get-set", "https://remote.example/users/alice"];
    expect(await kv.get(key)).toBeUndefined();
    await kv.set(key, { name: "alice", followers: [1, 2] });
    expect(await kv.get(key)).toEqual({ name: "alice", followers: [1, 2] });
    await kv.set(key, "replaced");
    expect(await kv.get(key)).toBe("replaced");
    await kv.delete(key);
    expect(await kv.get(key)).toBeUndefined();
    // Deleting a missing key is not an error.
    await expect(kv.delete(key)).resolves.toBeUndefined();
  });

  test("tells a missing key (undefined) from a stored null", async () => {
    await kv.set(["null", "stored"], null);
    expect(await kv.get(["null", "stored"])).toBeNull();
    expect(await kv.get(["null", "missing"])).toBeUndefined();
  });

  test("keys are compared part by part", async () => {
    await kv.set(["parts", "a/b"], 1);
    await kv.set(["parts", "a", "b"], 2);
    expect(await kv.get(["parts", "a/b"])).toBe(1);
    expect(await kv.get(["parts", "a", "b"])).toBe(2);
    expect(await kv.get(["parts", "a"])).toBeUndefined();
  });

  test("an entry with a ttl disappears after it, one without stays", async () => {
    // 50 ms: long enough that the first get below normally sees the entry; not asserted,
    // because on a stalled machine it may already have expired.
    await kv.set(["ttl", "short"], "soon gone", { ttl: duration({ milliseconds: 50 }) });
    await kv.set(["ttl", "long"], "stays", { ttl: duration({ hours: 1 }) });
    await kv.set(["ttl", "none"], "stays");
    await waitUntil(async () => (await kv.get(["ttl", "short"])) === undefined, "the entry to expire");
    expect(await kv.get(["ttl", "long"])).toBe("stays");
    expect(await kv.get(["ttl", "none"])).toBe("stays");
    expect(await listed(["ttl"])).toEqual([
      ["ttl/long", "stays"],
      ["ttl/none", "stays"],
    ]);
  });

  test("set without a ttl clears an earlier ttl", async () => {
    await kv.set(["ttl-cleared"], 1, { ttl: duration({ milliseconds: 50 }) });
    await kv.set(["ttl-cleared"], 2);
    const rows = await database.db
      .selectFrom("fedify_kv")
      .select("expires_at")
      // sql.val: Kysely would expand a bare array into a value list.
      .where("key", "=", sql.val(["ttl-cleared"]))
      .execute();
    expect(rows).toEqual([{ expires_at: null }]);
  });

  test("cas swaps only when the current value matches", async () => {
    const key: KvKey = ["cas", "counter"];
    await kv.set(key, { count: 1 });
    expect(await kv.cas(key, { count: 2 }, { count: 3 })).toBe(false);
    expect(await kv.get(key)).toEqual({ count: 1 });
    expect(await kv.cas(key, { count: 1 }, { count: 2 })).toBe(true);
    expect(await kv.get(key)).toEqual({ count: 2 });
    // An existing key never matches "absent".
    expect(await kv.cas(key, undefined, { count: 9 })).toBe(false);
    expect(await kv.get(key)).toEqual({ count: 2 });
  });

  test("cas compares objects by content, not by the order of their keys", async () => {
    // PostgreSQL's jsonb keeps object keys in its own order (shorter keys first), so the stored
    // value comes back as { state, failures }; Fedify's MemoryKvStore compares deeply.
    const key: KvKey = ["cas", "object"];
    await kv.set(key, { failures: 3, state: "open" });
    expect(await kv.cas(key, { failures: 3, state: "open" }, { failures: 0, state: "closed" })).toBe(true);
    expect(await kv.get(key)).toEqual({ failures: 0, state: "closed" });
  });

  test("cas to undefined removes the entry", async () => {
    // Fedify consumes a signature nonce with cas(key, true, undefined) and clears a host's
    // circuit-breaker state the same way; MemoryKvStore then reports the key as missing.
    const key: KvKey = ["cas", "consumed"];
    await kv.set(key, true, { ttl: duration({ hours: 1 }) });
    expect(await kv.cas(key, true, undefined)).toBe(true);
    expect(await kv.get(key)).toBeUndefined();
    expect(await listed(["cas", "consumed"])).toEqual([]);
    // A second consumption (a replayed nonce) fails.
    expect(await kv.cas(key, true, undefined)).toBe(false);
  });

  test("cas on a missing key succeeds only when expecting undefined", async () => {
    expect(await kv.cas(["cas", "missing"], null, "x")).toBe(false);
    expect(await kv.cas(["cas", "missing"], "anything", "x")).toBe(false);
    expect(await kv.get(["cas", "missing"])).toBeUndefined();
    expect(await kv.cas(["cas", "missing"], undefined, "created")).toBe(true);
    expect(await kv.get(["cas", "missing"])).toBe("created");
  });

  test("cas treats an expired entry as missing", async () => {
    const key: KvKey = ["cas", "expired"];
    await kv.set(key, "old", { ttl: duration({ milliseconds: 50 }) });
    await waitUntil(async () => (await kv.get(key)) === undefined, "the entry to expire");
    expect(await kv.cas(key, "old", "new")).toBe(false);
    expect(await kv.cas(key, undefined, "new")).toBe(true);
    expect(await kv.get(key)).toBe("new");
  });

  test("of concurrent cas calls expecting the same value, exactly one wins", async () => {
    await kv.set(["cas", "race"], 0);
    const existing = await Promise.all([1, 2, 3, 4].map((n) => kv.cas(["cas", "race"], 0, n)));
    expect(existing.filter(Boolean)).toHaveLength(1);
    expect(await kv.get(["cas", "race"])).toBe(existing.indexOf(true) + 1);

    const missing = await Promise.all([1, 2, 3, 4].map((n) => kv.cas(["cas", "race-missing"], undefined, n)));
    expect(missing.filter(Boolean)).toHaveLength(1);
    expect(await kv.get(["cas", "race-missing"])).toBe(missing.indexOf(true) + 1);
  });

  test("list returns the entries under a prefix, or all", async () => {
    await kv.set(["list", "a"], 1);
    await kv.set(["list", "a", "x"], 2);
    await kv.set(["list", "a", "y", "z"], 3);
    await kv.set(["list", "ab"], 4);
    await kv.set(["list", "b"], 5);
    await kv.set(["list", "gone"], 6);
    await kv.set(["elsewhere"], 7);
    await kv.delete(["list", "gone"]);
    expect(await listed(["list", "a"])).toEqual([
      ["list/a", 1],
      ["list/a/x", 2],
      ["list/a/y/z", 3],
    ]);
    expect(await listed(["list", "a", "x"])).toEqual([["list/a/x", 2]]);
    expect(await listed(["list", "nothing"])).toEqual([]);
    expect(await listed(["list"])).toEqual([
      ["list/a", 1],
      ["list/a/x", 2],
      ["list/a/y/z", 3],
      ["list/ab", 4],
      ["list/b", 5],
    ]);
    // Without a prefix: everything (also other tests' entries in this database, hence arrayContaining).
    const all = await listed();
    expect(all).toEqual(
      expect.arrayContaining([
        ["list/a", 1],
        ["list/ab", 4],
        ["elsewhere", 7],
      ]),
    );
    expect(all.map(([key]) => key)).not.toContain("list/gone");
  });
});
