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

export async function updateSite(db: DbLike, changes: SiteUpdate): Promise<SiteRow> {
  return db
    .updateTable("site")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", 1)
    .returningAll()
    .executeTakeFirstOrThrow();
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
