// Real Plenum instances for federation tests: each has its own database, listens on its own
// loopback port, and runs its own worker, so activities really travel signed over HTTP through
// the durable queue. PLENUM_ALLOW_PRIVATE_ADDRESS is on only here (loopback).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import {
  type Db,
  findCommunityByApId,
  findFollow,
  findLocalPersonByName,
  findPersonByApId,
  findPostByApId,
} from "@plenum/core";
import {
  type AdminOutcome,
  buildApp,
  createRuntime,
  loadConfig,
  type Runtime,
  runAdminCommand,
  runWorker,
} from "@plenum/server";
import type { FastifyInstance } from "fastify";
import { LemmyHttp } from "lemmy-js-client";
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from "./database.ts";
import { waitUntil } from "./wait.ts";

const WORKER_SCRIPT = new URL("../../packages/server/src/bin/worker.ts", import.meta.url).pathname;

/** An instance's worker running as its own process (`npm run worker`). */
export interface WorkerProcess {
  child: ChildProcess;
  /** What it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Kills it at once (SIGKILL: no graceful shutdown, leased messages stay leased) and waits for its exit. */
  kill(): Promise<void>;
}

/** The password every test user gets. */
export const INSTANCE_PASSWORD = "correct horse battery";

export interface TestInstance {
  origin: string;
  runtime: Runtime;
  app: FastifyInstance;
  database: TestDatabase;
  /** Runs an admin CLI command in-process; throws if it fails. */
  admin(...argv: string[]): Promise<string>;
  /** A Lemmy API client for this instance, logged in when a JWT is given. */
  client(jwt?: string): LemmyHttp;
  /** Creates a local user (admin with admin: true) and returns a client logged in as them. */
  user(name: string, options?: { admin?: boolean }): Promise<LemmyHttp>;
  /** Stops serving and working, then starts again on the same port and database (a process restart). */
  restart(): Promise<void>;
  startWorker(): void;
  stopWorker(): Promise<void>;
  /**
   * Runs this instance's worker as a separate process on the same database and settings (start
   * the instance with worker: false). Needs PostgreSQL: PGlite lives inside the test process.
   */
  startWorkerProcess(): WorkerProcess;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the OS picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface StartOptions {
  /** Start without the worker (to inspect what a command left in the queue). */
  worker?: boolean;
  /** More settings, as environment variables (e.g. PLENUM_DEAD_SERVER_AFTER_SECONDS). */
  env?: Record<string, string>;
}

export async function startInstance(options: StartOptions = {}): Promise<TestInstance> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: "127.0.0.1",
    PLENUM_ORIGIN: origin,
    PLENUM_ALLOW_PRIVATE_ADDRESS: "true",
    LOG_LEVEL: process.env.PLENUM_TEST_LOG_LEVEL ?? "error",
    // Tests act quickly and in bulk; rate limits have their own tests.
    PLENUM_RATE_LIMITS: "off",
    ...options.env,
  };
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const config = loaded.config;
  const database = await createTestDatabase();
  let runtime = await createRuntime(config, { database });
  let app = await buildApp(runtime);
  await app.listen({ port, host: "127.0.0.1" });
  let controller: AbortController | null = null;
  let worker: Promise<void> | null = null;

  const instance: TestInstance = {
    origin,
    runtime,
    app,
    database,
    async restart() {
      const hadWorker = worker !== null;
      await app.close();
      await instance.stopWorker();
      // The database stays; everything held in memory is built anew, as in a new process.
      runtime = await createRuntime(config, { database });
      app = await buildApp(runtime);
      await app.listen({ port, host: "127.0.0.1" });
      instance.runtime = runtime;
      instance.app = app;
      if (hadWorker) instance.startWorker();
    },
    async admin(...argv) {
      const outcome: AdminOutcome = await runAdminCommand(runtime, argv);
      if (!outcome.ok) throw new Error(`admin ${argv.join(" ")} failed: ${outcome.message}`);
      return outcome.message;
    },
    client(jwt) {
      return new LemmyHttp(origin, jwt ? { headers: { Authorization: `Bearer ${jwt}` } } : {});
    },
    async user(name, options = {}) {
      await instance.admin("create-user", name, "--password", INSTANCE_PASSWORD, ...(options.admin ? ["--admin"] : []));
      const { jwt } = await instance.client().login({ username_or_email: name, password: INSTANCE_PASSWORD });
      if (!jwt) throw new Error(`logging in as ${name} gave no token`);
      return instance.client(jwt);
    },
    startWorker() {
      if (worker) return;
      controller = new AbortController();
      worker = runWorker(runtime, controller.signal);
    },
    async stopWorker() {
      controller?.abort();
      await worker;
      controller = null;
      worker = null;
    },
    startWorkerProcess() {
      const child = spawn(process.execPath, [WORKER_SCRIPT], {
        env: { ...process.env, ...env, DATABASE_URL: testDatabaseUrl(database) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout?.on("data", (chunk) => (output += chunk));
      child.stderr?.on("data", (chunk) => (output += chunk));
      return {
        child,
        output: () => output,
        async kill() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, "exit");
          child.kill("SIGKILL");
          await exited;
        },
      };
    },
    async stop() {
      await app.close();
      await instance.stopWorker();
      await runtime.close();
    },
  };
  if (options.worker !== false) instance.startWorker();
  return instance;
}

/** `name` on `instance` follows the community at `communityUrl`; resolves once the follow is accepted. */
export async function followAccepted(instance: TestInstance, name: string, communityUrl: string): Promise<void> {
  await instance.admin("follow", name, communityUrl);
  const db = instance.runtime.database.db;
  const person = await findLocalPersonByName(db, name);
  const community = await findCommunityByApId(db, communityUrl);
  if (!person || !community) throw new Error("follow did not store the community");
  await waitUntil(
    async () => (await findFollow(db, community.id, person.id))?.state === "accepted",
    `${name}'s follow to be accepted`,
  );
}

/** An instance's database. */
export const dbOf = (instance: TestInstance): Db => instance.runtime.database.db;

/** The row an instance holds for an ActivityPub id; a test's precondition, so none throws. */
async function heldBy<Row>(
  instance: TestInstance,
  apId: string,
  find: (db: Db, apId: string) => Promise<Row | undefined>,
) {
  const row = await find(dbOf(instance), apId);
  if (!row) throw new Error(`${instance.origin} does not know ${apId}`);
  return row;
}

export const communityOn = (instance: TestInstance, apId: string) => heldBy(instance, apId, findCommunityByApId);
export const postOn = (instance: TestInstance, apId: string) => heldBy(instance, apId, findPostByApId);
export const personOn = (instance: TestInstance, apId: string) => heldBy(instance, apId, findPersonByApId);
