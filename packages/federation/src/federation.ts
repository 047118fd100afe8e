// Builds Plenum's Fedify federation: actor, collection and object dispatchers, the inbox
// listeners, WebFinger handles and NodeInfo. The listeners only translate and check, then call
// services in @plenum/core.
import {
  type Context,
  createFederation,
  type FederationQueueOptions,
  getUserAgent,
  type KvStore,
  type MessageQueue,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Add,
  Announce,
  Block,
  Create,
  Delete,
  Dislike,
  Flag,
  Follow,
  Like,
  Note,
  Page,
  Person,
  Remove,
  Undo,
  Update,
} from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import {
  countAcceptedFollowers,
  findKeyPairs,
  findLocalCommunityByName,
  findLocalPersonByName,
  findSentActivity,
  getCommentObjectView,
  getInstanceStats,
  getPostObjectView,
  listFeaturedPostObjects,
  listModerators,
  listRecentPostObjects,
  OUTBOX_POST_LIMIT,
} from "@plenum/core";
import { toGroup, toPerson } from "./actors.ts";
import { outboxItemAt, toOutboxItemJson } from "./bridge.ts";
import type { FederationContextData, PlenumFederation } from "./context.ts";
import { noteDeliveryDropped, noteDeliveryError } from "./delivery-health.ts";
import { toActorTombstone } from "./gone.ts";
import { parseActorIdentifier } from "./identifiers.ts";
import { onContentActivity } from "./inbox/content.ts";
import { onFollowAccepted, onFollowed } from "./inbox/follow.ts";
import { inboxIdempotencyKey } from "./inbox/microblog.ts";
import { onUnverifiedActivity } from "./inbox/person.ts";
import { onUndone } from "./inbox/undo.ts";
import { toCryptoKeyPairs } from "./keys.ts";
import { boundedAuthenticatedLoader, cachedDocumentLoader } from "./loader.ts";
import { isGone, toNoteJson, toPageJson, toTombstoneJson, withContext } from "./objects.ts";
import { PreparedActivity, PreparedNote, PreparedPage } from "./raw.ts";
import { actorForHandle, extraWebFingerLinks } from "./webfinger.ts";

/** Plenum's version as published in NodeInfo and the User-Agent. */
export const PLENUM_VERSION = "0.1.0";

const logger = getLogger(["plenum", "federation"]);

export interface FederationOptions {
  kv: KvStore;
  /** One queue for everything, or Fedify's inbox, outbox (deliveries) and fan-out queues apart. */
  queue: MessageQueue | FederationQueueOptions;
  /** Public origin of every ActivityPub id (PLENUM_ORIGIN). */
  origin: string;
  /** Only for loopback tests and labs: lets Fedify fetch from and deliver to private addresses. */
  allowPrivateAddress: boolean;
  /** True in web-only processes: the worker process consumes the queue. */
  manuallyStartQueue: boolean;
}

type Ctx = Context<FederationContextData>;

/** The local actor an identifier names, and whether it is gone (deleted, or a removed community). */
async function localActor(ctx: Ctx, identifier: string) {
  const ref = parseActorIdentifier(identifier);
  if (ref?.kind === "community") {
    const row = await findLocalCommunityByName(ctx.data.db, ref.name);
    return row ? { kind: "community" as const, row, gone: row.deleted || row.removed } : null;
  }
  if (ref?.kind === "person") {
    const row = await findLocalPersonByName(ctx.data.db, ref.name);
    return row ? { kind: "person" as const, row, gone: row.deleted } : null;
  }
  return null;
}

/** The local actor an identifier names, unless it is gone. */
async function actorRow(ctx: Ctx, identifier: string) {
  const actor = await localActor(ctx, identifier);
  return actor && !actor.gone ? actor : null;
}

