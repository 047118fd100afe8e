// The Fastify app factory. It only wires routes to services and views; tests drive it through
// app.inject() and real listeners alike.
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import { getLocalCommunityPage, listLocalCommunities } from "@plenum/core";
import { renderCommunityPage, renderHomePage, renderNotFoundPage } from "@plenum/web";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { sql } from "kysely";
import { registerApiV3 } from "./api/v3/index.ts";
import { mountFedify } from "./http/fedify.ts";
import type { Runtime } from "./runtime.ts";

/** Site name until site settings exist (accounts/site issue). */
const SITE_NAME = "Plenum";
/** Communities listed on the placeholder home page. */
const HOME_COMMUNITY_LIMIT = 50;

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
  await registerApiV3(app, runtime);

  app.get("/healthz", async (_request, reply) => {
    try {
      await sql`select 1`.execute(database.db);
      return { status: "ok" };
    } catch (error) {
      runtime.logger.error({ err: error }, "health check: database does not answer");
      return reply.code(503).send({ status: "unavailable", error: "database_unavailable" });
    }
  });

  app.get("/", async (_request, reply) => {
    const communities = await listLocalCommunities(database.db, HOME_COMMUNITY_LIMIT);
    return reply.type("text/html; charset=utf-8").send(renderHomePage(SITE_NAME, communities));
  });

  app.get<{ Params: { name: string } }>("/c/:name", async (request, reply) => {
    const view = await getLocalCommunityPage(database.db, request.params.name);
    if (!view) {
      return reply
        .code(404)
        .type("text/html; charset=utf-8")
        .send(renderNotFoundPage(SITE_NAME, `There is no community called ${request.params.name} here.`));
    }
    return reply
      .type("text/html; charset=utf-8")
      .header("vary", "Accept")
      .send(renderCommunityPage(view, new URL(config.origin).host, SITE_NAME));
  });

  return app;
}
