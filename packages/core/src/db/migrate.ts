import { readFile } from "node:fs/promises";
import { functionsSqlUrl, migrations } from "@plenum/db";
import { type Kysely, sql } from "kysely";
import { type Migration, type MigrationResult, Migrator } from "kysely/migration";
import type { Database } from "./schema.ts";

/**
 * Key of the transaction-level advisory lock held while db/functions.sql runs: two processes
 * starting at once would otherwise replace the same functions concurrently, which PostgreSQL
 * refuses ("tuple concurrently updated"). Any constant unique to this purpose will do.
 */
const FUNCTIONS_LOCK_KEY = 7_210_431_001;

/**
 * Applies every pending migration in order, then (re-)creates the replaceable SQL functions of
 * db/functions.sql; throws with the failing migration's name on error. Returns the migrations
 * applied by this call.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "(unknown)"} failed: ${String(error)}`, { cause: error });
  }
  await applyReplaceableFunctions(db);
  return results;
}

/**
 * Runs db/functions.sql (only `create or replace` statements) in one transaction. It runs after
 * every migration run, so an edited function takes effect on the next start without a migration.
 */
export async function applyReplaceableFunctions(db: Kysely<Database>): Promise<void> {
  const text = await readFile(functionsSqlUrl, "utf8");
  try {
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${FUNCTIONS_LOCK_KEY})`.execute(trx);
      // No parameters: the driver sends the file as one simple query, several statements and all.
      await sql.raw(text).execute(trx);
    });
  } catch (error) {
    throw new Error(`db/functions.sql failed: ${String(error)}`, { cause: error });
  }
}