export function createPlenumFederation(options: FederationOptions): PlenumFederation {
  const loaderOptions = {
    allowPrivateAddress: options.allowPrivateAddress,
    userAgent: getUserAgent({ software: `Plenum/${PLENUM_VERSION}`, url: options.origin }),
  };
  const federation = createFederation<FederationContextData>({
    kv: options.kv,
    queue: options.queue,
    origin: options.origin,
    manuallyStartQueue: options.manuallyStartQueue,
    // Our loaders bound every remote fetch in time and size (loader.ts); they also carry the
    // private-address setting and the User-Agent, which Fedify then must not be given itself.
    documentLoaderFactory: () => cachedDocumentLoader(options.kv, loaderOptions),
    contextLoaderFactory: () => cachedDocumentLoader(options.kv, loaderOptions),
    authenticatedDocumentLoaderFactory: (identity) => boundedAuthenticatedLoader(identity, loaderOptions),
    // Delivery outcomes per server (delivery-health.ts); the circuit breaker keeps its defaults.
    onOutboxError: noteDeliveryError,
    circuitBreaker: { onActivityDrop: noteDeliveryDropped },
  });

  federation
    .setActorDispatcher("/{+identifier}", async (ctx, identifier) => {
      const actor = await localActor(ctx, identifier);
      if (!actor) return null;
      // One that existed and is gone is served as a Tombstone, which Fedify answers with 410 Gone.
      if (actor.gone) return toActorTombstone(ctx.getActorUri(identifier));
      const keys = await ctx.getActorKeyPairs(identifier);
      return actor.kind === "community" ? toGroup(ctx, actor.row, keys) : toPerson(ctx, actor.row, keys);
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      const actor = await localActor(ctx, identifier);
      // A deleted person still signs the Delete of their account (person-out.ts); a gone community signs nothing.
      if (!actor || (actor.gone && actor.kind === "community")) return [];
      const owner = actor.kind === "community" ? { communityId: actor.row.id } : { personId: actor.row.id };
      return toCryptoKeyPairs(await findKeyPairs(ctx.data.db, owner));
    })
    // A person first, then the community (webfinger.ts explains why).
    .mapHandle(actorForHandle);
  federation.setWebFingerLinksDispatcher(extraWebFingerLinks);

  // Lemmy publishes only the number of followers, not who they are.
  federation
    .setFollowersDispatcher("/{+identifier}/followers", async (ctx, identifier) => {
      const actor = await actorRow(ctx, identifier);
      return actor ? { items: [] } : null;
    })
    .setCounter(async (ctx, identifier) => {
      const actor = await actorRow(ctx, identifier);
      if (actor?.kind !== "community") return 0;
      return countAcceptedFollowers(ctx.data.db, actor.row.id);
    });

  // Lemmy's community outbox: the last 20 posts, each as Announce(Create(Page)). Custom
  // collections, because Fedify's outbox route does not take the "/{+identifier}" form.
  federation
    .setOrderedCollectionDispatcher("communityOutbox", Activity, "/c/{name}/outbox", async (ctx, values) => {
      const community = await findLocalCommunityByName(ctx.data.db, values.name);
      if (!community) return null;
      const posts = await listRecentPostObjects(ctx.data.db, community);
      return { items: posts.map((view) => new PreparedActivity(toOutboxItemJson(ctx, view))) };
    })
    .setCounter(async (ctx, values) => {
      const community = await findLocalCommunityByName(ctx.data.db, values.name);
      return community ? Math.min(OUTBOX_POST_LIMIT, community.post_count) : 0;
    });
  // A person's outbox is empty, as on Lemmy (Lemmy requires the property to exist).
  federation
    .setOrderedCollectionDispatcher("personOutbox", Activity, "/u/{name}/outbox", async (ctx, values) =>
      (await findLocalPersonByName(ctx.data.db, values.name)) ? { items: [] } : null,
    )
    .setCounter(() => 0);

  // Pinned posts, embedded as Pages (Lemmy's shape).
  federation
    .setFeaturedDispatcher("/{+identifier}/featured", async (ctx, identifier) => {
      const actor = await actorRow(ctx, identifier);
      if (actor?.kind !== "community") return null;
      const posts = await listFeaturedPostObjects(ctx.data.db, actor.row);
      return { items: posts.map((view) => new PreparedPage(toPageJson(view))) };
    })
    .setCounter(async (ctx, identifier) => {
      const actor = await actorRow(ctx, identifier);
      return actor?.kind === "community" ? (await listFeaturedPostObjects(ctx.data.db, actor.row)).length : 0;
    });

  // Local posts and comments at their ids, as Lemmy serves them; deleted or removed ones as
  // Tombstones (answered 410 Gone by the HTTP mount: gone.ts). Remote ones are not ours to serve (404), nor are ids that are not numbers.
  federation.setObjectDispatcher(Page, "/post/{id}", async (ctx, values) => {
    if (!/^\d+$/.test(values.id)) return null;
    const view = await getPostObjectView(ctx.data.db, values.id);
    if (!view?.post.local) return null;
    const json = isGone(view.post) ? toTombstoneJson(view.post.ap_id, "Page") : toPageJson(view);
    return new PreparedPage(withContext(json));
  });
  federation.setObjectDispatcher(Note, "/comment/{id}", async (ctx, values) => {
    if (!/^\d+$/.test(values.id)) return null;
    const view = await getCommentObjectView(ctx.data.db, values.id);
    if (!view?.comment.local) return null;
    const json = isGone(view.comment) ? toTombstoneJson(view.comment.ap_id, "Note") : toNoteJson(view);
    return new PreparedNote(withContext(json));
  });

  // The public activities we sent, at their ids, as Lemmy serves them (sent-activities.ts), and
  // the items of community outboxes (bridge.ts); ids never sent, not public or past the retention
  // are not found (404).
  federation.setObjectDispatcher(Activity, "/activities/{+id}", async (ctx, values) => {
    const activity =
      (await findSentActivity(ctx.data.db, `${ctx.origin}/activities/${values.id}`)) ??
      (await outboxItemAt(ctx, values.id));
    return activity ? new PreparedActivity(activity) : null;
  });

  federation.setOrderedCollectionDispatcher("moderators", Person, "/c/{name}/moderators", async (ctx, values) => {
    const community = await findLocalCommunityByName(ctx.data.db, values.name);
    if (!community) return null;
    const moderators = await listModerators(ctx.data.db, community.id);
    // Lemmy reads this collection as a list of actor URLs, so items are ids, not embedded Persons.
    return { items: moderators.map((m) => new URL(m.apId)) as unknown as Person[] };
  });

  federation
    .setInboxListeners("/{+identifier}/inbox", "/inbox")
    .withIdempotency(inboxIdempotencyKey)
    .on(Follow, onFollowed)
    .on(Accept, onFollowAccepted)
    .on(Undo, onUndone)
    .on(Create, onContentActivity)
    .on(Update, onContentActivity)
    .on(Delete, onContentActivity)
    .on(Like, onContentActivity)
    .on(Dislike, onContentActivity)
    .on(Announce, onContentActivity)
    // Moderation (inbox/moderation.ts). Lemmy's Lock is no ActivityStreams type: Fedify reads it
    // as a plain Activity, which this last listener catches (with any other unmodelled type).
    .on(Add, onContentActivity)
    .on(Remove, onContentActivity)
    .on(Block, onContentActivity)
    .on(Flag, onContentActivity)
    .on(Activity, onContentActivity)
    .onUnverifiedActivity(onUnverifiedActivity)
    .onError((_ctx, error) => {
      logger.error("Inbox listener failed: {error}", { error });
    });

  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (ctx) => {
    const stats = await getInstanceStats(ctx.data.db);
    return {
      software: { name: "plenum", version: PLENUM_VERSION, homepage: new URL(ctx.origin) },
      protocols: ["activitypub"],
      openRegistrations: false,
      usage: {
        users: { total: stats.users, activeMonth: stats.activeMonth, activeHalfyear: stats.activeHalfyear },
        localPosts: stats.localPosts,
        localComments: stats.localComments,
      },
    };
  });

  return federation;
}
