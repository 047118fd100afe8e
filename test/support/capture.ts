// A stand-in remote server for outbound federation tests: it accepts every POST (202), keeps
// what arrived, and serves nothing else. Deliveries reach it signed through the real queue.
import { createServer, type IncomingMessage } from "node:http";

export interface CapturedRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

export interface CaptureServer {
  origin: string;
  requests: CapturedRequest[];
  /** The captured activities POSTed to one path. */
  at(path: string): Record<string, unknown>[];
  /** Answers every later POST with this status (a failing server: 500; 202 accepts again), or
   *  "never": keeps the request open without an answer (a hanging server) until close(). */
  answerWith(status: number | "never"): void;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let status: number | "never" = 202;
  const server = createServer(async (request, response) => {
    if (request.method !== "POST") {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      requests.push({ path: request.url ?? "", headers: request.headers, body });
      if (status !== "never") response.writeHead(status).end();
    } catch {
      response.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    at: (path) => requests.filter((r) => r.path === path).map((r) => r.body),
    answerWith(next) {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
