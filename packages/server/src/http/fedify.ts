// Mounts Fedify in front of Fastify's routes. We do not use the upstream @fedify/fastify adapter:
// it wraps the raw request in a web stream eagerly, which stalls large form posts to ordinary
// routes (stack-verified.md §3). Here the body is read lazily, and only inbox posts reach Fedify.
import type { IncomingMessage } from "node:http";
import {
  type FederationContextData,
  instanceActorResponse,
  type PlenumFederation,
  withGoneStatus,
} from "@plenum/federation";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Largest inbox body accepted, in bytes. Lemmy's and Mastodon's activities are a few kB; 1 MiB
 *  leaves room for long posts while bounding memory per request. */
export const INBOX_BODY_LIMIT_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {}

/** A pull-based stream over the raw request: nothing is read unless Fedify reads the body. */
function lazyBody(raw: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  const iterator = raw[Symbol.asyncIterator]();
  let received = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        const chunk = value as Buffer;
        received += chunk.length;
        if (received > limit) {
          controller.error(new BodyTooLargeError(`request body over ${limit} bytes`));
          raw.destroy();
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      },
      cancel() {
        raw.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Which requests Fedify may answer: discovery, NodeInfo, inbox posts, and ActivityPub reads. */
function isFederationRequest(request: FastifyRequest): boolean {
  const path = request.url.split("?", 1)[0] ?? "";
  if (path.startsWith("/.well-known/") || path.startsWith("/nodeinfo/")) return true;
  if (request.method === "POST") return path === "/inbox" || path.endsWith("/inbox");
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  // Browsers ask for HTML: let Fastify's page routes answer without a detour through Fedify.
  const accept = request.headers.accept ?? "";
  return accept.includes("activity+json") || accept.includes("ld+json") || accept.includes("application/json");
}

function toWebRequest(request: FastifyRequest, limit: number): Request {
  const url = `${request.protocol}://${request.host}${request.url}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, String(value));
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(url, {
    method: request.method,
    headers,
    body: hasBody ? lazyBody(request.raw, limit) : null,
    // Required by Node's fetch for a streamed request body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

export function mountFedify(
  app: FastifyInstance,
  federation: PlenumFederation,
  contextData: FederationContextData,
  bodyLimit = INBOX_BODY_LIMIT_BYTES,
): void {
  const notFound = new Response(null, { status: 404 });
  const notAcceptable = new Response(null, { status: 406 });
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isFederationRequest(request)) return;
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > bodyLimit) {
      return reply.code(413).send({ error: "payload_too_large" });
    }
    let response: Response;
    try {
      const webRequest = toWebRequest(request, bodyLimit);
      // Lemmy's site actor at the root and its outbox, which Fedify cannot route (instance-actor.ts).
      response =
        (await instanceActorResponse(federation, webRequest, contextData)) ??
        (await federation.fetch(webRequest, {
          contextData,
          onNotFound: () => notFound,
          onNotAcceptable: () => notAcceptable,
        }));
    } catch (error) {
      if (error instanceof BodyTooLargeError || (error as { cause?: unknown })?.cause instanceof BodyTooLargeError) {
        return reply.code(413).send({ error: "payload_too_large" });
      }
      throw error;
    }
    // Not ours (or a browser wanting HTML): fall through to Fastify's routes.
    if (response === notFound || response === notAcceptable) return;
    // A deleted post or comment is served as its Tombstone, with 410 Gone (federation/src/gone.ts).
    if (request.method === "GET" || request.method === "HEAD") response = await withGoneStatus(response);
    reply.code(response.status);
    response.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
  });
}
