// The real entry points as separate processes: `npm start`'s script serves and works, and stops
// cleanly on SIGTERM; the admin CLI reports bad input with a non-zero exit.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createTestDatabase, postgresAvailable, type TestDatabase, testDatabaseUrl } from "../support/database.ts";
import { waitUntil } from "../support/wait.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const script = (name: string) => `${ROOT}packages/server/src/bin/${name}.ts`;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

function run(name: string, args: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [script(name), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return Object.assign(child, { output: () => output });
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, "exit");
  return code as number | null;
}

// Other processes cannot reach the in-process PGlite of the fallback, so these need PostgreSQL.
const describeWithServer = postgresAvailable() ? describe : describe.skip;

describeWithServer("entry points as processes", () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: testDatabaseUrl(database), LOG_LEVEL: "warn" };
  });

  afterAll(async () => {
    await database?.close();
  });

  test("the admin CLI creates a user and refuses a duplicate with exit code 1", async () => {
    const first = run("admin", ["create-user", "carol", "--password", "correct horse battery"], env);
    expect(await exitCode(first)).toBe(0);
    expect(first.output()).toContain("Created user carol");
    const again = run("admin", ["create-user", "carol", "--password", "correct horse battery"], env);
    expect(await exitCode(again)).toBe(1);
    expect(again.output()).toContain("A user called carol already exists.");
  });

  test("a bad setting stops start-up with a clear message", async () => {
    const child = run("start", [], { ...env, PORT: "not-a-port" });
    expect(await exitCode(child)).toBe(78);
    expect(child.output()).toContain("PORT: must be a number");
  });

  test("npm start's process serves, then finishes and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const child = run("start", [], { ...env, PORT: String(port), LOG_LEVEL: "info" });
    try {
      await waitUntil(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        return response?.status === 200;
      }, "the server to answer /healthz");
      expect(child.output()).toContain(`Plenum is running at http://localhost:${port}`);
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
      expect(child.output()).toContain('"msg":"stopped"');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
