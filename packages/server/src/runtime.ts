// The parts a process runs on, wired once: database, Fedify (with its PostgreSQL stores) and
// the worker loops. Entry points and tests build one Runtime and hand it to buildApp/startWorker.
import {
  ACTIVE_USERS_REFRESH_INTERVAL_MS,
  BAN_EXPIRY_INTERVAL_MS,
  clearExpiredBans,
  consumeQueue,
  type DatabaseHandle,
  type DomainEvent,
  EVENTS_QUEUE,
  ensureSite,
  handleJob,
  JOBS_QUEUE,
  type Job,
  localUrls,
  migrateToLatest,
  openDatabase,
  purgeInboundState,
  purgeSentActivities,
  RANK_REFRESH_INTERVAL_MS,
  refreshCommunityActivity,
  refreshRanks,
  runMegathreadTick,
  SENT_ACTIVITY_PURGE_INTERVAL_MS,
} from "@plenum/core";
import {
  createPlenumFederation,
  DELIVERY_CONSUMERS,
  DELIVERY_QUEUE,
  FEDIFY_QUEUE,
  type FederationContextData,
  handleDomainEvent,
  PLENUM_VERSION,
  type PlenumFederation,
  PostgresKvStore,
  PostgresMessageQueue,
  purgeExpiredKv,
  refreshInstanceSoftware,
} from "@plenum/federation";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { createLogger } from "./logging.ts";
import { runPeriodically } from "./periodic.ts";

/** Milliseconds between purges of expired key-value entries (spent nonces, cached documents).
 *  Reads already ignore them, so this only bounds the table's growth. */
const KV_PURGE_INTERVAL_MS = 10 * 60_000;
/** Milliseconds between megathread scheduler ticks: a thread opens at most this long after its
 *  time. With nothing due a tick is two small indexed queries (core: megathread.scheduler.ts). */
export const MEGATHREAD_TICK_INTERVAL_MS = 30_000;
/** Milliseconds between runs of the instance software refresh, which asks again (NodeInfo) each
 *  follower instance last asked more than a day ago; hourly spreads those over the day. */
const INSTANCE_SOFTWARE_CHECK_INTERVAL_MS = 60 * 60_000;

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  federation: PlenumFederation;
  contextData: FederationContextData;
  /** Closes the database; call after the app and the worker have stopped. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** An already open database (tests); otherwise the one the config names is opened. */
  database?: DatabaseHandle;
  logger?: Logger;
}

/** Fedify's queues: inbox and fan-out messages on "fedify", one at a time; deliveries on their own
 *  queue with several consumers (packages/federation/src/mq.ts). */
function fedifyQueues(database: DatabaseHandle, config: Config) {
  const leaseMs = config.queueLeaseMs;
  const incoming = new PostgresMessageQueue(database.db, FEDIFY_QUEUE, { leaseMs });
  const deliveries = new PostgresMessageQueue(database.db, DELIVERY_QUEUE, {
    leaseMs,
    deadServerPolicy: config.deadServerPolicy,
    consumers: DELIVERY_CONSUMERS,
  });
  return { inbox: incoming, fanout: incoming, outbox: deliveries };
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database =
    options.database ??
    (await openDatabase(config.database, {
      onIdleError: (error) => logger.warn({ err: error }, "an idle database connection failed; the pool replaces it"),
    }));
  await migrateToLatest(database.db);
  await ensureSite(database.db);
  const federation = createPlenumFederation({
    kv: new PostgresKvStore(database.db),
    queue: fedifyQueues(database, config),
    origin: config.origin,
    allowPrivateAddress: config.allowPrivateAddress,
    // Queues are consumed only where runWorker is called (npm start, npm run worker).
    manuallyStartQueue: true,
  });
  const contextData: FederationContextData = {
    db: database.db,
    urls: localUrls(config.origin),
    remoteFetch: { allowPrivateAddress: config.allowPrivateAddress, userAgent: linkFetchUserAgent(config.origin) },
  };
  return {
    config,
    logger,
    database,
    federation,
    contextData,
    close: () => database.close(),
  };
}

/** The User-Agent of link preview fetches: the software and where to learn about the instance. */
export function linkFetchUserAgent(origin: string): string {
  return `Plenum/${PLENUM_VERSION} (+${origin})`;
}

