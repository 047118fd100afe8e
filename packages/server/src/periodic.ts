// Periodic maintenance run by the worker. Tasks must be safe to run in several workers at once.

/**
 * Runs task every intervalMs until signal aborts, first after one interval. Errors are reported
 * and the schedule goes on. Resolves after the run in progress (if any) has finished.
 */
export async function runPeriodically(
  signal: AbortSignal,
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
): Promise<void> {
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
