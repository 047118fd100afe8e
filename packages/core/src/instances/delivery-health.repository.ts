// Delivery health per receiving server: what deliveries there met, and the dead-server rule. The
// federation worker records every delivery's outcome here (packages/federation/src/delivery-health.ts)
// and asks before each delivery whether to send, probe or skip. Times are the database's clock.
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";

/** When a server counts as dead, and how often a dead one is tried again. */
export interface DeadServerPolicy {
  /** Milliseconds a server must have failed without a success in between before it is dead. */
  deadAfterMs: number;
  /** Milliseconds between probes of a dead server (one delivery let through). */
  probeIntervalMs: number;
}

/** Milliseconds of failing before a server is dead: 3 days, Lemmy's rule (crates/db_schema
 *  src/impls/instance.rs, dead_instances: no sign of life for 3 days; Lemmy then sends nothing). */
export const DEAD_AFTER_MS = 3 * 24 * 60 * 60_000;
/** Milliseconds between probes of a dead server: one delivery an hour costs it nothing, and a server
 *  back from an outage receives again within the hour (ours; Lemmy re-checks dead ones daily). */
export const DEAD_PROBE_INTERVAL_MS = 60 * 60_000;

export const DEFAULT_DEAD_SERVER_POLICY: DeadServerPolicy = {
  deadAfterMs: DEAD_AFTER_MS,
  probeIntervalMs: DEAD_PROBE_INTERVAL_MS,
};

/** Longest last_error kept, in characters: enough for a status line and a short reason. */
const LAST_ERROR_MAX_CHARS = 300;

const interval = (ms: number) => sql<string>`${`${Math.max(0, Math.trunc(ms))} milliseconds`}::interval`;

/** A delivery reached the server and was accepted: the server is alive. */
export async function recordDeliverySuccess(db: DbLike, host: string): Promise<void> {
  await sql`
    insert into delivery_health (host, last_success_at, total_successes)
    values (${host}, now(), 1)
    on conflict (host) do update set
      last_success_at = now(),
      total_successes = delivery_health.total_successes + 1,
      failing_since = null,
      consecutive_failures = 0,
      dead_since = null,
      next_probe_at = null,
      updated_at = now()`.execute(db);
}

export interface DeliveryFailure {
  /** A short description (status and reason, or the network error). */
  error: string;
  /**
   * True when the server answered (a 4xx status such as 404 for a deleted actor or 429): it is up,
   * so the failure is counted but does not bring it closer to dead, and ends a run of failures.
   */
  reachable: boolean;
}

/**
 * A delivery failed. A server that could not be reached (network error, 5xx) and has failed since
 * `policy.deadAfterMs` ago or longer without a success becomes dead; a dead one's next probe is
 * `policy.probeIntervalMs` from now.
 */
export async function recordDeliveryFailure(
  db: DbLike,
  host: string,
  failure: DeliveryFailure,
  policy: DeadServerPolicy,
): Promise<void> {
  const error = failure.error.slice(0, LAST_ERROR_MAX_CHARS);
  if (failure.reachable) {
    await sql`
      insert into delivery_health (host, last_failure_at, last_error, total_failures)
      values (${host}, now(), ${error}, 1)
      on conflict (host) do update set
        last_failure_at = now(),
        last_error = excluded.last_error,
        total_failures = delivery_health.total_failures + 1,
        failing_since = null,
        consecutive_failures = 0,
        dead_since = null,
        next_probe_at = null,
        updated_at = now()`.execute(db);
    return;
  }
  const deadAfter = interval(policy.deadAfterMs);
  const probeInterval = interval(policy.probeIntervalMs);
  const firstFailureDead = sql<boolean>`now() - now() >= ${deadAfter}`;
  const nowDead = sql<boolean>`(delivery_health.dead_since is not null
    or now() - coalesce(delivery_health.failing_since, now()) >= ${deadAfter})`;
  await sql`
    insert into delivery_health
      (host, last_failure_at, last_error, failing_since, consecutive_failures, total_failures, dead_since, next_probe_at)
    values (${host}, now(), ${error}, now(), 1, 1,
      case when ${firstFailureDead} then now() end,
      case when ${firstFailureDead} then now() + ${probeInterval} end)
    on conflict (host) do update set
      last_failure_at = now(),
      last_error = excluded.last_error,
      failing_since = coalesce(delivery_health.failing_since, now()),
      consecutive_failures = delivery_health.consecutive_failures + 1,
      total_failures = delivery_health.total_failures + 1,
      dead_since = case when ${nowDead} then coalesce(delivery_health.dead_since, now()) end,
      next_probe_at = case when ${nowDead} then now() + ${probeInterval} end,
      updated_at = now()`.execute(db);
}

/** What to do with one delivery: send it, send it as the probe of a dead server, or skip it. */
export type DeliveryPermit = "send" | "probe" | "skip";

/**
 * Decides one delivery to `host`. A live server gets it. A dead one gets it only when its probe
 * is due, and then the next probe moves `probeIntervalMs` ahead at once, so concurrent workers
 * send one probe, not one each; anything else to a dead server is skipped and counted.
 */
export async function takeDeliveryPermit(db: DbLike, host: string, policy: DeadServerPolicy): Promise<DeliveryPermit> {
  const result = await sql<{ probe: boolean }>`
    with dead as (
      select host, next_probe_at is null or next_probe_at <= now() as probe
      from delivery_health where host = ${host} and dead_since is not null
      for update)
    update delivery_health h set
      next_probe_at = case when dead.probe then now() + ${interval(policy.probeIntervalMs)} else h.next_probe_at end,
      skipped_deliveries = h.skipped_deliveries + case when dead.probe then 0 else 1 end,
      updated_at = now()
    from dead where h.host = dead.host
    returning dead.probe as probe`.execute(db);
  const row = result.rows[0];
  if (!row) return "send";
  return row.probe ? "probe" : "skip";
}

/**
 * Of `hosts`, those dead and not due for a probe: deliveries to them are not even queued. Each is
 * counted once as skipped for the delivery left out.
 */
export async function skipDeadHosts(db: DbLike, hosts: readonly string[]): Promise<Set<string>> {
  if (hosts.length === 0) return new Set();
  const result = await sql<{ host: string }>`
    update delivery_health set skipped_deliveries = skipped_deliveries + 1, updated_at = now()
    where host = any(${sql.val([...new Set(hosts)])}::text[])
      and dead_since is not null and next_probe_at > now()
    returning host`.execute(db);
  return new Set(result.rows.map((row) => row.host));
}

/** One receiving server's delivery record, as the admin sees it (backlog added by the caller). */
export interface DeliveryHealthRecord {
  host: string;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  totalSuccesses: number;
  totalFailures: number;
  skippedDeliveries: number;
  failingSince: Date | null;
  deadSince: Date | null;
  nextProbeAt: Date | null;
}

export async function listDeliveryHealth(db: DbLike): Promise<DeliveryHealthRecord[]> {
  const rows = await db.selectFrom("delivery_health").selectAll().orderBy("host").execute();
  return rows.map((row) => ({
    host: row.host,
    lastSuccessAt: row.last_success_at,
    lastFailureAt: row.last_failure_at,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    totalSuccesses: Number(row.total_successes),
    totalFailures: Number(row.total_failures),
    skippedDeliveries: Number(row.skipped_deliveries),
    failingSince: row.failing_since,
    deadSince: row.dead_since,
    nextProbeAt: row.next_probe_at,
  }));
}
