// What software each remote instance runs (NodeInfo's software.name), and what kind of server that
// makes it. Communities send microblog servers only an Announce of each new post (Mastodon shows
// every Announce as a boost, so FEP-1b12's announce-everything would flood their timelines with
// comments and votes); threadiverse servers and unknown ones get every activity
// (docs/federation.md, "What microblog users see").
import { type ExpressionBuilder, sql } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { Database } from "../db/schema.ts";

export type InstanceKind = "microblog" | "threadiverse" | "unknown";

/**
 * NodeInfo software names, lowercased. Sources: PieFed's MICROBLOG_APPS (mastodon, misskey,
 * akkoma, iceshrimp, pleroma, fedibird; features-and-ranking.md §4.8), extended with forks and
 * kin whose NodeInfo names are their project names: Misskey forks (sharkey, firefish, foundkey,
 * calckey, catodon, cherrypick), Mastodon forks (hometown, glitch-soc, chuckya), and the other
 * microblogs (gotosocial, snac, mitra, friendica, honk, takahe, gnusocial, pixelfed).
 */
const MICROBLOG_SOFTWARE = new Set([
  "mastodon",
  "hometown",
  "glitch-soc",
  "glitchsoc",
  "chuckya",
  "fedibird",
  "pleroma",
  "akkoma",
  "misskey",
  "sharkey",
  "firefish",
  "calckey",
  "iceshrimp",
  "iceshrimp.net",
  "foundkey",
  "catodon",
  "cherrypick",
  "gotosocial",
  "snac",
  "mitra",
  "friendica",
  "honk",
  "takahe",
  "gnusocial",
  "pixelfed",
]);

/** Link aggregators and forums that read FEP-1b12 (federation-wire-formats.md §0, §6). */
const THREADIVERSE_SOFTWARE = new Set(["lemmy", "mbin", "kbin", "piefed", "plenum", "lotide", "nodebb", "discourse"]);

/** The kind of server a NodeInfo software name stands for; unknown ones are treated as threadiverse. */
export function instanceKindOf(software: string | null): InstanceKind {
  if (software === null) return "unknown";
  const name = software.trim().toLowerCase();
  if (MICROBLOG_SOFTWARE.has(name)) return "microblog";
  if (THREADIVERSE_SOFTWARE.has(name)) return "threadiverse";
  return "unknown";
}

/** Milliseconds between NodeInfo checks of one instance: servers rarely change software, and a
 *  day is how often PieFed refreshes its instance data too. */
export const INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS = 24 * 60 * 60_000;

export interface InstanceSoftware {
  host: string;
  software: string | null;
  checkedAt: Date | null;
}

/** What is known of the software of each host (lowercase hosts; unknown hosts are left out). */
export async function findInstanceSoftware(
  db: DbLike,
  hosts: readonly string[],
): Promise<Map<string, InstanceSoftware>> {
  if (hosts.length === 0) return new Map();
  const rows = await db
    .selectFrom("instances")
    .select(["host", "software", "software_checked_at"])
    .where(
      "host",
      "in",
      hosts.map((host) => host.toLowerCase()),
    )
    .execute();
  return new Map(
    rows.map((row) => [row.host, { host: row.host, software: row.software, checkedAt: row.software_checked_at }]),
  );
}

/** Records a NodeInfo answer for host (null software: none usable), creating the row if needed. */
export async function recordInstanceSoftware(
  db: DbLike,
  host: string,
  found: { software: string; version: string | null } | null,
  checkedAt: Date,
): Promise<void> {
  const values = {
    software: found?.software.toLowerCase() ?? null,
    software_version: found?.version ?? null,
    software_checked_at: checkedAt,
  };
  await db
    .insertInto("instances")
    .values({ host: host.toLowerCase(), ...values })
    .onConflict((oc) =>
      // An answer that could not be read keeps what an earlier one said: a server that is down
      // for a day has not changed its software.
      oc.column("host").doUpdateSet({
        software: found ? values.software : sql<string | null>`instances.software`,
        software_version: found ? values.software_version : sql<string | null>`instances.software_version`,
        software_checked_at: checkedAt,
        updated_at: checkedAt,
      }),
    )
    .execute();
}

/**
 * Instances with a follower of a local community (the ones deliveries depend on) whose software
 * was last checked before `checkedBefore` or never, with the origin of one follower there (the
 * scheme and port NodeInfo is asked at). Oldest check first.
 */
export async function listFollowerInstancesDueForSoftwareCheck(
  db: DbLike,
  checkedBefore: Date,
  limit: number,
): Promise<{ host: string; actorId: string }[]> {
  const follower = (eb: ExpressionBuilder<Database, "instances">) =>
    eb
      .selectFrom("persons as p")
      .innerJoin("community_follows as f", "f.person_id", "p.id")
      .innerJoin("communities as c", "c.id", "f.community_id")
      .whereRef("p.instance_id", "=", "instances.id")
      .where("p.local", "=", false)
      .where("c.local", "=", true)
      .where("f.state", "=", "accepted")
      .select("p.ap_id")
      .limit(1);
  const rows = await db
    .selectFrom("instances")
    .where((eb) =>
      eb.and([
        eb.or([eb("software_checked_at", "is", null), eb("software_checked_at", "<", checkedBefore)]),
        eb.exists(follower(eb)),
      ]),
    )
    .select((eb) => ["host", follower(eb).as("actor_id")])
    .orderBy(sql`software_checked_at asc nulls first`)
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.actor_id ? [{ host: row.host, actorId: row.actor_id }] : []));
}
