// The activities a local person's moderation sends, in Lemmy's shapes (federation-wire-formats.md
// §2.7; Lemmy's crates/apub/activities: deletion/, community/{lock_page,collection_add,
// collection_remove,report}.rs, block/block_user.rs). The bridge publishes them like content:
// announced by a local community to its followers, or sent to a remote community's inbox, which
// announces them (FEP-1b12).
//
//   removal / restore   Delete{object, summary: reason} / Undo(Delete)   (summary: a moderator's)
//   lock / unlock       Lock{object: post, summary?} / Undo(Lock)
//   pin / unpin         Add / Remove{object: post, target: community's featured collection}
//   moderator +/−       Add / Remove{object: person, target: community's moderators collection}
//   ban / unban         Block{object: person, target: community, summary, expires, removeData} / Undo(Block)
//   report              Flag{to: [community], object, summary: reason}   (remote communities only)
//   report resolved     Resolve{to: [community], object: Flag (regenerated)}: only to a remote
//                       reporter's server, never announced (Lemmy 1.0, community/resolve_report.rs)
//
// Undo carries a regenerated copy of the activity undone, as Lemmy does.
//
// Beside these, two activities concern no single moderation action of a community:
//
//   site ban / unban    Block{object: local person, target: our instance (https://host/), summary,
//                       expires, removeData} / Undo(Block), sent to every instance known here
//                       (Lemmy's block/block_user.rs sends site bans to all instances)
//   settings edited     Update{object: the Group as served, actor: the moderator or admin}, announced
//                       by the community (Lemmy's community/update.rs)
import {
  type CommunityRow,
  type DomainEvent,
  exhaustiveCheck,
  findCommunityById,
  findPersonById,
  type PersonRow,
} from "@plenum/core";
import { newActivityId, toUndoJson } from "./activities.ts";
import { toGroup } from "./actors.ts";
import type { PlenumContext } from "./context.ts";
import { communityIdentifier } from "./identifiers.ts";
import { AS_PUBLIC, type Json, PLENUM_CONTEXT } from "./objects.ts";

type ModerationEvent = Extract<DomainEvent, { type: "moderation_action" }>;
type SiteBanEvent = Extract<DomainEvent, { type: "site_ban_changed" }>;
type CommunityUpdatedEvent = Extract<DomainEvent, { type: "community_updated" }>;

export interface ModerationActivity {
  person: PersonRow;
  community: CommunityRow;
  activity: Json;
  /** Sent to this person's server only, instead of through the community (a report's resolution). */
  recipient?: PersonRow;
}

async function apIdOf(ctx: PlenumContext, target: "post" | "comment", id: string): Promise<string | null> {
  const table = target === "post" ? "posts" : "comments";
  const row = await ctx.data.db.selectFrom(table).select("ap_id").where("id", "=", id).executeTakeFirst();
  return row?.ap_id ?? null;
}

/** The activity a moderation event calls for, or null when there is nothing to send (anymore). */
export async function moderationActivity(
  ctx: PlenumContext,
  event: ModerationEvent,
): Promise<ModerationActivity | null> {
  const { db } = ctx.data;
  const [person, community] = await Promise.all([
    findPersonById(db, event.actorId),
    findCommunityById(db, event.communityId),
  ]);
  if (!person?.local || !community) return null;
  const addressing = { actor: person.ap_id, community: community.ap_id };
  // Lemmy addresses community activities to the public, cc the community.
  const envelope = (type: string, fields: Json): Json => ({
    id: newActivityId(ctx.origin, type.toLowerCase()),
    type,
    actor: person.ap_id,
    to: [AS_PUBLIC],
    cc: [community.ap_id],
    audience: community.ap_id,
    ...fields,
  });
  const undoOf = (undone: Json): Json => toUndoJson(newActivityId(ctx.origin, "undo"), addressing, undone);
  const found = (activity: Json): ModerationActivity => ({ person, community, activity });
  const { action } = event;
  switch (action.kind) {
    case "remove": {
      const object = await apIdOf(ctx, action.target, action.itemId);
      if (!object) return null;
      // The summary, even empty, is what tells a removal from the author's own deletion.
      const remove = envelope("Delete", { object, summary: action.reason ?? "" });
      return found(action.removed ? remove : undoOf(remove));
    }
    case "lock": {
      const object = await apIdOf(ctx, "post", action.postId);
      if (!object) return null;
      const lock = envelope("Lock", { object, ...(action.reason ? { summary: action.reason } : {}) });
      return found(action.locked ? lock : undoOf(lock));
    }
    case "feature": {
      const object = await apIdOf(ctx, "post", action.postId);
      if (!object) return null;
      const target = community.featured_url ?? ctx.data.urls.featured(community.ap_id);
      return found(envelope(action.featured ? "Add" : "Remove", { object, target }));
    }
    case "moderator": {
      const moderator = await findPersonById(db, action.personId);
      if (!moderator) return null;
      const target = community.moderators_url ?? ctx.data.urls.moderators(community.ap_id);
      return found(envelope(action.added ? "Add" : "Remove", { object: moderator.ap_id, target }));
    }
    case "ban": {
      const banned = await findPersonById(db, action.personId);
      if (!banned) return null;
      const block = envelope("Block", {
        object: banned.ap_id,
        target: community.ap_id,
        removeData: action.removeData,
        summary: action.reason ?? "",
        // Lemmy 0.19 reads `expires`, 1.0 `endTime` (the same term, as:endTime).
        ...(action.expiresAt ? { expires: action.expiresAt, endTime: action.expiresAt } : {}),
      });
      return found(action.banned ? block : undoOf(block));
    }
    case "report": {
      // A report about something in a local community is in our own queue already.
      if (community.local) return null;
      const object = await apIdOf(ctx, action.target, action.itemId);
      if (!object) return null;
      return found({
        id: newActivityId(ctx.origin, "flag"),
        type: "Flag",
        actor: person.ap_id,
        to: [community.ap_id],
        audience: community.ap_id,
        object,
        summary: action.reason,
      });
    }
    case "resolve_report": {
      // A report about a remote community's content was resolved there; reports by our own
      // members stay here.
      const reporter = await findPersonById(db, action.reporterId);
      if (!community.local || !reporter || reporter.local) return null;
      const object = await apIdOf(ctx, action.target, action.itemId);
      if (!object) return null;
      const flag = {
        id: newActivityId(ctx.origin, "flag"),
        type: "Flag",
        actor: reporter.ap_id,
        to: [community.ap_id],
        audience: community.ap_id,
        object,
      };
      const resolve = {
        id: newActivityId(ctx.origin, "resolve"),
        type: "Resolve",
        actor: person.ap_id,
        to: [community.ap_id],
        audience: community.ap_id,
        object: flag,
      };
      return { person, community, activity: resolve, recipient: reporter };
    }
    default:
      return exhaustiveCheck(action);
  }
}

