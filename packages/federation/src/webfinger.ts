// Which actor a WebFinger handle names when a person and a community share a name. Mastodon (4.3
// and later) takes the first `self` link of the answer and then checks that the actor's own
// acct: handle leads back to it; Lemmy lists every matching actor and tries each link for the
// type it wants (federation-wire-formats.md §3.3, §4.20). So:
//
//   acct:name@host    the person if there is one, else the community; when both exist the
//                     community's link follows the person's (Lemmy finds it, Mastodon the person)
//   acct:!name@host   the community only (the "!" of Lemmy's community handles)
//   an actor's URL    that actor only (Fedify answers these itself)
import type { WebFingerLinksDispatcher } from "@fedify/fedify";
import { findLocalCommunityByName, findLocalPersonByName } from "@plenum/core";
import type { FederationContextData, PlenumContext } from "./context.ts";
import { communityIdentifier, personIdentifier } from "./identifiers.ts";

const AS_TYPE = "https://www.w3.org/ns/activitystreams#type";

/** The actor identifier (actor dispatcher) a WebFinger acct: name stands for, or null. */
export async function actorForHandle(ctx: PlenumContext, handle: string): Promise<string | null> {
  if (handle.startsWith("!")) {
    const community = await liveCommunity(ctx, handle.slice(1));
    return community ? communityIdentifier(community.name) : null;
  }
  if (await livePerson(ctx, handle)) return personIdentifier(handle);
  if (await liveCommunity(ctx, handle)) return communityIdentifier(handle);
  return null;
}

/** Deleted persons and deleted or removed communities are not served, so they do not take a name. */
async function livePerson(ctx: PlenumContext, name: string) {
  const person = await findLocalPersonByName(ctx.data.db, name);
  return person && !person.deleted ? person : undefined;
}

async function liveCommunity(ctx: PlenumContext, name: string) {
  const community = await findLocalCommunityByName(ctx.data.db, name);
  return community && !community.deleted && !community.removed ? community : undefined;
}

/** Links added after the actor's own: the community's `self` link when a person has its name. */
export const extraWebFingerLinks: WebFingerLinksDispatcher<FederationContextData> = async (ctx, resource) => {
  const match = /^acct:([^@!]+)@/.exec(resource.href);
  if (!match?.[1]) return [];
  const name = decodeURIComponent(match[1]);
  const [person, community] = await Promise.all([livePerson(ctx, name), liveCommunity(ctx, name)]);
  if (!person || !community) return [];
  return [
    {
      rel: "self",
      type: "application/activity+json",
      href: ctx.getActorUri(communityIdentifier(community.name)).href,
      properties: { [AS_TYPE]: "Group" },
    },
  ];
};
