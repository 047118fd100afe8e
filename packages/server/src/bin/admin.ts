// `npm run admin -- <command>`: see ADMIN_USAGE. Runs against the configured database; a
// follow it records is delivered by the worker (`npm start` or `npm run worker`).
import { DatabaseInUseError } from "@plenum/core";
import { runAdminCommand } from "../admin.ts";
import { loadConfigOrExit } from "../config.ts";
import { createRuntime } from "../runtime.ts";

const config = loadConfigOrExit({ LOG_LEVEL: "warn", ...process.env });
const runtime = await createRuntime(config).catch((error: unknown) => {
  if (error instanceof DatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
try {
  const outcome = await runAdminCommand(runtime, process.argv.slice(2));
  (outcome.ok ? process.stdout : process.stderr).write(`${outcome.message}\n`);
  process.exitCode = outcome.ok ? 0 : 1;
} finally {
  await runtime.close();
}
