// Fetching pages that people link to, safely. A post's URL is chosen by whoever writes the post,
// so fetching it must not become a way to reach the server's own network (SSRF) or to tie up a
// worker. Every fetch is bounded:
//
//   url ──► http(s) only ──► host is an IP literal? check it : resolve DNS at connect time and
//   check every address (no gap between check and connect: the socket uses the checked address)
//       ──► request (10 s overall, identity encoding) ──► 3xx? repeat for the Location (≤ 5)
//       ──► read at most 1 MiB of the body, stopping early at </head> for HTML
//
// Private, loopback, link-local and other special-purpose addresses are refused unless the
// operator allows them (PLENUM_ALLOW_PRIVATE_ADDRESS, for tests and closed networks).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { err, ok, type Result } from "../result.ts";

/** Milliseconds a fetch may take in all, redirects included (Mastodon's and Fedify's bound). */
export const PUBLIC_FETCH_TIMEOUT_MS = 10_000;
/** Bytes of a body read at most: a page's <head> is rarely over 100 kB. */
export const PUBLIC_FETCH_MAX_BYTES = 1024 * 1024;
/** Redirects followed; each target is checked like the first URL. */
export const PUBLIC_FETCH_MAX_REDIRECTS = 5;

export type PublicFetchError =
  | { type: "invalid_url"; url: string }
  | { type: "blocked_address"; host: string; address: string }
  | { type: "too_many_redirects" }
  | { type: "http_error"; status: number }
  | { type: "network_error"; message: string };

export interface FetchedPage {
  /** The URL the body came from, after redirects. */
  url: string;
  status: number;
  /** The media type without parameters, lower case (`text/html`), or null without a header. */
  mediaType: string | null;
  /** The charset parameter of Content-Type, if any. */
  charset: string | null;
  /** The body read (empty unless readBody said yes), at most maxBytes. */
  body: Uint8Array;
}

export interface PublicFetchOptions {
  allowPrivateAddress: boolean;
  userAgent: string;
  accept?: string;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Whether to read the body of a response with this media type (default: always). */
  readBody?: (mediaType: string | null) => boolean;
  /** Stop reading once this byte sequence (ASCII, matched case-insensitively) has arrived. */
  stopAfter?: string;
}

/** Special-purpose address ranges (IANA registries for IPv4 and IPv6) that a fetch must not reach. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services live here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds any IPv4 address)
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/** The well-known NAT64 prefix 64:ff9b::/96 carries an IPv4 address in its last 32 bits. */
const NAT64_PREFIX = "64:ff9b::";

/**
 * Whether an IP address is an ordinary public unicast address. IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d) and NAT64 addresses are judged by the IPv4 address inside them.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, "ipv4");
  if (family !== 6) return false;
  let normalized: string;
  try {
    normalized = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return false;
  }
  if (normalized.startsWith(NAT64_PREFIX)) {
    const embedded = normalized.slice(NAT64_PREFIX.length);
    if (embedded === "" || embedded.includes("::")) return false;
    return isPublicAddress(`::ffff:${embedded}`);
  }
  return !NON_PUBLIC.check(normalized, "ipv6");
}

class BlockedAddressError extends Error {
  readonly host: string;
  readonly address: string;
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address`);
    this.host = host;
    this.address = address;
  }
}

/**
 * A DNS lookup for sockets that refuses hosts with any non-public address. The socket connects
 * to an address this function returned, so a DNS answer cannot change between check and use.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, "", 0);
      return;
    }
    const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
    const first = addresses[0];
    if (blocked || !first) {
      const failure = new BlockedAddressError(hostname, blocked?.address ?? "(none)");
      callback(failure as NodeJS.ErrnoException, "", 0);
      return;
    }
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else callback(null, first.address, first.family);
  });
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Fetches a URL with the bounds described at the top of this file. Never throws. */
export async function fetchPublicPage(
  url: string,
  options: PublicFetchOptions,
): Promise<Result<FetchedPage, PublicFetchError>> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? PUBLIC_FETCH_TIMEOUT_MS);
  const maxRedirects = options.maxRedirects ?? PUBLIC_FETCH_MAX_REDIRECTS;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let target: URL;
    try {
      target = new URL(current);
    } catch {
      return err({ type: "invalid_url", url: current });
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") return err({ type: "invalid_url", url: current });
    const literal = target.hostname.replace(/^\[(.*)\]$/, "$1");
    if (!options.allowPrivateAddress && isIP(literal) && !isPublicAddress(literal)) {
      return err({ type: "blocked_address", host: target.hostname, address: literal });
    }
    let response: IncomingMessage;
    try {
      response = await request(target, options, signal);
    } catch (error) {
      if (error instanceof BlockedAddressError) {
        return err({ type: "blocked_address", host: error.host, address: error.address });
      }
      return err({ type: "network_error", message: describe(error, signal) });
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECT_STATUSES.has(status) && location) {
      response.destroy();
      if (redirects >= maxRedirects) return err({ type: "too_many_redirects" });
      current = new URL(location, target).href;
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      return err({ type: "http_error", status });
    }
    const [mediaType, charset] = parseContentType(response.headers["content-type"]);
    if (options.readBody && !options.readBody(mediaType)) {
      response.destroy();
      return ok({ url: target.href, status, mediaType, charset, body: new Uint8Array() });
    }
    try {
      const body = await readBounded(response, options.maxBytes ?? PUBLIC_FETCH_MAX_BYTES, options.stopAfter);
      return ok({ url: target.href, status, mediaType, charset, body });
    } catch (error) {
      return err({ type: "network_error", message: describe(error, signal) });
    }
  }
}

function request(target: URL, options: PublicFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, {
      method: "GET",
      signal,
      headers: {
        "user-agent": options.userAgent,
        accept: options.accept ?? "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        // Compressed bodies would let a small download expand past the size bound unchecked.
        "accept-encoding": "identity",
      },
      ...(options.allowPrivateAddress ? {} : { lookup: publicOnlyLookup }),
    });
    req.on("response", resolve);
    req.on("error", (error) => {
      // Lookup failures may arrive wrapped (happy-eyeballs connects report an AggregateError).
      const inner = error instanceof AggregateError ? error.errors.find((e) => e instanceof BlockedAddressError) : null;
      reject(inner ?? error);
    });
    req.end();
  });
}

async function readBounded(response: IncomingMessage, maxBytes: number, stopAfter?: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  const needles = stopAfter ? [Buffer.from(stopAfter.toLowerCase()), Buffer.from(stopAfter.toUpperCase())] : [];
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      const room = maxBytes - total;
      const piece = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
      chunks.push(piece);
      total += piece.byteLength;
      if (total >= maxBytes) break;
      if (needles.length > 0) {
        // Look in the new piece plus enough of the previous bytes for a needle split across chunks.
        const tail = Buffer.concat(chunks.slice(-2));
        if (needles.some((needle) => tail.includes(needle))) break;
      }
    }
  } finally {
    response.destroy();
  }
  return Buffer.concat(chunks, total);
}

function parseContentType(header: string | undefined): [string | null, string | null] {
  if (!header) return [null, null];
  const [type, ...params] = header.split(";");
  const mediaType = type?.trim().toLowerCase() || null;
  let charset: string | null = null;
  for (const param of params) {
    const [key, value] = param.split("=");
    if (key?.trim().toLowerCase() === "charset" && value) charset = value.trim().replace(/^"|"$/g, "");
  }
  return [mediaType, charset];
}

function describe(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return "timed out";
  return error instanceof Error ? error.message : String(error);
}
