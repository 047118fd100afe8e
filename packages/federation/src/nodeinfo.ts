// Which software a remote instance runs, from its NodeInfo (/.well-known/nodeinfo, then the 2.x
// document it links to; https://nodeinfo.diaspora.software/protocol), stored per instance
// (core: instances/instance-software.ts). Asked when first needed (a follower's instance never
// asked; bridge.ts, inbox/follow.ts) and again daily by the worker (refreshInstanceSoftware).
import { getLogger } from "@logtape/logtape";
import {
  type Db,
  findInstanceSoftware,
  hostOf,
  INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS,
  instanceAllowed,
  listFollowerInstancesDueForSoftwareCheck,
  recordInstanceSoftware,
} from "@plenum/core";
import { fetchBoundedJson, type LoaderOptions } from "./loader.ts";

const logger = getLogger(["plenum", "federation", "nodeinfo"]);

/** The `rel` of a NodeInfo 2.x link in /.well-known/nodeinfo (2.0, 2.1, 2.2...). */
const NODEINFO_2_REL = /^https?:\/\/nodeinfo\.diaspora\.software\/ns\/schema\/2\.(\d+)$/;
/** Instances asked per refresh run: the daily run spreads a large set over later runs. */
const REFRESH_BATCH = 200;
/** Instances asked at once: a few slow servers (10 s each at most) do not hold up the rest. */
const REFRESH_CONCURRENCY = 8;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The NodeInfo 2.x document's URL from the discovery document: the highest 2.x version listed. */
function nodeInfoHref(discovery: unknown, origin: string): string | null {
  if (!isRecord(discovery) || !Array.isArray(discovery.links)) return null;
  let best: { minor: number; href: string } | null = null;
  for (const link of discovery.links) {
    if (!isRecord(link) || typeof link.rel !== "string" || typeof link.href !== "string") continue;
    const match = NODEINFO_2_REL.exec(link.rel);
    if (!match) continue;
    const minor = Number(match[1]);
    if (best && best.minor >= minor) continue;
    try {
      const href = new URL(link.href, origin);
      if (href.protocol === "https:" || href.protocol === "http:") best = { minor, href: href.href };
    } catch {
      // Not a URL: skip the link.
    }
  }
  return best?.href ?? null;
}

/** software.name and software.version from a NodeInfo document, or null if it has no name. */
export function softwareOf(document: unknown): { software: string; version: string | null } | null {
  if (!isRecord(document) || !isRecord(document.software)) return null;
  const { name, version } = document.software;
  if (typeof name !== "string" || name.trim() === "") return null;
  return { software: name.trim().toLowerCase(), version: typeof version === "string" ? version : null };
}

/** Asks the server at `origin` for its software; null when it does not say (or cannot be reached). */
export async function fetchNodeInfoSoftware(
  origin: string,
  options: LoaderOptions,
): Promise<{ software: string; version: string | null } | null> {
  try {
    const discovery = await fetchBoundedJson(new URL("/.well-known/nodeinfo", origin).href, options);
    const href = nodeInfoHref(discovery, origin);
    if (href === null) return null;
    return softwareOf(await fetchBoundedJson(href, options));
  } catch (error) {
    logger.debug("NodeInfo of {origin} could not be read: {error}", { origin, error });
    return null;
  }
}

/**
 * Asks the instance of `actorId` for its software and records the answer (or its absence). An
 * instance the site's lists exclude is not asked (nothing is fetched from there), only marked as
 * checked, so it does not stay first in line for the refresh.
 */
export async function detectInstanceSoftware(db: Db, actorId: string, options: LoaderOptions): Promise<void> {
  const allowed = await instanceAllowed(db, hostOf(actorId));
  const found = allowed ? await fetchNodeInfoSoftware(new URL(actorId).origin, options) : null;
  await recordInstanceSoftware(db, hostOf(actorId), found, new Date());
  logger.info("Instance {host} runs {software}", { host: hostOf(actorId), software: found?.software ?? "(unknown)" });
}

/** Detects the software of the instances of these actors that were never asked yet (first need). */
export async function ensureInstanceSoftware(db: Db, actorIds: readonly string[], options: LoaderOptions) {
  const byHost = new Map(actorIds.map((id) => [hostOf(id).toLowerCase(), id]));
  const known = await findInstanceSoftware(db, [...byHost.keys()]);
  const unasked = [...byHost].filter(([host]) => !known.get(host)?.checkedAt);
  await Promise.all(unasked.map(([, actorId]) => detectInstanceSoftware(db, actorId, options)));
}

/** The worker's daily job: asks again every follower instance last asked more than a day ago. */
export async function refreshInstanceSoftware(db: Db, options: LoaderOptions, now = new Date()): Promise<number> {
  const due = await listFollowerInstancesDueForSoftwareCheck(
    db,
    new Date(now.getTime() - INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS),
    REFRESH_BATCH,
  );
  for (let start = 0; start < due.length; start += REFRESH_CONCURRENCY) {
    const batch = due.slice(start, start + REFRESH_CONCURRENCY);
    await Promise.all(batch.map(({ actorId }) => detectInstanceSoftware(db, actorId, options)));
  }
  return due.length;
}
