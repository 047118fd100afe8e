// Runs before every test file (jest.config.js setupFilesAfterEnv).
import { beforeEach, expect } from "@jest/globals";

// A test whose assertions never ran (say, inside a callback that was never called) fails
// instead of passing silently.
beforeEach(() => {
  expect.hasAssertions();
});
