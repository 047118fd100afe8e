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
  const { db } = ctx.data;
  if (handle.startsWith("!")) {
    const community = await findLocalCommunityByName(db, handle.slice(1));
    return community ? communityIdentifier(community.name) : null;
  }
  if (await findLocalPersonByName(db, handle)) return personIdentifier(handle);
  if (await findLocalCommunityByName(db, handle)) return communityIdentifier(handle);
  return null;
}

/** Links added after the actor's own: the community's `self` link when a person has its name. */
export const extraWebFingerLinks: WebFingerLinksDispatcher<FederationContextData> = async (ctx, resource) => {
  const match = /^acct:([^@!]+)@/.exec(resource.href);
  if (!match?.[1]) return [];
  const name = decodeURIComponent(match[1]);
  const { db } = ctx.data;
  const [person, community] = await Promise.all([findLocalPersonByName(db, name), findLocalCommunityByName(db, name)]);
  if (!person || !community || community.deleted || community.removed) return [];
  return [
    {
      rel: "self",
      type: "application/activity+json",
      href: ctx.getActorUri(communityIdentifier(community.name)).href,
      properties: { [AS_TYPE]: "Group" },
    },
  ];
};
