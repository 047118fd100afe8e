// The Fastify app factory. It only wires routes to services and views; tests drive it through
// app.inject() and real listeners alike.
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { sql } from "kysely";
import type { ErrorBody } from "./api/errors.ts";
import { createApiContext } from "./api/v3/context.ts";
import { registerApiV3 } from "./api/v3/index.ts";
import { mountFedify } from "./http/fedify.ts";
import type { Runtime } from "./runtime.ts";
import { registerWeb } from "./web/routes.ts";

export async function buildApp(runtime: Runtime): Promise<FastifyInstance> {
  const { config, database, federation, contextData } = runtime;
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // Fastify types trustProxy per shape; all three of ours are valid at run time.
    trustProxy: config.trustProxy as boolean,
    // One line per request only when debugging; Fedify already logs federation requests.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== "debug" && config.logLevel !== "trace",
    }),
  });

  // Fedify first, before any body parsing, so signed inbox bodies reach it byte for byte.
  mountFedify(app, federation, contextData);
  await app.register(formbody);
  await app.register(cookie);
  // Limits are per route (api.rateLimit(action)); routes without one are not limited.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (): ErrorBody & { statusCode: number } => ({ statusCode: 429, error: "rate_limit_error" }),
  });
  const api = createApiContext(runtime);
  await registerApiV3(app, api);

  app.get("/healthz", async (_request, reply) => {
    try {
      await sql`select 1`.execute(database.db);
      return { status: "ok" };
    } catch (error) {
      runtime.logger.error({ err: error }, "health check: database does not answer");
      return reply.code(503).send({ status: "unavailable", error: "database_unavailable" });
    }
  });

  await registerWeb(app, api);

  return app;
}
