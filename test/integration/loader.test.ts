// Remote fetches are bounded: a real HTTP server on loopback plays a misbehaving remote server.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { boundedDocumentLoader } from "../../packages/federation/src/loader.ts";

const ACTOR = { "@context": "https://www.w3.org/ns/activitystreams", id: "x", type: "Person" };

describe("the bounded document loader", () => {
  let server: Server;
  let base: string;
  const pending: Array<() => void> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const send = (status: number, body: string, headers: Record<string, string> = {}) => {
        response.writeHead(status, { "content-type": "application/activity+json", ...headers });
        response.end(body);
      };
      switch (request.url) {
        case "/actor":
          return send(200, JSON.stringify(ACTOR));
        case "/huge-declared":
          return send(200, JSON.stringify({ ...ACTOR, padding: "x".repeat(64 * 1024) }));
        case "/huge-chunked": {
          // No content-length: the limit must hold while streaming.
          response.writeHead(200, { "content-type": "application/activity+json" });
          for (let i = 0; i < 100; i++) response.write("x".repeat(1024));
          return response.end();
        }
        case "/slow":
          // Never answers until the test ends.
          pending.push(() => send(200, JSON.stringify(ACTOR)));
          return;
        case "/loop":
          return send(302, "", { location: "/loop" });
        case "/redirect":
          return send(301, "", { location: "/actor" });
        default:
          return send(404, "{}");
      }
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("no address");
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const release of pending) release();
    server.closeAllConnections();
    server.close();
  });

  const loader = () =>
    boundedDocumentLoader({ allowPrivateAddress: true, userAgent: "test", timeoutMs: 300, maxBytes: 16 * 1024 });

  test("loads an ordinary document and follows a redirect", async () => {
    expect((await loader()(`${base}/actor`)).document).toEqual(ACTOR);
    const redirected = await loader()(`${base}/redirect`);
    expect(redirected.document).toEqual(ACTOR);
  });

  test("refuses a body over the size limit, declared or streamed", async () => {
    await expect(loader()(`${base}/huge-declared`)).rejects.toThrow(/over 16384 bytes/);
    await expect(loader()(`${base}/huge-chunked`)).rejects.toThrow(/over 16384 bytes/);
  });

  test("gives up on a server that does not answer", async () => {
    await expect(loader()(`${base}/slow`)).rejects.toThrow();
  });

  test("stops following a redirect loop", async () => {
    await expect(loader()(`${base}/loop`)).rejects.toThrow(/redirects/);
  });

  test("reports an error status", async () => {
    await expect(loader()(`${base}/missing`)).rejects.toThrow(/404/);
  });

  test("refuses private addresses unless allowed", async () => {
    const guarded = boundedDocumentLoader({ allowPrivateAddress: false, userAgent: "test" });
    await expect(guarded(`${base}/actor`)).rejects.toThrow();
  });
});