/** Our instance as a site ban's target: the site's URL, which is Lemmy's site actor id. */
export function instanceTargetOf(origin: string): string {
  return new URL("/", origin).href;
}

/**
 * The Block (or Undo(Block)) a site ban of a local person calls for, sent by the admin; null when
 * there is nothing to send: a remote person's site ban stays ours (Lemmy 0.19 accepts a site ban
 * only from the banned person's own instance).
 */
export async function siteBanActivity(
  ctx: PlenumContext,
  event: SiteBanEvent,
): Promise<{ admin: PersonRow; banned: PersonRow; activity: Json } | null> {
  const { db } = ctx.data;
  const [admin, banned] = await Promise.all([findPersonById(db, event.actorId), findPersonById(db, event.personId)]);
  if (!admin?.local || !banned?.local) return null;
  const block: Json = {
    id: newActivityId(ctx.origin, "block"),
    type: "Block",
    actor: admin.ap_id,
    to: [AS_PUBLIC],
    object: banned.ap_id,
    target: instanceTargetOf(ctx.origin),
    removeData: event.removeData,
    summary: event.reason ?? "",
    ...(event.expiresAt ? { expires: event.expiresAt, endTime: event.expiresAt } : {}),
  };
  if (event.banned) return { admin, banned, activity: block };
  // Lemmy 0.19 reads restoreData on the Undo; the Block inside carries removeData as well.
  const undo: Json = {
    id: newActivityId(ctx.origin, "undo"),
    type: "Undo",
    actor: admin.ap_id,
    to: [AS_PUBLIC],
    object: block,
    restoreData: event.removeData,
  };
  return { admin, banned, activity: undo };
}

/**
 * The Update of a local community's Group after its settings changed, by the moderator or admin
 * who changed them (as Lemmy sends it), for the community to announce; null if it is gone.
 */
export async function communityUpdateActivity(
  ctx: PlenumContext,
  event: CommunityUpdatedEvent,
): Promise<ModerationActivity | null> {
  const { db } = ctx.data;
  const [person, community] = await Promise.all([
    findPersonById(db, event.actorId),
    findCommunityById(db, event.communityId),
  ]);
  if (!person?.local || !community?.local || community.deleted || community.removed) return null;
  const keys = await ctx.getActorKeyPairs(communityIdentifier(community.name));
  // The Group exactly as its URL serves it, with the terms Lemmy reads under the names it reads.
  const served = (await toGroup(ctx, community, keys).toJsonLd({
    format: "compact",
    contextLoader: ctx.contextLoader,
  })) as Json;
  // Lemmy reads `sensitive` (Fedify writes "as:sensitive", the same term).
  const { "@context": groupContext, "as:sensitive": _sensitive, ...group } = served;
  const activity: Json = {
    id: newActivityId(ctx.origin, "update"),
    type: "Update",
    actor: person.ap_id,
    to: [community.ap_id, AS_PUBLIC],
    cc: [community.ap_id],
    audience: community.ap_id,
    object: {
      "@context": [...(groupContext === undefined ? [] : [groupContext].flat()), PLENUM_CONTEXT[2]],
      ...group,
      sensitive: community.nsfw,
      postingRestrictedToMods: community.posting_restricted_to_mods,
    },
  };
  return { person, community, activity };
}
