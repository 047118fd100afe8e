// A private, migrated database per test file (or per instance in a federation test).
//
// test/run.ts provides the server and says how to reach it through the environment:
//   PLENUM_TEST_ADMIN_URL    connection URL of a user allowed to create databases
//   PLENUM_TEST_TEMPLATE_DB  a database migrated to the latest schema, to copy from
//   PLENUM_TEST_RUN_ID       makes database names unique to this run (test/run.ts drops leftovers by it)
//   PLENUM_TEST_EMBEDDED=1   no server: every test database is its own in-memory PGlite
// On PostgreSQL a new database is a file-level copy of the template (CREATE DATABASE ... TEMPLATE),
// which takes tens of milliseconds instead of a migration run per test file.
import { randomBytes } from "node:crypto";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "@plenum/core";
import { adminQuery, databaseUrl, quoteIdent, TEST_DATABASE_PREFIX, withAdminClient } from "./admin.ts";

export interface TestDatabase extends DatabaseHandle {
  /** Connection URL for other processes (a server under test); null for embedded PGlite. */
  url: string | null;
  /** The database's name on the server; for embedded PGlite only a label. */
  name: string;
}

export interface TestDatabaseOptions {
  /** Leave the database empty (no migrations) instead of copying the migrated template. */
  empty?: boolean;
  /**
   * Which engine; defaults to the one test/run.ts provides. "embedded" is always possible;
   * "postgres" throws when the run has no PostgreSQL server (see postgresAvailable()).
   */
  kind?: DatabaseHandle["kind"];
  /** Connections in the pool (PostgreSQL only; PGlite always has one). */
  poolSize?: number;
}

/** Counts this file's databases; with the worker id and a random part it makes names unique. */
let created = 0;

/** Whether this run has a PostgreSQL server (false when test/run.ts fell back to PGlite). */
export function postgresAvailable(): boolean {
  return adminUrlOrNull() !== null;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const kind = options.kind ?? (postgresAvailable() ? "postgres" : "embedded");
  created += 1;
  const name = [
    `${TEST_DATABASE_PREFIX}${process.env.PLENUM_TEST_RUN_ID ?? "norun"}`,
    `w${process.env.JEST_WORKER_ID ?? "0"}`,
    String(created),
    randomBytes(3).toString("hex"),
  ].join("_");
  return kind === "postgres" ? createOnServer(name, options) : createEmbedded(name, options);
}

/**
 * The URL another process uses to connect to a test database, e.g. a server started by a test.
 * Embedded PGlite lives inside the test process, so there is nothing to hand out; callers can
 * check postgresAvailable() to skip such tests on the PGlite fallback.
 */
export function testDatabaseUrl(database: TestDatabase): string {
  if (database.url === null) {
    throw new Error(`test database ${database.name} is embedded PGlite; other processes cannot connect to it`);
  }
  return database.url;
}

async function createOnServer(name: string, options: TestDatabaseOptions): Promise<TestDatabase> {
  const adminUrl = adminUrlOrNull();
  if (adminUrl === null) {
    throw new Error("this test run has no PostgreSQL server (test/run.ts fell back to PGlite)");
  }
  if (options.empty) {
    await adminQuery(adminUrl, `create database ${quoteIdent(name)}`);
  } else {
    const template = process.env.PLENUM_TEST_TEMPLATE_DB;
    if (!template) throw new Error("PLENUM_TEST_TEMPLATE_DB is not set; run the tests with `npm test`");
    // Nothing in the test processes ever connects to the template: PostgreSQL refuses to copy a
    // database that has other sessions.
    await adminQuery(adminUrl, `create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
  }
  const url = databaseUrl(adminUrl, name);
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ kind: "postgres", url, poolSize: options.poolSize });
  } catch (error) {
    await dropDatabase(adminUrl, name);
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    ...handle,
    url,
    name,
    close() {
      closing ??= (async () => {
        try {
          await handle.close();
        } finally {
          await dropDatabase(adminUrl, name);
        }
      })();
      return closing;
    },
  };
}

async function createEmbedded(name: string, options: TestDatabaseOptions): Promise<TestDatabase> {
  const handle = await openDatabase({ kind: "embedded", dataDir: "memory://" });
  try {
    if (!options.empty) await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    ...handle,
    url: null,
    name,
    close() {
      closing ??= handle.close();
      return closing;
    },
  };
}

function adminUrlOrNull(): string | null {
  if (process.env.PLENUM_TEST_EMBEDDED === "1") return null;
  const url = process.env.PLENUM_TEST_ADMIN_URL;
  if (!url) {
    throw new Error(
      "no test database server configured: run the tests with `npm test` (test/run.ts), not Jest directly",
    );
  }
  return url;
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    try {
      // Without FORCE, PostgreSQL waits (up to 5 s) for sessions still on the database to end.
      // That matters: pg's pool.end() resolves once it has asked its connections to close, not
      // once they are gone, and FORCE would terminate such a closing connection, which pg reports
      // as an unhandled 'error' event on the ended pool, failing whatever test runs at the time.
      await client.query(`drop database if exists ${quoteIdent(name)}`);
    } catch (error) {
      // 55006 object_in_use: sessions that do not end by themselves, e.g. of a server under test
      // that was never stopped. Now force them off.
      if ((error as { code?: string }).code !== "55006") throw error;
      await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
    }
  });
}
