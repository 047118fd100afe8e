// `npm test`: provides a PostgreSQL server, then runs Jest against it.
//
// Every test file gets its own database, created as a copy of a template that is migrated once
// here (test/support/database.ts), so tests never share rows and never pay for migrations.
//
// Where the server comes from, in order:
//   1. DATABASE_URL is set: that server (connected to as given, so it needs the CREATEDB
//      privilege). The template and every test database get names unique to this run and are
//      dropped afterwards.
//   2. PostgreSQL server binaries (initdb and pg_ctl on PATH, else the newest
//      /usr/lib/postgresql/*/bin): a throwaway cluster in a temporary directory, stopped and
//      deleted afterwards.
//   3. Neither: embedded PGlite, one in-memory instance per test database (slower, and it is
//      PostgreSQL 18 rather than the 15 we deploy on).
// PLENUM_TEST_FORCE_EMBEDDED=1 skips 1 and 2 (to check that the PGlite fallback still works).
//
// Extra arguments are passed to Jest: `npm test -- test/integration/kv.test.ts -t cas`.
// This runs on the Node 24 that npm scripts put first on PATH (the `node` devDependency).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { access, appendFile, chown, constants as fsConstants, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { constants, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrateToLatest, openDatabase } from "@plenum/core";
import { adminQuery, databaseUrl, quoteIdent, TEST_DATABASE_PREFIX } from "./support/admin.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const jestBin = join(repoRoot, "node_modules", "jest", "bin", "jest.js");

/** Attempts at starting the throwaway cluster: the free port we pick can be taken by another
 *  process before the server binds it, and a fresh port almost always fixes that. */
const START_ATTEMPTS = 3;

interface PgBinaries {
  initdb: string;
  pgCtl: string;
}

interface Cluster {
  dir: string;
  dataDir: string;
  binaries: PgBinaries;
  asPostgresUser: boolean;
  started: boolean;
}

/** What the cleanup must undo; filled in as setup proceeds so a signal mid-setup undoes just that. */
const state: {
  cluster: Cluster | null;
  externalAdminUrl: string | null;
  templateName: string | null;
  runId: string;
  jest: ChildProcess | null;
} = {
  cluster: null,
  externalAdminUrl: null,
  templateName: null,
  runId: randomBytes(4).toString("hex"),
  jest: null,
};

async function main(): Promise<number> {
  installSignalHandlers();
  const env: NodeJS.ProcessEnv = { ...process.env, PLENUM_TEST_RUN_ID: state.runId };
  // Tests get their databases from test/support/database.ts; a DATABASE_URL left in their
  // environment could only make something touch a real database by accident.
  delete env.DATABASE_URL;
  delete env.PLENUM_TEST_ADMIN_URL;
  delete env.PLENUM_TEST_TEMPLATE_DB;
  delete env.PLENUM_TEST_EMBEDDED;

  const binaries = process.env.DATABASE_URL ? null : await findPgBinaries();
  if (process.env.PLENUM_TEST_FORCE_EMBEDDED === "1") {
    console.log("test/run: PLENUM_TEST_FORCE_EMBEDDED=1, so tests use embedded PGlite instead of PostgreSQL.");
    env.PLENUM_TEST_EMBEDDED = "1";
  } else if (process.env.DATABASE_URL) {
    const adminUrl = process.env.DATABASE_URL;
    state.externalAdminUrl = adminUrl;
    const templateName = `plenum_template_${state.runId}`;
    await createTemplate(adminUrl, templateName);
    console.log(`test/run: using the PostgreSQL server of DATABASE_URL (template database ${templateName}).`);
    env.PLENUM_TEST_ADMIN_URL = adminUrl;
    env.PLENUM_TEST_TEMPLATE_DB = templateName;
  } else if (binaries) {
    const adminUrl = await startCluster(binaries);
    await createTemplate(adminUrl, "plenum_template");
    env.PLENUM_TEST_ADMIN_URL = adminUrl;
    env.PLENUM_TEST_TEMPLATE_DB = "plenum_template";
  } else {
    console.log(
      "test/run: no PostgreSQL server binaries found (initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin) " +
        "and no DATABASE_URL, so tests fall back to embedded PGlite (slower; PostgreSQL 18, not 15).",
    );
    env.PLENUM_TEST_EMBEDDED = "1";
  }
  checkNotStopping();
  return runJest(env);
}

