// Local actors to ActivityPub (toGroup, toPerson) and remote actors into rows (persistActor).
import type { ActorKeyPair } from "@fedify/fedify";
import { exportSpki } from "@fedify/fedify";
import { type Actor, Endpoints, Group, Image, isActor, Person, PropertyValue, Service, Source } from "@fedify/vocab";
import {
  type CommunityRow,
  ensureInstance,
  hostOf,
  nameWithPronouns,
  type PersonRow,
  renderMarkdown,
  upsertRemoteCommunity,
  upsertRemotePerson,
} from "@plenum/core";
import type { PlenumContext } from "./context.ts";
import { communityIdentifier, personIdentifier } from "./identifiers.ts";
import { LemmyGroup } from "./lemmy-group.ts";
import { syncRemoteModerators } from "./moderators.ts";
import { remotePronouns } from "./pronouns.ts";
import { toDate, toInstant } from "./temporal.ts";

function markdownSource(markdown: string | null): Source | null {
  return markdown ? new Source({ content: markdown, mediaType: "text/markdown" }) : null;
}

export function toGroup(ctx: PlenumContext, community: CommunityRow, keys: ActorKeyPair[]): Group {
  const identifier = communityIdentifier(community.name);
  const id = ctx.getActorUri(identifier);
  return new LemmyGroup(community.posting_restricted_to_mods, {
    id,
    url: id,
    preferredUsername: community.name,
    name: community.title,
    // Lemmy shows the sidebar as the community's description; both are Markdown here.
    summary: renderMarkdown(community.sidebar ?? community.description) || null,
    source: markdownSource(community.sidebar ?? community.description),
    sensitive: community.nsfw,
    // FEP-1b12: the group is attributed to its moderators collection (what Lemmy emits and reads).
    attribution: ctx.getCollectionUri("moderators", { name: community.name }),
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getCollectionUri("communityOutbox", { name: community.name }),
    followers: ctx.getFollowersUri(identifier),
    featured: ctx.getFeaturedUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    manuallyApprovesFollowers: false,
    discoverable: true,
    icon: community.icon_url ? new Image({ url: new URL(community.icon_url) }) : null,
    image: community.banner_url ? new Image({ url: new URL(community.banner_url) }) : null,
    published: toInstant(community.published_at),
    updated: community.updated_at ? toInstant(community.updated_at) : null,
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((key) => key.multikey),
  });
}

export function toPerson(ctx: PlenumContext, person: PersonRow, keys: ActorKeyPair[]): Person | Service {
  const identifier = personIdentifier(person.name);
  const id = ctx.getActorUri(identifier);
  const values = {
    id,
    url: id,
    preferredUsername: person.name,
    // Lemmy shows no profile fields, so pronouns also go in the name as Hexbear writes them
    // ("alice [she/her]"); a Plenum reading this strips them again (displayNameOf).
    name:
      person.pronouns.length > 0
        ? nameWithPronouns(person.display_name ?? person.name, person.pronouns)
        : person.display_name,
    summary: renderMarkdown(person.bio) || null,
    source: markdownSource(person.bio),
    // Pronouns as a profile field, which Mastodon shows and PieFed reads (features-and-ranking.md §3);
    // Fedify adds the schema.org terms (PropertyValue, value) to the context.
    attachments:
      person.pronouns.length > 0 ? [new PropertyValue({ name: "Pronouns", value: person.pronouns.join(", ") })] : [],
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getCollectionUri("personOutbox", { name: person.name }),
    followers: ctx.getFollowersUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    icon: person.avatar_url ? new Image({ url: new URL(person.avatar_url) }) : null,
    image: person.banner_url ? new Image({ url: new URL(person.banner_url) }) : null,
    published: toInstant(person.published_at),
    updated: person.updated_at ? toInstant(person.updated_at) : null,
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((key) => key.multikey),
  };
  // Lemmy publishes bot accounts as Service.
  return person.bot ? new Service(values) : new Person(values);
}

