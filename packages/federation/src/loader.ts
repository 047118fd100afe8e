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

/** An unauthenticated loader: public addresses only (unless allowed), bounded time and size. */
export function boundedDocumentLoader(options: LoaderOptions): DocumentLoader {
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? FETCH_MAX_BYTES;
  async function load(url: string, signal: AbortSignal, redirects: number): Promise<RemoteDocument> {
    if (url in preloadedContexts) {
      return { contextUrl: null, documentUrl: url, document: preloadedContexts[url] };
    }
    if (!options.allowPrivateAddress) await validatePublicUrl(url);
    const response = await fetch(createActivityPubRequest(url, { userAgent: options.userAgent }), {
      redirect: "manual",
      signal,
    });
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (redirects >= FETCH_MAX_REDIRECTS) throw new FetchError(url, `more than ${FETCH_MAX_REDIRECTS} redirects`);
      return load(new URL(location, url).href, signal, redirects + 1);
    }
    const body = response.ok ? await readBounded(url, response, maxBytes) : null;
    // Fedify's own parser handles content types, Link headers and alternates from here.
    const bounded = new Response(body, { status: response.status, headers: response.headers });
    Object.defineProperty(bounded, "url", { value: response.url || url });
    return getRemoteDocument(url, bounded, (next: string) => load(next, signal, redirects + 1));
  }
  return (url, loaderOptions) => load(url, withTimeout(loaderOptions?.signal, timeoutMs), 0);
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
