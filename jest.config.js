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
  // Federation tests start servers and wait for queued deliveries; 30 s bounds a hung test, it is not a timing assertion.
  testTimeout: 30000,
};