function runJest(env: NodeJS.ProcessEnv): Promise<number> {
  const args = [
    // Jest needs VM modules for native ESM; its warning about them being experimental is noise here.
    "--experimental-vm-modules",
    "--disable-warning=ExperimentalWarning",
    jestBin,
    ...process.argv.slice(2),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: "inherit" });
    state.jest = child;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      state.jest = null;
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Finding and running the PostgreSQL server binaries.

async function findPgBinaries(): Promise<PgBinaries | null> {
  const initdb = await findOnPath("initdb");
  const pgCtl = await findOnPath("pg_ctl");
  if (initdb && pgCtl) return { initdb, pgCtl };
  // Debian and Ubuntu keep the server binaries off PATH, one directory per major version.
  const root = "/usr/lib/postgresql";
  const versions = (await readdir(root).catch(() => [] as string[]))
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const version of versions) {
    const bin = join(root, version, "bin");
    const candidate = { initdb: join(bin, "initdb"), pgCtl: join(bin, "pg_ctl") };
    if ((await isExecutable(candidate.initdb)) && (await isExecutable(candidate.pgCtl))) return candidate;
  }
  return null;
}

async function findOnPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function startCluster(binaries: PgBinaries): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "plenum-test-pg-"));
  // initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
  const asPostgresUser = process.getuid?.() === 0;
  const cluster: Cluster = { dir, dataDir: join(dir, "data"), binaries, asPostgresUser, started: false };
  state.cluster = cluster;
  if (asPostgresUser) {
    const { uid, gid } = await postgresUser();
    await chown(dir, uid, gid);
  }
  await runAsOwner(cluster, binaries.initdb, [
    "-D",
    cluster.dataDir,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    // The cluster is deleted after the run; syncing its files to disk would only cost time.
    "--no-sync",
  ]);
  checkNotStopping();
  // Settings go into postgresql.conf rather than pg_ctl -o, which passes its string through a
  // shell: no quoting trouble with the temporary directory's path.
  const socketDir = `'${dir.replaceAll("'", "''")}'`;
  await appendFile(
    join(cluster.dataDir, "postgresql.conf"),
    [
      "",
      "# test/run.ts: a throwaway cluster for the test suite.",
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = ${socketDir}`,
      // Durability is worthless for a cluster deleted after the run; without fsync commits are cheaper.
      "fsync = off",
      // Every test database has its own pool (up to 10 connections each, several per federation
      // test), in several Jest workers at once; PostgreSQL's default of 100 is too tight.
      "max_connections = 200",
      "",
    ].join("\n"),
  );
  for (let attempt = 1; ; attempt++) {
    checkNotStopping();
    const port = await freePort();
    // Set before starting: if pg_ctl is interrupted, the server may be up all the same.
    cluster.started = true;
    try {
      await runAsOwner(cluster, binaries.pgCtl, [
        "start",
        "-D",
        cluster.dataDir,
        "-l",
        join(dir, "server.log"),
        "-o",
        `-p ${port}`,
        "-w",
        "-s",
      ]);
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    } catch (error) {
      checkNotStopping();
      const log = await readFile(join(dir, "server.log"), "utf8").catch(() => "");
      if (attempt >= START_ATTEMPTS) {
        throw new Error(`PostgreSQL did not start; server.log ends with:\n${log.slice(-2000)}`, { cause: error });
      }
    }
  }
}

async function stopCluster(cluster: Cluster): Promise<void> {
  // postmaster.pid exists exactly while a server runs on the data directory.
  if (cluster.started && (await exists(join(cluster.dataDir, "postmaster.pid")))) {
    // Immediate mode skips the shutdown checkpoint: nothing in this cluster is worth keeping.
    await runAsOwner(cluster, cluster.binaries.pgCtl, [
      "stop",
      "-D",
      cluster.dataDir,
      "-m",
      "immediate",
      "-w",
      "-s",
    ]).catch((error: unknown) => console.error(`test/run: could not stop PostgreSQL: ${String(error)}`));
    cluster.started = false;
  }
  await rm(cluster.dir, { recursive: true, force: true });
}

async function runAsOwner(cluster: Cluster, command: string, args: string[]): Promise<void> {
  const [file, fileArgs] = cluster.asPostgresUser
    ? ["runuser", ["-u", "postgres", "--", command, ...args]]
    : [command, args];
  let output = "";
  const child = spawn(file, fileArgs, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode, signal) => resolve(exitCode ?? 128 + signalNumber(signal)));
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output.trim()}`);
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const entry = passwd.split("\n").find((line) => line.startsWith("postgres:"));
  const [, , uid, gid] = entry?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      "running as root, initdb needs the `postgres` user (created by the Debian postgresql packages), which does not exist",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/** A TCP port that is free right now (the kernel picks it for a listener on port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The template database.

async function createTemplate(adminUrl: string, name: string): Promise<void> {
  await adminQuery(adminUrl, `create database ${quoteIdent(name)}`);
  state.templateName = name;
  checkNotStopping();
  const handle = await openDatabase({ kind: "postgres", url: databaseUrl(adminUrl, name), poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template (after waiting
    // up to 5 s for such sessions to end, which covers this pool's connections still closing).
    await handle.close();
  }
}

/** Drops the template and any test database a killed test left behind on an external server. */
async function dropRunDatabases(adminUrl: string): Promise<void> {
  const rows = await adminQuery<{ datname: string }>(
    adminUrl,
    "select datname from pg_database where datname = $1 or starts_with(datname, $2)",
    [state.templateName ?? "", `${TEST_DATABASE_PREFIX}${state.runId}_`],
  );
  for (const { datname } of rows) {
    await adminQuery(adminUrl, `drop database if exists ${quoteIdent(datname)} with (force)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup, on every way out.

let cleanedUp: Promise<void> | null = null;
/** The first SIGINT/SIGTERM received; setup stops at its next step, Jest is asked to stop. */
let stopSignal: NodeJS.Signals | null = null;

/** Throws when a signal arrived, so setup ends between steps (never halfway through one). */
function checkNotStopping(): void {
  if (stopSignal) throw new Interrupted(stopSignal);
}

class Interrupted extends Error {
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
  }
}

function cleanup(): Promise<void> {
  cleanedUp ??= (async () => {
    if (state.externalAdminUrl && state.templateName) {
      await dropRunDatabases(state.externalAdminUrl).catch((error: unknown) =>
        console.error(`test/run: could not drop this run's databases: ${String(error)}`),
      );
    }
    if (state.cluster) await stopCluster(state.cluster);
  })();
  return cleanedUp;
}

function installSignalHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (!stopSignal) {
        stopSignal = signal;
        // Jest stops on its own (a terminal's Ctrl-C reaches it directly too); main() then
        // cleans up and exits with its code. Without Jest running yet, setup stops at its next step.
        state.jest?.kill(signal);
      } else {
        // A second signal: the user means it.
        state.jest?.kill("SIGKILL");
      }
    });
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 1) : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  // A terminal's Ctrl-C also reaches initdb or pg_ctl, which may fail before our own handler has
  // run; let it run, so such a failure counts as the interruption it is.
  await new Promise((resolve) => setImmediate(resolve));
  if (stopSignal) exitCode = 128 + signalNumber(stopSignal);
  else console.error("test/run:", error instanceof Error ? (error.stack ?? error.message) : error);
} finally {
  await cleanup();
}
process.exit(exitCode);
