// Administrative statements on the test server, shared by test/run.ts and test/support/database.ts.
import pg from "pg";

/** Test databases are named `<this prefix><run id>_...`, so test/run.ts can find a run's leftovers. */
export const TEST_DATABASE_PREFIX = "plenum_test_";

/**
 * Runs fn on a connection of its own. CREATE/DROP DATABASE cannot run inside a transaction, and a
 * pool would keep idle connections (and with them the Jest worker) alive.
 */
export async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement on a connection of its own (see withAdminClient). */
export function adminQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  adminUrl: string,
  statement: string,
  values: unknown[] = [],
): Promise<Row[]> {
  return withAdminClient(adminUrl, async (client) => (await client.query<Row>(statement, values)).rows);
}

/** The same server and credentials as serverUrl, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
