// Fedify's KvStore on the fedify_kv table. Fedify 2's circuit breaker needs list() and cas(),
// which @fedify/postgres 1.8 lacks, and it takes a postgres.js client rather than our pg pool
// (docs/decisions/0003-fedify-stores-on-postgresql.md).

import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Db } from "@plenum/core";
import { sql } from "kysely";

function expiry(options?: KvStoreSetOptions): Date | null {
  return options?.ttl == null ? null : new Date(Date.now() + options.ttl.total("millisecond"));
}

const notExpired = sql<boolean>`(expires_at is null or expires_at > now())`;

/** The key as one text[] parameter (Kysely would otherwise expand an array into a row). */
const keyParam = (key: KvKey) => sql<string[]>`${sql.val([...key])}::text[]`;

export class PostgresKvStore implements KvStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.#db
      .selectFrom("fedify_kv")
      .select("value")
      .where("key", "=", keyParam(key))
      .where(notExpired)
      .executeTakeFirst();
    // A missing key is undefined, not null: Fedify tells them apart (a stored null is a value).
    return row === undefined ? undefined : (row.value as T);
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const json = JSON.stringify(value ?? null);
    const expiresAt = expiry(options);
    await this.#db
      .insertInto("fedify_kv")
      .values({ key: keyParam(key), value: json, expires_at: expiresAt })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: json, expires_at: expiresAt }))
      .execute();
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.deleteFrom("fedify_kv").where("key", "=", keyParam(key)).execute();
  }

  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const json = JSON.stringify(newValue ?? null);
    const expiresAt = expiry(options);
    return this.#db.transaction().execute(async (trx) => {
      // Lock the row (if any) so two compare-and-swaps on one key serialize.
      const current = await trx
        .selectFrom("fedify_kv")
        .select(["value", sql<boolean>`${notExpired}`.as("live")])
        .where("key", "=", keyParam(key))
        .forUpdate()
        .executeTakeFirst();
      const currentValue = current?.live ? current.value : undefined;
      if (!sameValue(currentValue, expectedValue)) return false;
      // Swapping in undefined means "remove" (Fedify consumes nonces with cas(key, true, undefined)).
      if (newValue === undefined) {
        if (current) await trx.deleteFrom("fedify_kv").where("key", "=", keyParam(key)).execute();
        return true;
      }
      if (current) {
        await trx
          .updateTable("fedify_kv")
          .set({ value: json, expires_at: expiresAt })
          .where("key", "=", keyParam(key))
          .execute();
        return true;
      }
      const inserted = await trx
        .insertInto("fedify_kv")
        .values({ key: keyParam(key), value: json, expires_at: expiresAt })
        .onConflict((oc) => oc.column("key").doNothing())
        .executeTakeFirst();
      return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
    });
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const parts = prefix ? [...prefix] : [];
    const rows = await this.#db
      .selectFrom("fedify_kv")
      .select(["key", "value"])
      .where(notExpired)
      .$if(parts.length > 0, (q) => q.where(sql<boolean>`key[1:${parts.length}] = ${sql.val(parts)}::text[]`))
      .orderBy("key")
      .execute();
    for (const row of rows) yield { key: row.key as unknown as KvKey, value: row.value };
  }
}

function sameValue(current: unknown, expected: unknown): boolean {
  if (current === undefined || expected === undefined) return current === expected;
  // jsonb keeps object keys in its own order, so compare structurally; the JSON round trip gives
  // `expected` the shape a stored value has (no undefined members, dates as strings).
  return isDeepStrictEqual(current, JSON.parse(JSON.stringify(expected)));
}

/** Deletes expired entries (reads already ignore them); the worker calls this periodically. */
export async function purgeExpiredKv(db: Db): Promise<number> {
  const result = await db.deleteFrom("fedify_kv").where("expires_at", "<", new Date()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
