// `npm run migrate`: applies pending migrations and exits (start-up also does this).
import { migrateToLatest, openDatabase } from "@plenum/core";
import { loadConfigOrExit } from "../config.ts";

const config = loadConfigOrExit();
const database = await openDatabase(config.database);
try {
  const results = await migrateToLatest(database.db);
  for (const result of results) process.stdout.write(`${result.status}: ${result.migrationName}\n`);
  process.stdout.write(
    results.length === 0 ? "The database is up to date.\n" : `Applied ${results.length} migration(s).\n`,
  );
} finally {
  await database.close();
}
