// A Mastodon-like server inside the test process, for federation tests with real Plenum
// instances (federation-wire-formats.md §3). It has Person actors with their own RSA keys,
// answers WebFinger for them, serves its statuses and activities at their ids as
// application/activity+json, and keeps what arrives at its inboxes, verifying the senders'
// signatures (draft-cavage or RFC 9421, both of which Mastodon accepts). It acts as Mastodon
// does: ids and addressing follow Mastodon's serializers (§3.1), and every request it makes is
// signed as Mastodon signs (draft-cavage `rsa-sha256`, headers `host date digest content-type
// (request-target)` for a POST, `host date (request-target)` for a GET; §3.2), with node:crypto.
//
// It is a test double of a whole remote server, not of Plenum: everything Plenum does in these
// tests (WebFinger, fetching actors and objects, signing, delivering) happens for real over HTTP.
import { createHash, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { getDocumentLoader, verifyRequest } from "@fedify/fedify";

export type Json = Record<string, unknown>;

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const AP = "application/activity+json";
const CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  "https://w3id.org/security/v1",
  { manuallyApprovesFollowers: "as:manuallyApprovesFollowers", sensitive: "as:sensitive" },
  { schema: "http://schema.org#", PropertyValue: "schema:PropertyValue", value: "schema:value" },
];

