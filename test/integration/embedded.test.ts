// The embedded default database: PGlite persisted in a directory, through the same driver path
// as PostgreSQL, locked against a second process.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  createLocalCommunity,
  createLocalUser,
  DatabaseInUseError,
  findLocalCommunityByName,
  localUrls,
  migrateToLatest,
  openDatabase,
} from "@plenum/core";

describe("the embedded database", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "plenum-embedded-"));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test("keeps its data across a close and reopen, with production's value types", async () => {
    const urls = localUrls("http://localhost:3000");
    const first = await openDatabase({ kind: "embedded", dataDir });
    await migrateToLatest(first.db);
    const user = await createLocalUser(first.db, urls, { name: "dana", password: "correct horse battery" });
    expect(user.ok && typeof user.value.id).toBe("string");
    expect(user.ok && user.value.published_at).toBeInstanceOf(Date);
    const community = await createLocalCommunity(first.db, urls, {
      name: "garden",
      title: "Garden",
      moderatorName: "dana",
    });
    expect(community.ok).toBe(true);
    await first.close();

    const second = await openDatabase({ kind: "embedded", dataDir });
    try {
      expect(await migrateToLatest(second.db)).toEqual([]);
      expect(await findLocalCommunityByName(second.db, "garden")).toMatchObject({ title: "Garden", local: true });
    } finally {
      await second.close();
    }
  });

  test("a second opener is refused with a clear error while the first holds it", async () => {
    const holder = await openDatabase({ kind: "embedded", dataDir });
    try {
      expect(await readFile(join(dataDir, "plenum.lock"), "utf8")).toBe(String(process.pid));
      // Another process would hold the lock under its own pid; pretend to be one.
      const { writeFile } = await import("node:fs/promises");
      await writeFile(join(dataDir, "plenum.lock"), String(process.ppid));
      await expect(openDatabase({ kind: "embedded", dataDir })).rejects.toBeInstanceOf(DatabaseInUseError);
    } finally {
      await holder.close();
    }
  });
});
