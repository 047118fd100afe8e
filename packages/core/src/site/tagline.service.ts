// The site's taglines: short Markdown lines an admin sets, one shown at random atop pages.
import type { Db, DbLike } from "../db/connect.ts";
import type { TaglineRow } from "../db/schema.ts";

/** Most taglines a site keeps. Lemmy has no limit; this one keeps getSite small. */
export const MAX_TAGLINES = 100;
/** Longest tagline, in characters (Markdown source). */
export const MAX_TAGLINE_LENGTH = 1000;

/** The taglines in the order they were given. */
export async function listTaglines(db: DbLike): Promise<TaglineRow[]> {
  return db.selectFrom("taglines").selectAll().orderBy("id").execute();
}

/**
 * Replaces every tagline with the given ones, in one transaction (editSite's `taglines`, as on
 * Lemmy). Blank lines are dropped; callers check the count and lengths (MAX_TAGLINES,
 * MAX_TAGLINE_LENGTH).
 */
export async function replaceTaglines(db: Db, contents: readonly string[]): Promise<TaglineRow[]> {
  const kept = contents.map((content) => content.trim()).filter((content) => content !== "");
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom("taglines").execute();
    if (kept.length === 0) return [];
    return trx
      .insertInto("taglines")
      .values(kept.map((content) => ({ content })))
      .returningAll()
      .execute();
  });
}
