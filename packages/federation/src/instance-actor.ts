// The instance actor: the site as Lemmy serves it, an `Application` at the root URL
// (federation-wire-formats.md §2.3). Lemmy fetches it as a site ban's `target` and when it first
// meets a server. It is served to ActivityPub requests for "/" (the server's HTTP mount; Fedify
// routes no actor at the bare root), while browsers get the front page there.
import { Application, CryptographicKey, Endpoints, Image, Source } from "@fedify/vocab";
import { ensureSiteKeyPairs, getSite, renderMarkdown } from "@plenum/core";
import type { FederationContextData, PlenumContext, PlenumFederation } from "./context.ts";
import { toCryptoKeyPairs } from "./keys.ts";
import { instanceTargetOf } from "./moderation-out.ts";
import type { Json } from "./objects.ts";
import { toInstant } from "./temporal.ts";

/** Where the instance actor's (empty) outbox is served: Lemmy requires the property. */
export const SITE_OUTBOX_PATH = "/site_outbox";

async function toInstanceActor(ctx: PlenumContext): Promise<Application> {
  const site = await getSite(ctx.data.db);
  const [rsa] = await toCryptoKeyPairs(await ensureSiteKeyPairs(ctx.data.db, site.id));
  // The same URL a site ban names as its target (moderation-out.ts).
  const id = new URL(instanceTargetOf(ctx.canonicalOrigin));
  return new Application({
    id,
    url: id,
    // Lemmy's shape: the host as the user name, the site's name, its description as summary and
    // the sidebar as content (rendered, with its Markdown in source).
    preferredUsername: id.host,
    name: site.name,
    summary: site.description,
    content: renderMarkdown(site.sidebar) || null,
    source: site.sidebar ? new Source({ content: site.sidebar, mediaType: "text/markdown" }) : null,
    inbox: ctx.getInboxUri(),
    outbox: new URL(SITE_OUTBOX_PATH, ctx.canonicalOrigin),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    icon: site.icon_url ? new Image({ url: new URL(site.icon_url) }) : null,
    image: site.banner_url ? new Image({ url: new URL(site.banner_url) }) : null,
    published: toInstant(site.published_at),
    updated: site.updated_at ? toInstant(site.updated_at) : null,
    publicKey: rsa ? new CryptographicKey({ id: new URL("#main-key", id), owner: id, publicKey: rsa.publicKey }) : null,
  });
}

/** The empty outbox, as Lemmy serves its site's. */
function toSiteOutboxJson(ctx: PlenumContext): Json {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: new URL(SITE_OUTBOX_PATH, ctx.canonicalOrigin).href,
    type: "OrderedCollection",
    totalItems: 0,
    orderedItems: [],
  };
}

/**
 * The answer to an ActivityPub read of "/" (the instance actor) or of its outbox, as exactly
 * activity+json; null for any other request, which Fedify answers. Fedify's router cannot take
 * these paths: actors and collections need a variable in theirs.
 */
export async function instanceActorResponse(
  federation: PlenumFederation,
  request: Request,
  contextData: FederationContextData,
): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const path = new URL(request.url).pathname;
  if (path !== "/" && path !== SITE_OUTBOX_PATH) return null;
  const ctx = federation.createContext(request, contextData);
  const json =
    path === "/"
      ? ((await (await toInstanceActor(ctx)).toJsonLd({ format: "compact", contextLoader: ctx.contextLoader })) as Json)
      : toSiteOutboxJson(ctx);
  return new Response(JSON.stringify(json), {
    headers: { "content-type": "application/activity+json", vary: "Accept" },
  });
}
