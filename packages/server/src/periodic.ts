// Periodic maintenance run by the worker. Tasks must be safe to run in several workers at once.

/**
 * Runs task every intervalMs until signal aborts, first after one interval (or at once with
 * runAtStart). Errors are reported and the schedule goes on. Resolves after the run in progress
 * (if any) has finished.
 */
export async function runPeriodically(
  signal: AbortSignal,
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
  options: { runAtStart?: boolean } = {},
): Promise<void> {
  if (options.runAtStart && !signal.aborted) await task().catch(onError);
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, intervalMs);
      signal.addEventListener("abort", finish, { once: true });
      function finish() {
        clearTimeout(timer);
        signal.removeEventListener("abort", finish);
        resolve();
      }
    });
    if (signal.aborted) return;
    await task().catch(onError);
  }
}
