// `npm run healthcheck [-- --http]`: exit 0 when healthy, 1 otherwise. For container health
// checks: with --http it asks the local web server's /healthz; without, it checks that the
// configured database answers (what the worker depends on).
import { openDatabase } from "@plenum/core";
import { sql } from "kysely";
import { loadConfigOrExit } from "../config.ts";

/** Milliseconds before a check counts as failed; container runtimes retry on their own schedule. */
const CHECK_TIMEOUT_MS = 5000;

const config = loadConfigOrExit();
try {
  if (process.argv.includes("--http")) {
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    const response = await fetch(`http://${host}:${config.port}/healthz`, {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    process.exitCode = response.ok ? 0 : 1;
  } else {
    const database = await openDatabase(config.database);
    try {
      await sql`select 1`.execute(database.db);
    } finally {
      await database.close();
    }
  }
} catch (error) {
  process.stderr.write(`unhealthy: ${String(error)}\n`);
  process.exitCode = 1;
}
