import { describe, expect, test } from "@jest/globals";
import { loadConfig } from "@plenum/server";

describe("configuration from the environment", () => {
  test("defaults give a local server on the embedded database", () => {
    const result = loadConfig({});
    expect(result).toEqual({
      ok: true,
      config: {
        port: 3000,
        host: "127.0.0.1",
        origin: "http://localhost:3000",
        database: { kind: "embedded", dataDir: "./data" },
        allowPrivateAddress: false,
        trustProxy: false,
        logLevel: "info",
        rateLimits: {
          register: { max: 10, perSeconds: 3600 },
          login: { max: 10, perSeconds: 60 },
          post: { max: 6, perSeconds: 600 },
          comment: { max: 6, perSeconds: 600 },
          vote: { max: 180, perSeconds: 60 },
        },
        // Lemmy's 3 days of failing before a server is dead; a probe an hour.
        deadServerPolicy: { deadAfterMs: 259_200_000, probeIntervalMs: 3_600_000 },
        queueLeaseMs: undefined,
      },
    });
  });

  test("the dead-server rule takes seconds, fractions included, and refuses negatives", () => {
    const result = loadConfig({ PLENUM_DEAD_SERVER_AFTER_SECONDS: "0.5", PLENUM_DEAD_SERVER_PROBE_SECONDS: "2" });
    expect(result.ok && result.config.deadServerPolicy).toEqual({ deadAfterMs: 500, probeIntervalMs: 2000 });
    const negative = loadConfig({ PLENUM_DEAD_SERVER_AFTER_SECONDS: "-1" });
    expect(negative).toEqual({ ok: false, errors: ["PLENUM_DEAD_SERVER_AFTER_SECONDS: must not be negative"] });
  });

  test("the default origin follows PORT; DATABASE_URL selects PostgreSQL", () => {
    const result = loadConfig({ PORT: "8080", DATABASE_URL: "postgres://plenum@db/plenum" });
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.config.origin).toBe("http://localhost:8080");
    expect(result.config.database).toEqual({ kind: "postgres", url: "postgres://plenum@db/plenum" });
  });

  test("an explicit origin is normalised and used as is", () => {
    const result = loadConfig({ PLENUM_ORIGIN: "https://plenum.example/" });
    expect(result.ok && result.config.origin).toBe("https://plenum.example");
  });

  test.each([
    ["PORT", "eighty", "PORT: must be a number"],
    ["PORT", "70000", "PORT: must be between 1 and 65535"],
    ["PLENUM_ORIGIN", "plenum.example", "PLENUM_ORIGIN: must be an absolute URL"],
    ["PLENUM_ORIGIN", "ftp://plenum.example", "PLENUM_ORIGIN: must start with http:// or https://"],
    ["PLENUM_ORIGIN", "https://plenum.example/sub", "PLENUM_ORIGIN: must be an origin only"],
    ["DATABASE_URL", "mysql://x", "DATABASE_URL: must be a postgres:// or postgresql:// connection URL"],
    ["PLENUM_ALLOW_PRIVATE_ADDRESS", "maybe", "PLENUM_ALLOW_PRIVATE_ADDRESS: must be true or false"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL: must be one of"],
    ["PLENUM_RATE_LIMITS", "posts=1/60", 'PLENUM_RATE_LIMITS: "posts=1/60" is not action=max/seconds'],
    ["PLENUM_RATE_LIMITS", "post=1/0", 'PLENUM_RATE_LIMITS: "post=1/0" is not action=max/seconds'],
  ])("%s=%s is refused with a clear message", (name, value, message) => {
    const result = loadConfig({ [name]: value });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([expect.stringContaining(message)]);
  });

  test("every problem is reported at once", () => {
    const result = loadConfig({ PORT: "0", LOG_LEVEL: "loud" });
    expect(result.ok ? [] : result.errors).toHaveLength(2);
  });

  test.each([
    ["true", true],
    ["false", false],
    ["2", 2],
    ["10.0.0.1, 10.0.0.0/8", ["10.0.0.1", "10.0.0.0/8"]],
  ])("PLENUM_TRUST_PROXY=%s", (value, expected) => {
    const result = loadConfig({ PLENUM_TRUST_PROXY: value });
    expect(result.ok && result.config.trustProxy).toEqual(expected);
  });

  test("PLENUM_RATE_LIMITS overrides single actions, or turns limits off", () => {
    const result = loadConfig({ PLENUM_RATE_LIMITS: "post=20/60, comment=100/60" });
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.config.rateLimits).toMatchObject({
      post: { max: 20, perSeconds: 60 },
      comment: { max: 100, perSeconds: 60 },
      register: { max: 10, perSeconds: 3600 },
    });
    const off = loadConfig({ PLENUM_RATE_LIMITS: "off" });
    expect(off.ok && off.config.rateLimits).toBeNull();
  });
});
