// Process life cycle shared by the entry points: start what the role needs, and on SIGTERM or
// SIGINT stop accepting requests, let in-flight requests and queue messages finish, then close
// the database.
import { countLocalUsers, DatabaseInUseError } from "@plenum/core";
import { buildApp } from "./app.ts";
import { loadConfigOrExit } from "./config.ts";
import { createRuntime, runWorker } from "./runtime.ts";

export type Role = "all" | "web" | "worker";

export async function runProcess(role: Role): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createRuntime(config).catch((error: unknown) => {
    if (error instanceof DatabaseInUseError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
  const { logger } = runtime;
  const controller = new AbortController();
  const app = role === "worker" ? null : await buildApp(runtime);
  const worker = role === "web" ? null : runWorker(runtime, controller.signal);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await app?.close();
    controller.abort();
    await worker;
    await runtime.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  if (app) {
    await app.listen({ port: config.port, host: config.host });
    const where =
      config.database.kind === "embedded" ? `embedded database in ${config.database.dataDir}` : "PostgreSQL";
    process.stdout.write(
      `\nPlenum is running at ${config.origin} (listening on ${config.host}:${config.port}, ${where}).\n`,
    );
    if ((await countLocalUsers(runtime.database.db)) === 0) {
      process.stdout.write(
        `No accounts yet: sign up at ${config.origin}/register and the first account becomes the admin.\n` +
          "(Or, with Plenum stopped when on the embedded database: npm run admin -- create-user <name> --password <password> --admin)\n\n",
      );
    }
  } else {
    logger.info("worker running");
  }
}