/**
 * Runs the worker loops until `signal` aborts: Fedify's queue (inbox processing and deliveries),
 * the domain-event bridge, background jobs (link previews) and periodic maintenance (rank
 * refresh, active users, expired key-value entries). Resolves
 * once each has finished what it had in hand.
 */
export interface WorkerOptions {
  /** The time as the megathread scheduler sees it; the system clock unless a test sets one. */
  clock?: () => Date;
}

export async function runWorker(runtime: Runtime, signal: AbortSignal, options: WorkerOptions = {}): Promise<void> {
  const { federation, contextData, database, logger } = runtime;
  const context = federation.createContext(new URL(runtime.config.origin), contextData);
  await Promise.all([
    federation.startQueue(contextData, { signal }),
    consumeQueue(database.db, EVENTS_QUEUE, (message) => handleDomainEvent(context, message as DomainEvent), {
      signal,
      leaseMs: runtime.config.queueLeaseMs,
      onError: (error, message) => logger.error({ err: error, event: message }, "domain event handler failed"),
    }),
    consumeQueue(
      database.db,
      JOBS_QUEUE,
      (message) =>
        handleJob(
          {
            db: database.db,
            allowPrivateAddress: runtime.config.allowPrivateAddress,
            userAgent: linkFetchUserAgent(runtime.config.origin),
            onSkipped: (job, reason) => logger.info({ job, reason }, "background job skipped"),
          },
          message as Job,
        ),
      {
        signal,
        leaseMs: runtime.config.queueLeaseMs,
        onError: (error, message) => logger.error({ err: error, job: message }, "background job failed"),
      },
    ),
    // Stored ranks decay with age: refreshed at start (ranks may be stale after downtime) and then
    // every 10 minutes (ranking/rank-refresh.ts); the divisor of Scaled daily.
    runPeriodically(
      signal,
      ACTIVE_USERS_REFRESH_INTERVAL_MS,
      () => refreshCommunityActivity(database.db),
      (error) => logger.error({ err: error }, "refreshing communities' active users failed"),
      { runAtStart: true },
    ),
    runPeriodically(
      signal,
      RANK_REFRESH_INTERVAL_MS,
      () => refreshRanks(database.db),
      (error) => logger.error({ err: error }, "refreshing ranks failed"),
      { runAtStart: true },
    ),
    // Megathreads due since the last tick are posted at start too (after downtime), then every 30 s.
    runPeriodically(
      signal,
      MEGATHREAD_TICK_INTERVAL_MS,
      () => runMegathreadTick(database.db, contextData.urls, (options.clock ?? (() => new Date()))()),
      (error) => logger.error({ err: error }, "the megathread scheduler failed"),
      { runAtStart: true },
    ),
    // Expired bans no longer count anywhere; this only deletes their rows (moderation/bans.ts).
    runPeriodically(
      signal,
      BAN_EXPIRY_INTERVAL_MS,
      () => clearExpiredBans(database.db, (options.clock ?? (() => new Date()))()),
      (error) => logger.error({ err: error }, "clearing expired bans failed"),
      { runAtStart: true },
    ),
    // What software each follower's instance runs decides what it is sent (federation: nodeinfo.ts).
    runPeriodically(
      signal,
      INSTANCE_SOFTWARE_CHECK_INTERVAL_MS,
      () => refreshInstanceSoftware(database.db, contextData.remoteFetch, (options.clock ?? (() => new Date()))()),
      (error) => logger.error({ err: error }, "refreshing instance software failed"),
      { runAtStart: true },
    ),
    // Sent activities are served at their ids for a week, then deleted in batches (core:
    // remote/sent-activity.repository.ts).
    runPeriodically(
      signal,
      SENT_ACTIVITY_PURGE_INTERVAL_MS,
      () => purgeSentActivities(database.db),
      (error) => logger.error({ err: error }, "purging old sent activities failed"),
      { runAtStart: true },
    ),
    runPeriodically(
      signal,
      KV_PURGE_INTERVAL_MS,
      () => Promise.all([purgeExpiredKv(database.db), purgeInboundState(database.db)]),
      (error) => logger.error({ err: error }, "purging expired key-value entries and inbound state failed"),
    ),
  ]);
}
