import type { DbLike } from "../db/connect.ts";

/** The id of the instance row for host, created on first sight. */
export async function ensureInstance(db: DbLike, host: string): Promise<string> {
  const normalized = host.toLowerCase();
  const existing = await db.selectFrom("instances").select("id").where("host", "=", normalized).executeTakeFirst();
  if (existing) return existing.id;
  const inserted = await db
    .insertInto("instances")
    .values({ host: normalized })
    .onConflict((oc) => oc.column("host").doUpdateSet({ host: normalized }))
    .returning("id")
    .executeTakeFirstOrThrow();
  return inserted.id;
}
