import { randomBytes } from "node:crypto";
import type { DbLike } from "../db/connect.ts";
import type { SiteRow, SiteUpdate } from "../db/schema.ts";

/**
 * The pronoun list a new site starts with; admins edit it (site.pronouns). Modelled on Hexbear's,
 * which offers common sets plus "any" and "none/use name"; members pick up to two.
 */
export const DEFAULT_PRONOUNS: readonly string[] = [
  "he/him",
  "she/her",
  "they/them",
  "it/its",
  "xe/xem",
  "fae/faer",
  "any",
  "ask",
  "none/use name",
];

/** How many pronoun values a member may show (Hexbear's limit). */
export const MAX_PRONOUNS = 2;

/** Bytes of randomness in the JWT signing secret (HS256 wants at least 32). */
const JWT_SECRET_BYTES = 32;

/** Creates the site row on first start (with a fresh JWT secret); leaves an existing one alone. */
export async function ensureSite(db: DbLike, name = "Plenum"): Promise<SiteRow> {
  await db
    .insertInto("site")
    .values({
      id: 1,
      name,
      pronouns: [...DEFAULT_PRONOUNS],
      jwt_secret: randomBytes(JWT_SECRET_BYTES).toString("base64url"),
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  return getSite(db);
}

export async function getSite(db: DbLike): Promise<SiteRow> {
  return db.selectFrom("site").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
}

/** Saves site settings; this process's cached row (getCachedSite) is dropped. */
export async function updateSite(db: DbLike, changes: SiteUpdate): Promise<SiteRow> {
  const row = await db
    .updateTable("site")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", 1)
    .returningAll()
    .executeTakeFirstOrThrow();
  forgetCachedSite(db);
  return row;
}

// The site row for read paths, cached in the process: every page and every listing needs the
// site's name and defaults (and every logged-in request its JWT secret), and reading the row each
// time was one of the two statements of a front page. Edits made through updateSite in this
// process drop the cached row at once; other processes (several web processes, the worker) see an
// edit within SITE_CACHE_TTL_MS (docs/operations.md, "Site settings"). Checks that gate a write
// (downvotes allowed, who may create communities, …) keep reading the row with getSite.
/**
 * How long a cached site row is used, in milliseconds: the longest a site edit made in another
 * process takes to show. Short enough that an admin sees a change by the time they reload; long
 * enough that at hundreds of requests a second the row is read about once per interval.
 */
export const SITE_CACHE_TTL_MS = 5_000;

interface CachedSite {
  row: Promise<SiteRow>;
  expiresAt: number;
}

/** Per database handle, so that several apps in one process (tests) never share a row. */
const cache = new WeakMap<DbLike, CachedSite>();

/**
 * The site row, at most SITE_CACHE_TTL_MS old. Concurrent callers after expiry share one read;
 * a failed read is not kept. The row is shared: callers must not change it.
 */
export function getCachedSite(db: DbLike, now = Date.now()): Promise<SiteRow> {
  const entry = cache.get(db);
  if (entry && entry.expiresAt > now) return entry.row;
  const row = getSite(db);
  const fresh: CachedSite = { row, expiresAt: now + SITE_CACHE_TTL_MS };
  cache.set(db, fresh);
  row.catch(() => {
    if (cache.get(db) === fresh) cache.delete(db);
  });
  return row;
}

/** Drops the cached row of this handle (after an edit), so the next read goes to the database. */
function forgetCachedSite(db: DbLike): void {
  cache.delete(db);
}

/** Pronoun values the site allows, with duplicates removed; errors name the first bad value. */
export function checkPronouns(
  values: readonly string[],
  allowed: readonly string[],
): { ok: true; pronouns: string[] } | { ok: false; invalid: string } {
  const unique = [...new Set(values.map((value) => value.trim()).filter((value) => value !== ""))];
  if (unique.length > MAX_PRONOUNS) return { ok: false, invalid: unique[MAX_PRONOUNS] ?? "" };
  const invalid = unique.find((value) => !allowed.includes(value));
  return invalid === undefined ? { ok: true, pronouns: unique } : { ok: false, invalid };
}

/** How a name reads with its pronouns, as on Hexbear: `name [they/them, any]`. */
export function nameWithPronouns(name: string, pronouns: readonly string[]): string {
  return pronouns.length === 0 ? name : `${name} [${pronouns.join(", ")}]`;
}
