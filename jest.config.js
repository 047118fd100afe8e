// Jest runs TypeScript as native ESM through SWC (see docs/decisions/0005-tests.md).
// `npm test` starts it through test/run.ts, which provides PostgreSQL first.
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/setup/each-file.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript" }, target: "es2024" },
        module: { type: "es6" },
      },
    ],
  },
  // Bounds a hung test; it is not a timing assertion. Federation tests start servers and wait for
  // queued deliveries, and the PGlite tests migrate a fresh embedded database from scratch, which
  // took 25-40 s on a loaded 2-core machine (2026-11-28), so 90 s leaves room without hiding a hang.
  testTimeout: 90000,
};
