// Migrations from an empty database, on both engines we run on: real PostgreSQL (production) and
// embedded PGlite (single-process installs). Every other test starts from the migrated template,
// so this is the one place a migration that only works on top of an earlier state would show.
import { describe, expect, test } from "@jest/globals";
import { type Db, migrateToLatest } from "@plenum/core";
import { migrations } from "@plenum/db";
import { sql } from "kysely";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "../support/database.ts";

/** Tables the application reads and writes; later migrations may add more, never drop these. */
const CORE_TABLES = [
  "actor_key_pairs",
  "comment_votes",
  "comments",
  "communities",
  "community_follows",
  "community_moderators",
  "fedify_kv",
  "instances",
  "local_users",
  "persons",
  "post_votes",
  "posts",
  "queue_messages",
];

async function publicTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  return rows.map((row) => row.table_name);
}

/** Every column with its type and nullability, to compare the schema across engines. */
async function publicColumns(db: Db): Promise<string[]> {
  const { rows } = await sql<{ column: string }>`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' ' ||
           is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity as column
    from information_schema.columns
    where table_schema = 'public'
    order by table_name, column_name`.execute(db);
  return rows.map((row) => row.column);
}

async function withEmptyDatabase<T>(kind: TestDatabase["kind"], use: (db: TestDatabase) => Promise<T>): Promise<T> {
  const database = await createTestDatabase({ kind, empty: true });
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

/** On the PGlite fallback there is no PostgreSQL server to test against. */
const onPostgres = postgresAvailable() ? test : test.skip;

describe.each([
  ["PostgreSQL", "postgres", onPostgres],
  ["embedded PGlite", "embedded", test],
] as const)("migrations on an empty %s database", (_label, kind, maybeTest) => {
  maybeTest("apply every migration once, then none, and create the tables", async () => {
    await withEmptyDatabase(kind, async ({ db }) => {
      expect(await publicTables(db)).toEqual([]);

      const first = await migrateToLatest(db);
      expect(first.map((result) => [result.migrationName, result.status])).toEqual(
        Object.keys(migrations).map((name) => [name, "Success"]),
      );

      expect(await migrateToLatest(db)).toEqual([]);

      const tables = await publicTables(db);
      expect(tables).toEqual(expect.arrayContaining(CORE_TABLES));
      // Kysely's own bookkeeping lists exactly the applied migrations.
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
    });
  });
});

describe("migrations on both engines", () => {
  onPostgres("produce the same columns on PostgreSQL and on PGlite", async () => {
    const migrated = (kind: TestDatabase["kind"]) =>
      withEmptyDatabase(kind, async ({ db }) => {
        await migrateToLatest(db);
        return publicColumns(db);
      });
    const [postgres, embedded] = await Promise.all([migrated("postgres"), migrated("embedded")]);
    expect(postgres.length).toBeGreaterThan(0);
    expect(embedded).toEqual(postgres);
  });
});
