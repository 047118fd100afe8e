export { ADMIN_USAGE, type AdminOutcome, runAdminCommand } from "./admin.ts";
export { buildApp } from "./app.ts";
export { type Config, loadConfig, loadConfigOrExit } from "./config.ts";
export { createLogger } from "./logging.ts";
export { createRuntime, type Runtime, type RuntimeOptions, runWorker } from "./runtime.ts";