/**
 * A remote person's display name without the " [pronouns]" that Plenum and Hexbear append for
 * Lemmy, when the bracket repeats the actor's Pronouns profile field (so our own shape read back
 * is not stored as "alice [she/her]" beside the pronouns). Other brackets are part of the name.
 */
function displayNameOf(actor: Actor, pronouns: readonly string[]): string | null {
  const name = actor.name?.toString() ?? null;
  const bracket = name === null ? null : /^(.*\S)\s*\[([^\]]+)\]$/.exec(name);
  if (name === null || bracket === null || pronouns.length === 0) return name;
  const [, bare, inBracket] = bracket as unknown as [string, string, string];
  const normalize = (value: string) => value.replace(/\s+/g, " ").trim().toLowerCase();
  if (normalize(inBracket) !== normalize(pronouns.join(", "))) return name;
  // A display name that was only the handle plus pronouns was no display name at all.
  return bare === actor.preferredUsername?.toString() ? null : bare;
}

/** The http(s) URL of an actor's icon or image (an Image whose url is a URL or a Link), or null. */
async function imageUrlOf(image: Promise<Image | null>): Promise<string | null> {
  const found = await image.catch(() => null);
  const url = found?.url instanceof URL ? found.url : (found?.url?.href ?? null);
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
}

/**
 * The actor at `id`, fetched with Fedify's bounded loader; null when it cannot be fetched or is not
 * an actor whose own id is `id` (a document may not speak for another URL).
 */
export async function fetchActor(ctx: PlenumContext, id: string): Promise<Actor | null> {
  const actor = await ctx.lookupObject(id).catch(() => null);
  return actor && isActor(actor) && actor.id?.href === id ? actor : null;
}

export type PersistedActor = { kind: "person"; row: PersonRow } | { kind: "community"; row: CommunityRow };

/**
 * Stores (or refreshes) a remote actor. Returns null for actors of our own origin, which are
 * never overwritten from the network, and for actor types we do not model.
 */
export async function persistActor(ctx: PlenumContext, actor: Actor): Promise<PersistedActor | null> {
  if (actor.id == null || actor.inboxId == null || actor.preferredUsername == null) return null;
  if (actor.id.origin === ctx.origin) return null;
  const { db } = ctx.data;
  const key = await actor.getPublicKey(ctx).catch(() => null);
  const common = {
    ap_id: actor.id.href,
    instance_id: await ensureInstance(db, hostOf(actor.id.href)),
    name: actor.preferredUsername.toString(),
    inbox_url: actor.inboxId.href,
    shared_inbox_url: actor.endpoints?.sharedInbox?.href ?? null,
    outbox_url: actor.outboxId?.href ?? null,
    followers_url: actor.followersId?.href ?? null,
    public_key_pem: key?.publicKey ? await exportSpki(key.publicKey) : null,
    published_at: actor.published ? toDate(actor.published) : new Date(),
    updated_at: actor.updated ? toDate(actor.updated) : null,
    last_fetched_at: new Date(),
  };
  if (actor instanceof Group) {
    const row = await upsertRemoteCommunity(db, {
      ...common,
      title: actor.name?.toString() ?? common.name,
      description: actor.summary?.toString() ?? null,
      nsfw: actor.sensitive ?? false,
      moderators_url: actor.attributionId?.href ?? null,
      featured_url: actor.featuredId?.href ?? null,
    });
    await syncRemoteModerators(ctx, row);
    return { kind: "community", row };
  }
  if (actor instanceof Person || actor instanceof Service) {
    const pronouns = await remotePronouns(actor);
    const row = await upsertRemotePerson(db, {
      ...common,
      display_name: displayNameOf(actor, pronouns),
      bio: actor.summary?.toString() ?? null,
      avatar_url: await imageUrlOf(actor.getIcon({ documentLoader: ctx.documentLoader })),
      banner_url: await imageUrlOf(actor.getImage({ documentLoader: ctx.documentLoader })),
      bot: actor instanceof Service,
      pronouns,
    });
    return { kind: "person", row };
  }
  return null;
}
