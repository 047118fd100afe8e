import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Kysely, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";
import { preparedStatementName } from "./statement-cache.ts";

export type Db = Kysely<Database>;
/** Repositories and views take a DbLike so any set of them can share one transaction. */
export type DbLike = Kysely<Database> | Transaction<Database>;

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "embedded"; dataDir: string };

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseTarget["kind"];
  close(): Promise<void>;
}

/**
 * Connections per process on PostgreSQL. Fedify's queue consumers, the event dispatcher and HTTP
 * handlers share it; 10 leaves headroom over the one-at-a-time queue handlers (pg's default is also 10).
 */
const DEFAULT_POOL_SIZE = 10;

/**
 * Opens the database. With a URL, a pg.Pool on real PostgreSQL; otherwise an embedded PGlite
 * persisted in dataDir, reached through the same pg.Pool driver path so that value types
 * (bigint ids as strings, timestamptz as Date) match production (see docs/decisions/0002).
 */
export interface OpenOptions {
  /**
   * Called when an idle pooled connection fails (database restart, failover, terminated backend).
   * pg emits these on the pool; without a listener they would crash the process. The pool
   * replaces the connection by itself.
   */
  onIdleError?: (error: Error) => void;
}

/**
 * A pg client that sends the statements compiled by a StatementCache as named prepared
 * statements: PostgreSQL parses and plans each once per connection and then reuses the plan
 * (with plan_cache_mode auto: five custom plans, then the generic one if it costs no more;
 * test/integration/ranking.test.ts checks that the generic plans keep the index order).
 */
class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this only redirects one.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === "string") {
      const name = preparedStatementName(config);
      if (name !== undefined) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}

function reportToStderr(error: Error): void {
  process.stderr.write(`database connection lost while idle: ${error.message}\n`);
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const onIdleError = options.onIdleError ?? reportToStderr;
  if (target.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? DEFAULT_POOL_SIZE,
      Client: PreparingClient,
    });
    pool.on("error", onIdleError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { ltree } = await import("@electric-sql/pglite/contrib/ltree");
  const { createPgConfig } = await import("@electric-sql/pglite/node-postgres");
  const inMemory = target.dataDir === "memory://";
  const releaseLock = inMemory ? async () => {} : await lockDataDir(target.dataDir);
  const pglite = await PGlite.create(target.dataDir, { extensions: { ltree } }).catch(async (error: unknown) => {
    await releaseLock();
    throw error;
  });
  const pool = new pg.Pool(createPgConfig(pglite));
  pool.on("error", onIdleError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "embedded",
    async close() {
      await db.destroy();
      // pool.end() leaves a caller-created PGlite open; close it ourselves.
      await pglite.close();
      await releaseLock();
    },
  };
}

export class DatabaseInUseError extends Error {}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is a single-process database: two processes opening one data directory would corrupt
 * it. A lock file with the owner's pid turns that into a clear error; a stale lock (its process
 * is gone) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = join(dataDir, "plenum.lock");
  const holder = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
  if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
    throw new DatabaseInUseError(
      `The embedded database in ${dataDir} is in use by process ${holder}. Stop that process first, ` +
        "or run Plenum on PostgreSQL (DATABASE_URL) to use several processes at once.",
    );
  }
  await writeFile(lockPath, String(process.pid));
  return () => rm(lockPath, { force: true });
}
