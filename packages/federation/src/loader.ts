// Document loaders with bounds. Fedify's built-in loader follows redirects (bounded) and refuses
// private addresses, but reads any body in full and waits as long as the remote server likes;
// a hostile or broken server could hold a worker or exhaust memory. These loaders add a time
// limit and a size limit to every remote fetch Fedify makes on our behalf.
import {
  createActivityPubRequest,
  type DocumentLoader,
  FetchError,
  getAuthenticatedDocumentLoader,
  getRemoteDocument,
  type KvStore,
  kvCache,
  preloadedContexts,
  type RemoteDocument,
  validatePublicUrl,
} from "@fedify/fedify";

/** Milliseconds a remote fetch may take, redirects included. Mastodon allows 10 s per request
 *  (HTTP::Request timeouts); actors and objects are small, so slower servers are broken ones. */
export const FETCH_TIMEOUT_MS = 10_000;
/** Largest remote document read, in bytes. Real actors and posts are a few kB; Lemmy's biggest
 *  fixtures are under 20 kB. 2 MiB leaves room for long posts and big collections pages. */
export const FETCH_MAX_BYTES = 2 * 1024 * 1024;
/** Redirects followed per fetch (Fedify's own default is 20; one or two are normal). */
export const FETCH_MAX_REDIRECTS = 5;

export interface LoaderOptions {
  allowPrivateAddress: boolean;
  userAgent: string;
  timeoutMs?: number;
  maxBytes?: number;
}

function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Reads at most maxBytes of a response body, failing (and cancelling the download) beyond. */
async function readBounded(url: string, response: Response, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError(url, `document over ${maxBytes} bytes (${declared} declared)`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new FetchError(url, `document over ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A bounded GET: public addresses only (unless allowed), manual redirects up to the limit, the
 *  body read up to maxBytes (null when the status is not 2xx). */
async function fetchBounded(
  request: (url: string) => Request,
  url: string,
  options: LoaderOptions,
  signal: AbortSignal,
  redirects = 0,
): Promise<{ url: string; response: Response; body: Uint8Array<ArrayBuffer> | null }> {
  if (!options.allowPrivateAddress) await validatePublicUrl(url);
  const response = await fetch(request(url), { redirect: "manual", signal });
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status < 400 && location) {
    await response.body?.cancel();
    if (redirects >= FETCH_MAX_REDIRECTS) throw new FetchError(url, `more than ${FETCH_MAX_REDIRECTS} redirects`);
    return fetchBounded(request, new URL(location, url).href, options, signal, redirects + 1);
  }
  if (!response.ok) await response.body?.cancel();
  const body = response.ok ? await readBounded(url, response, options.maxBytes ?? FETCH_MAX_BYTES) : null;
  return { url: response.url || url, response, body };
}

/** An unauthenticated loader: public addresses only (unless allowed), bounded time and size. */
export function boundedDocumentLoader(options: LoaderOptions): DocumentLoader {
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const request = (url: string) => createActivityPubRequest(url, { userAgent: options.userAgent });
  async function load(url: string, signal: AbortSignal, redirects: number): Promise<RemoteDocument> {
    if (url in preloadedContexts) {
      return { contextUrl: null, documentUrl: url, document: preloadedContexts[url] };
    }
    const fetched = await fetchBounded(request, url, options, signal, redirects);
    // Fedify's own parser handles content types, Link headers and alternates from here.
    const bounded = new Response(fetched.body, { status: fetched.response.status, headers: fetched.response.headers });
    Object.defineProperty(bounded, "url", { value: fetched.url });
    return getRemoteDocument(url, bounded, (next: string) => load(next, signal, redirects + 1));
  }
  return (url, loaderOptions) => load(url, withTimeout(loaderOptions?.signal, timeoutMs), 0);
}

/**
 * A plain JSON document (NodeInfo, not ActivityPub) under the same bounds as the loaders: null
 * when the server answers with an error status or something that is not JSON.
 */
export async function fetchBoundedJson(url: string, options: LoaderOptions): Promise<unknown> {
  const request = (target: string) =>
    new Request(target, { headers: { Accept: "application/json", "User-Agent": options.userAgent } });
  const { body } = await fetchBounded(
    request,
    url,
    options,
    AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS),
  );
  if (body === null) return null;
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return null;
  }
}

/** How long fetched documents are cached in the KvStore, as Fedify's built-in loader does. */
export function cachedDocumentLoader(kv: KvStore, options: LoaderOptions): DocumentLoader {
  return kvCache({ loader: boundedDocumentLoader(options), kv });
}

/**
 * The signed loader Fedify uses for authorized fetch: Fedify's own, limited in time. (Its body
 * is read by Fedify; the time limit bounds how much a slow sender can push.)
 */
export function boundedAuthenticatedLoader(
  identity: Parameters<typeof getAuthenticatedDocumentLoader>[0],
  options: LoaderOptions,
): DocumentLoader {
  const inner = getAuthenticatedDocumentLoader(identity, {
    allowPrivateAddress: options.allowPrivateAddress,
    userAgent: options.userAgent,
  });
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  return (url, loaderOptions) => inner(url, { signal: withTimeout(loaderOptions?.signal, timeoutMs) });
}

/**
 * The status a server answers for an ActivityPub GET of `url`, fresh (no cache) and under the
 * same bounds; null when it cannot be reached. Used to confirm an actor is gone (410).
 */
export async function fetchBoundedStatus(url: string, options: LoaderOptions): Promise<number | null> {
  const request = (target: string) => createActivityPubRequest(target, { userAgent: options.userAgent });
  try {
    const { response } = await fetchBounded(
      request,
      url,
      options,
      AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS),
    );
    return response.status;
  } catch {
    return null;
  }
}
