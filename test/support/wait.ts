// Waiting for something asynchronous without asserting how long it takes.

/** Milliseconds between checks: short against the 50-1000 ms latencies being waited for, long
 *  enough that polling a database does not load it. */
const POLL_INTERVAL_MS = 20;
/** Milliseconds before giving up: far above anything expected (a 1 s retry delay, a 300 ms lease),
 *  so only a real failure hits it, and below Jest's test timeout (jest.config.js) so the message is ours. */
const DEFAULT_TIMEOUT_MS = 15_000;

/** Resolves once condition() is true; rejects naming `what` after timeoutMs. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
