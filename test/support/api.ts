// An API server for integration tests, driven with lemmy-js-client as a real client would.
import { buildApp, createRuntime, loadConfig, type Runtime } from "@plenum/server";
import type { FastifyInstance } from "fastify";
import { LemmyHttp } from "lemmy-js-client";
import { createTestDatabase } from "./database.ts";

export interface ApiServer {
  origin: string;
  runtime: Runtime;
  app: FastifyInstance;
  /** A client, logged in when a JWT is given. */
  client(jwt?: string): LemmyHttp;
  /** Registers an account (the first one on a server becomes admin) and returns a logged-in client. */
  user(name: string): Promise<{ client: LemmyHttp; jwt: string; name: string }>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = "correct horse battery";

export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const loaded = loadConfig({
    LOG_LEVEL: process.env.PLENUM_TEST_LOG_LEVEL ?? "error",
    PLENUM_ORIGIN: "http://127.0.0.1",
    // Tests make many writes quickly; the rate limit tests turn limits back on explicitly.
    PLENUM_RATE_LIMITS: "off",
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const runtime = await createRuntime(loaded.config, { database: await createTestDatabase() });
  const app = await buildApp(runtime);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  const origin = `http://127.0.0.1:${address.port}`;
  const client = (jwt?: string) => new LemmyHttp(origin, jwt ? { headers: { Authorization: `Bearer ${jwt}` } } : {});
  return {
    origin,
    runtime,
    app,
    client,
    async user(name) {
      const response = await client().register({
        username: name,
        password: TEST_PASSWORD,
        password_verify: TEST_PASSWORD,
      });
      if (!response.jwt) throw new Error(`registering ${name} gave no token`);
      return { client: client(response.jwt), jwt: response.jwt, name };
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