export interface PeerAccount {
  name: string;
  /** The actor id, https?://host/users/<name>. */
  id: string;
  /** acct-style handle without the leading @: name@host. */
  handle: string;
  inbox: string;
  followers: string;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface AccountOptions {
  displayName?: string;
  /** Shown as a profile field named "Pronouns"; the value may be HTML, as Mastodon stores it. */
  pronouns?: string;
  /** The actor type: Person (default), or Group/Service as Mastodon's group and bot accounts are. */
  type?: "Person" | "Group" | "Service";
}

/** Something that arrived at one of the peer's inboxes. */
export interface Received {
  path: string;
  activity: Json;
  /** The key id whose signature verified, or null if the signature did not (answered 401). */
  keyId: string | null;
}

export interface PeerFollow {
  /** The Follow as sent. */
  follow: Json;
  /** The followed actor's document (a Plenum Group, typically). */
  target: Json;
  /** The Accept that arrived for it, if one did; until then Mastodon keeps a FollowRequest. */
  accept: Json | null;
}

/** A status the peer published and serves; `activity` is its Create or, for a boost, Announce. */
export interface PeerStatus {
  id: string;
  account: PeerAccount;
  object: Json | null;
  activity: Json;
  /** Inboxes it was delivered to (where Updates, Deletes and Undos go as well). */
  inboxes: string[];
  deleted: boolean;
}

export interface DeliveryResult {
  inbox: string;
  status: number;
}

export interface MastodonPeer {
  origin: string;
  host: string;
  /** Everything POSTed to the peer's inboxes, in order of arrival. */
  received: Received[];
  follows: PeerFollow[];
  statuses: Map<string, PeerStatus>;
  /** Ids of embedded objects `announced` did not trust and fetched back, in order. */
  fetchedBack: string[];
  /** Creates a Person with a fresh RSA-2048 key pair. */
  account(name: string, options?: AccountOptions): PeerAccount;
  /** Changes an account's profile (as an Update(Person) would announce); the next fetch sees it. */
  updateProfile(account: PeerAccount, options: AccountOptions): void;
  /** Resolves acct:user@host as Mastodon does (first `self` link, `subject` required); the actor id. */
  webfinger(handle: string): Promise<string>;
  /** A signed GET of an ActivityPub document; its `id` must equal the URL (§3.3). */
  fetch(url: string, as?: PeerAccount): Promise<Json>;
  /** POSTs an activity, signed with `signer`'s key (default: the activity's actor's). */
  deliver(inbox: string, activity: Json, signer?: PeerAccount): Promise<DeliveryResult>;
  /** Follows an actor found by WebFinger handle; the Follow goes to the actor's own inbox. */
  follow(account: PeerAccount, handle: string): Promise<PeerFollow>;
  unfollow(account: PeerAccount, follow: PeerFollow): Promise<DeliveryResult[]>;
  /** The status an Announce shares, as Mastodon finds it: fetched by its URL, or by the id of an
   *  embedded object the announcer did not write (a Create is fetched back, then its object
   *  taken; §3.5). Throws where Mastodon would show nothing. */
  announced(announce: Json): Promise<Json>;
  /** A public reply, delivered to the parent's author (and mentioned actors) only, as Mastodon does. */
  reply(account: PeerAccount, parentUrl: string, text: string, options?: PostOptions): Promise<PeerStatus>;
  /** A public top-level Note mentioning `mentions` (actor ids), delivered to each of them. */
  post(account: PeerAccount, text: string, options?: PostOptions): Promise<PeerStatus>;
  update(status: PeerStatus, text: string): Promise<DeliveryResult[]>;
  delete(status: PeerStatus): Promise<DeliveryResult[]>;
  /** Favourites a status: a Like sent only to its author's inbox. */
  favourite(account: PeerAccount, objectUrl: string, options?: { id?: string }): Promise<ActivitySent>;
  /** Boosts a status: Announce{object: URL} to Public, cc the author and followers. */
  boost(account: PeerAccount, objectUrl: string): Promise<ActivitySent>;
  /** Undoes a favourite or a boost, to the same inboxes. */
  undo(account: PeerAccount, sent: ActivitySent): Promise<DeliveryResult[]>;
  close(): Promise<void>;
}

export interface PostOptions {
  /** Actor ids to mention (a Mention tag each, and delivery to each). */
  mentions?: string[];
  /** Send the Create's `to` as a bare string (some servers do; Mastodon sends arrays). */
  toAsString?: boolean;
  /** "direct": a private mention, to the mentioned accounts only, no Public (default "public"). */
  visibility?: "public" | "direct";
}

export interface ActivitySent {
  activity: Json;
  inboxes: string[];
  results: DeliveryResult[];
}

function sha256Base64(body: string): string {
  return createHash("sha256").update(body).digest("base64");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A request with exactly the headers given (fetch would not let us set Host and Date). */
function send(
  method: "GET" | "POST",
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, async (res) => {
      try {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res) });
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Mastodon's draft-cavage signature (app/lib/http_signature_draft.rb): the covered headers in
 *  the order given, `(request-target)` last, each line `name: value`, joined by newlines. */
function signHeaders(
  method: "GET" | "POST",
  url: URL,
  headers: Record<string, string>,
  signer: PeerAccount,
): Record<string, string> {
  const covered = Object.keys(headers).map((name) => name.toLowerCase());
  const lines = covered.map((name) => `${name}: ${headers[name] ?? ""}`);
  lines.push(`(request-target): ${method.toLowerCase()} ${url.pathname}${url.search}`);
  const signature = createSign("RSA-SHA256").update(lines.join("\n")).sign(signer.privateKeyPem, "base64");
  const header = `keyId="${signer.keyId}",algorithm="rsa-sha256",headers="${[...covered, "(request-target)"].join(" ")}",signature="${signature}"`;
  return { ...headers, signature: header };
}

export interface PeerOptions {
  /** The software its NodeInfo names (default "mastodon"); null for a server without NodeInfo. */
  software?: string | null;
}

export async function startMastodonPeer({ software = "mastodon" }: PeerOptions = {}): Promise<MastodonPeer> {
  const accounts = new Map<string, PeerAccount & AccountOptions>();
  const received: Received[] = [];
  const follows: PeerFollow[] = [];
  const statuses = new Map<string, PeerStatus>();
  const fetchedBack: string[] = [];
  let sequence = 0;
  // Fetches the senders' keys (Plenum actors on loopback addresses) to verify their signatures.
  const documentLoader = getDocumentLoader({ allowPrivateAddress: true });

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  const host = `127.0.0.1:${address.port}`;
  const origin = `http://${host}`;

  function json(response: ServerResponse, status: number, body: unknown, type = AP): void {
    response.writeHead(status, { "content-type": type }).end(JSON.stringify(body));
  }

  function actorJson(account: PeerAccount & AccountOptions): Json {
    return {
      "@context": CONTEXT,
      id: account.id,
      type: account.type ?? "Person",
      following: `${account.id}/following`,
      followers: account.followers,
      inbox: account.inbox,
      outbox: `${account.id}/outbox`,
      preferredUsername: account.name,
      name: account.displayName ?? account.name,
      summary: "",
      url: `${origin}/@${account.name}`,
      manuallyApprovesFollowers: false,
      published: "2026-01-01T00:00:00Z",
      publicKey: { id: account.keyId, owner: account.id, publicKeyPem: account.publicKeyPem },
      attachment: account.pronouns ? [{ type: "PropertyValue", name: "Pronouns", value: account.pronouns }] : [],
      endpoints: { sharedInbox: `${origin}/inbox` },
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", origin);
    if (request.method === "POST" && (url.pathname === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(url.pathname))) {
      const body = await readBody(request);
      if (body.length > 1024 * 1024) return void response.writeHead(413).end();
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const spec = headers.has("signature-input") ? "rfc9421" : "draft-cavage-http-signatures-12";
      const key = await verifyRequest(new Request(url, { method: "POST", headers, body }), {
        documentLoader,
        contextLoader: documentLoader,
        spec,
      });
      let activity: Json;
      try {
        activity = JSON.parse(body) as Json;
      } catch {
        return void response.writeHead(400).end();
      }
      received.push({ path: url.pathname, activity, keyId: key?.id?.href ?? null });
      // Mastodon answers 401 to a bad signature; Fedify then retries with the other spec.
      if (!key) return void response.writeHead(401).end();
      if (activity.type === "Accept") noteAccept(activity);
      return void response.writeHead(202).end();
    }
    if (request.method !== "GET") return void response.writeHead(405).end();
    // NodeInfo as Mastodon serves it: the discovery document, then 2.0 naming the software.
    if (url.pathname === "/.well-known/nodeinfo" && software !== null) {
      const rel = "http://nodeinfo.diaspora.software/ns/schema/2.0";
      return json(response, 200, { links: [{ rel, href: `${origin}/nodeinfo/2.0` }] }, "application/json");
    }
    if (url.pathname === "/nodeinfo/2.0" && software !== null) {
      const named = { name: software, version: "4.8.0-alpha.1" };
      const body = { version: "2.0", software: named, protocols: ["activitypub"], openRegistrations: false };
      return json(response, 200, body, 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"');
    }
    if (url.pathname === "/.well-known/webfinger") {
      const resource = url.searchParams.get("resource") ?? "";
      const name = /^acct:([^@]+)@(.+)$/.exec(resource);
      const account = name && name[2] === host ? accounts.get(name[1] ?? "") : undefined;
      if (!account) return void response.writeHead(404).end();
      return json(
        response,
        200,
        {
          subject: `acct:${account.handle}`,
          aliases: [account.id],
          links: [{ rel: "self", type: AP, href: account.id }],
        },
        "application/jrd+json",
      );
    }
    const actorPath = /^\/users\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const account = actorPath ? accounts.get(actorPath[1] ?? "") : undefined;
    if (!account) return void response.writeHead(404).end();
    const rest = actorPath?.[2] ?? "";
    if (rest === "") return json(response, 200, actorJson(account));
    if (rest === "/outbox" || rest === "/followers" || rest === "/following") {
      return json(response, 200, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${account.id}${rest}`,
        type: "OrderedCollection",
        totalItems: 0,
      });
    }
    const statusPath = /^\/statuses\/(\d+)(\/activity)?$/.exec(rest);
    const status = statusPath ? statuses.get(`${account.id}/statuses/${statusPath[1]}`) : undefined;
    if (!status) return void response.writeHead(404).end();
    if (status.deleted) return void response.writeHead(410).end();
    if (statusPath?.[2]) return json(response, 200, { "@context": CONTEXT, ...status.activity });
    if (!status.object) return void response.writeHead(404).end();
    return json(response, 200, { "@context": CONTEXT, ...status.object });
  }

  function noteAccept(accept: Json): void {
    const object = accept.object;
    const followId = typeof object === "string" ? object : (object as Json | undefined)?.id;
    const follow = follows.find((f) => f.follow.id === followId && f.target.id === accept.actor);
    if (follow) follow.accept = accept;
  }

  function account(name: string, options: AccountOptions = {}): PeerAccount {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const id = `${origin}/users/${name}`;
    const created = {
      name,
      id,
      handle: `${name}@${host}`,
      inbox: `${id}/inbox`,
      followers: `${id}/followers`,
      keyId: `${id}#main-key`,
      privateKeyPem: privateKey,
      publicKeyPem: publicKey,
      ...options,
    };
    accounts.set(name, created);
    return created;
  }

  function ownerOf(activity: Json): PeerAccount {
    const actor = String(activity.actor);
    const found = [...accounts.values()].find((a) => a.id === actor);
    if (!found) throw new Error(`no peer account ${actor}`);
    return found;
  }

  async function fetchJson(url: string, as?: PeerAccount): Promise<Json> {
    const target = new URL(url);
    const signer = as ?? accounts.values().next().value;
    const base = { host: target.host, date: new Date().toUTCString() };
    const headers = signer ? signHeaders("GET", target, base, signer) : base;
    const response = await send("GET", url, { ...headers, accept: `${AP}, application/ld+json` });
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
    const type = String(response.headers["content-type"] ?? "");
    if (!type.startsWith(AP) && !type.includes("activitystreams")) throw new Error(`GET ${url}: ${type}`);
    const document = JSON.parse(response.body) as Json;
    if (document.id !== url) throw new Error(`GET ${url}: id is ${String(document.id)}`);
    return document;
  }

  /**
   * What Mastodon makes of an announced object (announce.rb, fetch_remote_status_service.rb;
   * §3.5): a URL is fetched; an embedded object is trusted only when the announcer wrote it (a
   * self-boost), and anything else, an embedded Create or someone else's Page, is fetched back
   * by its id.
   */
  async function trustedOrFetched(object: unknown, announcer: unknown): Promise<Json> {
    if (typeof object === "string") return fetchJson(object);
    const embedded = object as Json;
    const author = embedded.type === "Create" ? embedded.actor : embedded.attributedTo;
    if (author === announcer) return embedded;
    fetchedBack.push(String(embedded.id));
    return fetchJson(String(embedded.id));
  }

  async function deliver(inbox: string, activity: Json, signer?: PeerAccount): Promise<DeliveryResult> {
    const body = JSON.stringify({ "@context": CONTEXT, ...activity });
    const target = new URL(inbox);
    const headers = signHeaders(
      "POST",
      target,
      {
        host: target.host,
        date: new Date().toUTCString(),
        digest: `SHA-256=${sha256Base64(body)}`,
        "content-type": AP,
      },
      signer ?? ownerOf(activity),
    );
    const response = await send("POST", inbox, headers, body);
    return { inbox, status: response.status };
  }

  /** Where Mastodon delivers to an actor: its shared inbox if it has one, else its inbox. */
  async function inboxOf(actorId: string): Promise<string> {
    const actor = await fetchJson(actorId);
    const endpoints = actor.endpoints as Json | undefined;
    return String(endpoints?.sharedInbox ?? actor.inbox);
  }

  async function deliverAll(inboxes: string[], activity: Json): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    for (const inbox of new Set(inboxes)) results.push(await deliver(inbox, activity));
    return results;
  }

  async function webfinger(handle: string): Promise<string> {
    const [, name, domain] = /^@?([^@]+)@(.+)$/.exec(handle) ?? [];
    if (!name || !domain) throw new Error(`not a handle: ${handle}`);
    const response = await send(
      "GET",
      `http://${domain}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${name}@${domain}`)}`,
      { host: domain, accept: "application/jrd+json" },
    );
    if (response.status !== 200) throw new Error(`WebFinger ${handle}: ${response.status}`);
    const jrd = JSON.parse(response.body) as { subject?: string; links?: Json[] };
    if (!jrd.subject) throw new Error(`WebFinger ${handle}: no subject`);
    // Mastodon ≥ 4.3 takes the first matching self link (app/lib/webfinger.rb).
    const self = jrd.links?.find(
      (link) =>
        link.rel === "self" &&
        (link.type === AP || link.type === 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'),
    );
    if (typeof self?.href !== "string") throw new Error(`WebFinger ${handle}: no self link`);
    return self.href;
  }

  function nextStatusId(account: PeerAccount): string {
    sequence += 1;
    return `${account.id}/statuses/${100000 + sequence}`;
  }

  /** Mastodon's HTML for a mention: an h-card link. */
  function mentionHtml(actor: Json): string {
    const name = String(actor.preferredUsername);
    return `<span class="h-card" translate="no"><a href="${escapeHtml(String(actor.url ?? actor.id))}" class="u-url mention">@<span>${escapeHtml(name)}</span></a></span>`;
  }

  async function publish(
    account: PeerAccount,
    text: string,
    inReplyTo: Json | null,
    options: PostOptions,
  ): Promise<PeerStatus> {
    const mentioned: Json[] = [];
    if (inReplyTo) mentioned.push(await fetchJson(String(inReplyTo.attributedTo), account));
    for (const id of options.mentions ?? []) {
      if (!mentioned.some((actor) => actor.id === id)) mentioned.push(await fetchJson(id, account));
    }
    const id = nextStatusId(account);
    const published = new Date().toISOString();
    // Public: to Public; cc the followers, every mentioned account, and a mentioned group's
    // followers (tag_manager.rb). Direct: to the mentioned accounts, nothing else.
    const direct = options.visibility === "direct";
    const mentionedIds = mentioned.map((actor) => String(actor.id));
    const to = direct ? mentionedIds : [AS_PUBLIC];
    const cc = direct ? [] : [account.followers, ...mentionedIds];
    if (!direct) {
      for (const actor of mentioned) if (actor.type === "Group" && actor.followers) cc.push(String(actor.followers));
    }
    const tag = mentioned.map((actor) => ({
      type: "Mention",
      href: actor.id,
      name: `@${String(actor.preferredUsername)}@${new URL(String(actor.id)).host}`,
    }));
    const html = `<p>${mentioned.map(mentionHtml).join(" ")}${mentioned.length > 0 ? " " : ""}${text
      .split("\n")
      .map(escapeHtml)
      .join("<br />")}</p>`;
    const object: Json = {
      id,
      type: "Note",
      summary: null,
      inReplyTo: inReplyTo ? inReplyTo.id : null,
      published,
      url: `${origin}/@${account.name}/${id.split("/").pop()}`,
      attributedTo: account.id,
      to,
      cc,
      sensitive: false,
      atomUri: id,
      inReplyToAtomUri: inReplyTo ? inReplyTo.id : null,
      conversation: `tag:${host},2026-11-28:objectId=${sequence}:objectType=Conversation`,
      content: html,
      contentMap: { en: html },
      attachment: [],
      tag,
      replies: { id: `${id}/replies`, type: "Collection" },
    };
    const activity: Json = {
      id: `${id}/activity`,
      type: "Create",
      actor: account.id,
      published,
      to: options.toAsString && !direct ? AS_PUBLIC : to,
      cc,
      object,
    };
    const inboxes = await Promise.all(mentioned.map((actor) => inboxOf(String(actor.id))));
    const status: PeerStatus = { id, account, object, activity, inboxes, deleted: false };
    statuses.set(id, status);
    await deliverAll(inboxes, activity);
    return status;
  }

  function statusNumberOf(activityId: string): string {
    return activityId.replace(/[^0-9]/g, "").slice(-6) || String(sequence);
  }

  const peer: MastodonPeer = {
    origin,
    host,
    received,
    follows,
    statuses,
    fetchedBack,
    account,
    updateProfile(target, options) {
      const stored = accounts.get(target.name);
      if (stored) Object.assign(stored, options);
    },
    webfinger,
    fetch: fetchJson,
    deliver,
    async follow(follower, handle) {
      const target = await fetchJson(await webfinger(handle), follower);
      const follow: Json = {
        id: `${origin}/payloads/${randomUUID()}`,
        type: "Follow",
        actor: follower.id,
        object: target.id,
      };
      const entry: PeerFollow = { follow, target, accept: null };
      follows.push(entry);
      // To the actor's own inbox, not the shared one (follow_service.rb).
      await deliver(String(target.inbox), follow, follower);
      return entry;
    },
    async unfollow(follower, entry) {
      const undo = {
        id: `${follower.id}#follows/${statusNumberOf(String(entry.follow.id))}/undo`,
        type: "Undo",
        actor: follower.id,
        object: entry.follow,
      };
      return [await deliver(String(entry.target.inbox), undo, follower)];
    },
    async announced(announce) {
      const shared = await trustedOrFetched(announce.object, announce.actor);
      if (shared.type !== "Create") return shared;
      // A Create is run as Mastodon runs one it fetched: its id and its object's on its actor's host.
      const hostOf = (id: unknown) => new URL(String(id)).host;
      if (hostOf(shared.id) !== hostOf(shared.actor)) throw new Error(`Create ${String(shared.id)}: foreign actor`);
      const inner = shared.object;
      const object = typeof inner === "string" ? await fetchJson(inner) : (inner as Json);
      if (hostOf(object.id) !== hostOf(shared.actor)) throw new Error(`Create ${String(shared.id)}: foreign object`);
      return object;
    },
    async reply(author, parentUrl, text, options = {}) {
      const parent = await fetchJson(parentUrl, author);
      return publish(author, text, parent, options);
    },
    post(author, text, options = {}) {
      return publish(author, text, null, options);
    },
    async update(status, text) {
      if (!status.object) throw new Error("a boost cannot be edited");
      const html = `<p>${text.split("\n").map(escapeHtml).join("<br />")}</p>`;
      const updated = new Date().toISOString();
      status.object = { ...status.object, content: html, contentMap: { en: html }, updated };
      const update = {
        id: `${status.id}#updates/${Math.floor(Date.now() / 1000)}`,
        type: "Update",
        actor: status.account.id,
        published: updated,
        to: status.object.to,
        cc: status.object.cc,
        object: status.object,
      };
      return deliverAll(status.inboxes, update);
    },
    async delete(status) {
      status.deleted = true;
      const deletion = {
        id: `${status.id}#delete`,
        type: "Delete",
        actor: status.account.id,
        to: [AS_PUBLIC],
        object: { id: status.id, type: "Tombstone", atomUri: status.id },
      };
      return deliverAll(status.inboxes, deletion);
    },
    async favourite(liker, objectUrl, options = {}) {
      const object = await fetchJson(objectUrl, liker);
      sequence += 1;
      const like = {
        id: options.id ?? `${liker.id}#likes/${sequence}`,
        type: "Like",
        actor: liker.id,
        object: objectUrl,
      };
      // Only the author's server hears of it (favourite_service.rb).
      const inboxes = [await inboxOf(String(object.attributedTo))];
      return { activity: like, inboxes, results: await deliverAll(inboxes, like) };
    },
    async boost(booster, objectUrl) {
      const object = await fetchJson(objectUrl, booster);
      const author = String(object.attributedTo);
      const id = nextStatusId(booster);
      const announce: Json = {
        id: `${id}/activity`,
        type: "Announce",
        actor: booster.id,
        published: new Date().toISOString(),
        to: [AS_PUBLIC],
        cc: [author, booster.followers],
        object: objectUrl,
      };
      const inboxes = [await inboxOf(author)];
      statuses.set(id, { id, account: booster, object: null, activity: announce, inboxes, deleted: false });
      return { activity: announce, inboxes, results: await deliverAll(inboxes, announce) };
    },
    async undo(actor, sent) {
      const inner = sent.activity;
      // Mastodon derives the Undo's id from what it undoes (undo_like_serializer.rb,
      // undo_announce_serializer.rb): the Like's id plus /undo, the boost's status number.
      const id =
        inner.type === "Announce"
          ? `${actor.id}#announces/${String(inner.id)
              .replace(/\/activity$/, "")
              .split("/")
              .pop()}/undo`
          : `${String(inner.id)}/undo`;
      const undo: Json = {
        id,
        type: "Undo",
        actor: actor.id,
        object: inner,
      };
      if (inner.type === "Announce") {
        undo.to = [AS_PUBLIC];
        const status = [...statuses.values()].find((s) => s.activity.id === inner.id);
        if (status) status.deleted = true;
      }
      return deliverAll(sent.inboxes, undo);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return peer;
}
