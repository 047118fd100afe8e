// Configuration from environment variables, validated once at start-up. docs/operations.md lists
// every variable; keep the two in step.
import { DEFAULT_DEAD_SERVER_POLICY, type DeadServerPolicy } from "@plenum/core";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const port = z.coerce
  .number({ message: "must be a number" })
  .int({ message: "must be a whole number" })
  .min(1, { message: "must be between 1 and 65535" })
  .max(65535, { message: "must be between 1 and 65535" });

const origin = z.string().transform((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an absolute URL such as https://plenum.example" });
    return z.NEVER;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: "must start with http:// or https://" });
    return z.NEVER;
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    ctx.addIssue({ code: "custom", message: "must be an origin only (no path, query or fragment)" });
    return z.NEVER;
  }
  return url.origin;
});

const databaseUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value), {
  message: "must be a postgres:// or postgresql:// connection URL",
});

/** PLENUM_TRUST_PROXY: false, true, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
const trustProxy = z.string().transform((value): boolean | number | string[] => {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === "" || trimmed === "false" || trimmed === "0" || trimmed === "no") return false;
  if (trimmed === "true" || trimmed === "yes") return true;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
});

/** Actions with their own rate limit, and the defaults: Lemmy 0.19's local_site_rate_limit
 *  defaults for register, post and comment; login and vote are ours (vote as Lemmy's message bucket). */
export const RATE_LIMITED_ACTIONS = ["register", "login", "post", "comment", "vote"] as const;
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number];
export interface RateLimit {
  max: number;
  /** Window length in seconds. */
  perSeconds: number;
}
export type RateLimits = Record<RateLimitedAction, RateLimit> | null;

const DEFAULT_RATE_LIMITS: Record<RateLimitedAction, RateLimit> = {
  register: { max: 10, perSeconds: 3600 },
  login: { max: 10, perSeconds: 60 },
  post: { max: 6, perSeconds: 600 },
  comment: { max: 6, perSeconds: 600 },
  vote: { max: 180, perSeconds: 60 },
};

/** PLENUM_RATE_LIMITS: "off", or overrides such as "post=10/600,comment=30/60" (max/seconds). */
const rateLimits = z.string().transform((value, ctx): RateLimits => {
  if (value.trim().toLowerCase() === "off") return null;
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const part of value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)\/(\d+)$/.exec(part);
    const action = match?.[1] as RateLimitedAction | undefined;
    if (!match || !action || !RATE_LIMITED_ACTIONS.includes(action) || Number(match[3]) === 0) {
      ctx.addIssue({
        code: "custom",
        message: `"${part}" is not action=max/seconds with action one of ${RATE_LIMITED_ACTIONS.join(", ")}`,
      });
      return z.NEVER;
    }
    limits[action] = { max: Number(match[2]), perSeconds: Number(match[3]) };
  }
  return limits;
});

/** A duration in seconds (fractions allowed), as milliseconds. */
const seconds = z.coerce
  .number({ message: "must be a number of seconds" })
  .min(0, { message: "must not be negative" })
  .transform((value) => Math.round(value * 1000));

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
  message: "must be one of fatal, error, warn, info, debug, trace, silent",
});

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  PLENUM_ORIGIN: origin.optional(),
  DATABASE_URL: databaseUrl.optional(),
  PLENUM_DATA_DIR: z.string().min(1).default("./data"),
  PLENUM_ALLOW_PRIVATE_ADDRESS: booleanFlag.default(false),
  PLENUM_TRUST_PROXY: trustProxy.default(false),
  LOG_LEVEL: logLevel.default("info"),
  PLENUM_RATE_LIMITS: rateLimits.default(DEFAULT_RATE_LIMITS),
  PLENUM_DEAD_SERVER_AFTER_SECONDS: seconds.optional(),
  PLENUM_DEAD_SERVER_PROBE_SECONDS: seconds.optional(),
  PLENUM_QUEUE_LEASE_SECONDS: seconds.optional(),
});

export interface Config {
  port: number;
  host: string;
  origin: string;
  database: { kind: "postgres"; url: string } | { kind: "embedded"; dataDir: string };
  allowPrivateAddress: boolean;
  trustProxy: boolean | number | string[];
  logLevel: z.infer<typeof logLevel>;
  /** Per-IP limits of the API's write actions; null turns them off (tests, benchmarks). */
  rateLimits: RateLimits;
  /** When a receiving server counts as dead and how often it is probed (docs/federation.md, "Delivery"). */
  deadServerPolicy: DeadServerPolicy;
  /** Milliseconds a worker holds a queue message it took; undefined: the queue's LEASE_MS (5 min). */
  queueLeaseMs: number | undefined;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Reads and checks the environment; every problem is reported, not just the first. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ConfigResult {
  // An empty variable counts as unset, as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      origin: e.PLENUM_ORIGIN ?? `http://localhost:${e.PORT}`,
      database: e.DATABASE_URL
        ? { kind: "postgres", url: e.DATABASE_URL }
        : { kind: "embedded", dataDir: e.PLENUM_DATA_DIR },
      allowPrivateAddress: e.PLENUM_ALLOW_PRIVATE_ADDRESS,
      trustProxy: e.PLENUM_TRUST_PROXY,
      logLevel: e.LOG_LEVEL,
      rateLimits: e.PLENUM_RATE_LIMITS,
      deadServerPolicy: {
        deadAfterMs: e.PLENUM_DEAD_SERVER_AFTER_SECONDS ?? DEFAULT_DEAD_SERVER_POLICY.deadAfterMs,
        probeIntervalMs: e.PLENUM_DEAD_SERVER_PROBE_SECONDS ?? DEFAULT_DEAD_SERVER_POLICY.probeIntervalMs,
      },
      queueLeaseMs: e.PLENUM_QUEUE_LEASE_SECONDS,
    },
  };
}

/** For entry points: the config, or a clear message on stderr and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  const result = loadConfig(env);
  if (result.ok) return result.config;
  process.stderr.write(
    `Plenum cannot start: invalid configuration\n${result.errors.map((e) => `  - ${e}`).join("\n")}\n`,
  );
  process.exit(78);
}
