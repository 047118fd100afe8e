// The outbound bridge: turns domain events (from the "events" queue) into activities. Route
// handlers and services never send activities themselves; they record events in the same
// transaction as their change, and this runs in the worker (docs/architecture.md).
//
//   post/comment/vote, moderation or settings edit of a local person (moderation-out.ts)
//     ├─ community is remote → the activity, to the community's inbox (it announces it)
//     └─ community is local  → Announce(activity) to the followers' shared inboxes
//   activity received by a local community → Announce(activity verbatim) likewise
//   a report's resolution → to the reporter's server only
//   site ban of a local person → to one inbox on every instance known here
//   profile edit, account deletion (person-out.ts) → to the servers of the person's communities
//   a remote Follow of a local person → Reject(Follow), to the follower
//
// Posts (Create/Update of a Page) are announced a second time as Announce(Page), as Lemmy does
// (federation-wire-formats.md §2.8). Followers on microblog servers (Mastodon and kin) get only
// an Announce of each new post, and its author's own Update and Delete of it (microblog.ts).
import { Accept, Follow, type Recipient, Reject, Undo } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import {
  type CommunityRow,
  type DomainEvent,
  exhaustiveCheck,
  findCommunityById,
  findPersonById,
  getCommentObjectView,
  getPostObjectView,
  hostOf,
  listFederationLists,
  listInstanceInboxes,
  listRemoteFollowers,
  type PersonRow,
  type PostObjectView,
} from "@plenum/core";
import {
  newActivityId,
  toAnnounceJson,
  toCreateOrUpdateJson,
  toDeleteJson,
  toUndoJson,
  toVoteJson,
} from "./activities.ts";
import type { PlenumContext } from "./context.ts";
import { type Delivery, deliveriesFor, deliverJson } from "./deliver.ts";
import { communityIdentifier, personIdentifier } from "./identifiers.ts";
import { microblogAuthorOf, postOf, splitByInstanceKind, toMicroblogActivityJson } from "./microblog.ts";
import { communityUpdateActivity, moderationActivity, siteBanActivity } from "./moderation-out.ts";
import { isGone, type Json, toNoteJson, toPageJson, withContext } from "./objects.ts";
import { personActivity, personAudience } from "./person-out.ts";

const logger = getLogger(["plenum", "federation", "bridge"]);

function recipientOf(actor: PersonRow | CommunityRow): Recipient {
  return {
    id: new URL(actor.ap_id),
    inboxId: new URL(actor.inbox_url),
    endpoints: actor.shared_inbox_url ? { sharedInbox: new URL(actor.shared_inbox_url) } : null,
  };
}

const activityId = (ctx: PlenumContext, type: string) => new URL(newActivityId(ctx.origin, type));

/** Deliveries to instances the site's lists allow (docs/api.md, "Instance lists"): not blocked,
 *  and listed when there is an allow list. */
async function allowed(ctx: PlenumContext, targets: Delivery[]): Promise<Delivery[]> {
  const lists = await listFederationLists(ctx.data.db);
  const blocked = new Set(lists.blocked.map((instance) => instance.host));
  const allowList = new Set(lists.allowed.map((instance) => instance.host));
  return targets.filter((target) => {
    const host = hostOf(target.inbox).toLowerCase();
    return !blocked.has(host) && (allowList.size === 0 || allowList.has(host));
  });
}

/**
 * A local community announces `activity` to its followers: one delivery per shared inbox. Servers
 * that read FEP-1b12 (and unknown ones) get every activity wrapped, and a post's Create or Update
 * also as the Page itself with the author as `actor`; microblog servers get only each new post,
 * once, and its withdrawal, plus a local author's own edits and deletion of it (microblog.ts).
 */
async function announce(ctx: PlenumContext, community: CommunityRow, activity: Json): Promise<void> {
  const followers = await listRemoteFollowers(ctx.data.db, community.id);
  const targets = await allowed(ctx, deliveriesFor(followers, ctx.origin));
  if (targets.length === 0) return;
  const group = {
    apId: community.ap_id,
    followersUrl: community.followers_url ?? ctx.data.urls.followers(community.ap_id),
  };
  const sender = communityIdentifier(community.name);
  const ordered = { orderingKey: community.ap_id };
  const { threadiverse, microblog } = await splitByInstanceKind(ctx, targets);
  const innerType = typeof activity.type === "string" ? activity.type.toLowerCase() : "activity";
  const wrapped = toAnnounceJson(newActivityId(ctx.origin, `announce/${innerType}`), group, activity);
  await deliverJson(ctx, sender, threadiverse, withContext(wrapped), ordered);
  const page = postOf(activity);
  if (page) {
    const { "@context": _context, ...bare } = page;
    const pageAnnounce = toAnnounceJson(newActivityId(ctx.origin, "announce/page"), group, {
      ...bare,
      actor: activity.actor,
    });
    await deliverJson(ctx, sender, threadiverse, withContext(pageAnnounce), ordered);
  }
  if (microblog.length > 0) {
    const boost = await toMicroblogActivityJson(ctx, group, activity, (type) => newActivityId(ctx.origin, type));
    if (boost) await deliverJson(ctx, sender, microblog, withContext(boost), ordered);
    const author = await microblogAuthorOf(ctx, activity);
    if (author) await deliverJson(ctx, personIdentifier(author), microblog, withContext(activity), ordered);
  }
}

/**
 * Publishes an activity of a local person about something in `community`: to the community's
 * inbox when it is remote (it announces it onward), or announced by the community when local.
 */
async function publish(ctx: PlenumContext, person: PersonRow, community: CommunityRow, activity: Json) {
  if (community.local) {
    await announce(ctx, community, activity);
    return;
  }
  const targets = await allowed(
    ctx,
    deliveriesFor(
      [{ apId: community.ap_id, inboxUrl: community.inbox_url, sharedInboxUrl: community.shared_inbox_url }],
      ctx.origin,
    ),
  );
  await deliverJson(ctx, personIdentifier(person.name), targets, withContext(activity), {
    orderingKey: community.ap_id,
  });
}

/**
 * Ids of a post's outbox item and of the Create it wraps. Outbox items are written when the outbox
 * is read, not sent, so their ids are derived from the post: the same on every read, and
 * fetchable at that id (outboxItemAt) like the activities we send.
 */
function outboxItemIds(origin: string, postId: string): { announce: string; create: string } {
  return {
    announce: `${origin}/activities/announce/create/post-${postId}`,
    create: `${origin}/activities/create/post-${postId}`,
  };
}

/** One item of a community outbox: Announce(Create(Page)), as Lemmy lists them. */
export function toOutboxItemJson(ctx: PlenumContext, view: PostObjectView): Json {
  const { creator, community } = view;
  const ids = outboxItemIds(ctx.origin, view.post.id);
  const create = toCreateOrUpdateJson(
    "Create",
    ids.create,
    { actor: creator.ap_id, community: community.ap_id },
    toPageJson(view),
  );
  return toAnnounceJson(
    ids.announce,
    { apId: community.ap_id, followersUrl: community.followers_url ?? ctx.data.urls.followers(community.ap_id) },
    create,
  );
}

/**
 * The outbox item (or the Create it wraps) whose id is `path` under /activities/, as a complete
 * document; null when the path is no outbox item id or its post is not a live local post of a
 * local community.
 */
export async function outboxItemAt(ctx: PlenumContext, path: string): Promise<Json | null> {
  const match = /^(announce\/)?create\/post-(\d+)$/.exec(path);
  if (!match) return null;
  const view = await getPostObjectView(ctx.data.db, match[2] as string);
  if (!view?.post.local || !view.community.local || isGone(view.post)) return null;
  const item = toOutboxItemJson(ctx, view);
  return withContext(match[1] ? item : (item.object as Json));
}

type ContentEvent = Extract<
  DomainEvent,
  {
    type:
      | "post_created"
      | "post_updated"
      | "post_deleted"
      | "comment_created"
      | "comment_updated"
      | "comment_deleted"
      | "vote_cast";
  }
>;

/** The activity a local person's post, comment or vote event calls for, or null if moot now. */
async function contentActivity(
  ctx: PlenumContext,
  event: ContentEvent,
): Promise<{ person: PersonRow; community: CommunityRow; activity: Json } | null> {
  const { db } = ctx.data;
  switch (event.type) {
    case "post_created":
    case "post_updated":
    case "post_deleted": {
      const view = await getPostObjectView(db, event.postId);
      if (!view?.post.local || !view.creator.local) return null;
      const addressing = { actor: view.creator.ap_id, community: view.community.ap_id };
      if (event.type === "post_deleted") {
        return {
          person: view.creator,
          community: view.community,
          activity: deletion(ctx, event, addressing, view.post.ap_id),
        };
      }
      // Content deleted or removed meanwhile is not sent (its Delete follows, if it was ours).
      if (isGone(view.post)) return null;
      const type = event.type === "post_created" ? "Create" : "Update";
      const id = newActivityId(ctx.origin, type.toLowerCase());
      return {
        person: view.creator,
        community: view.community,
        activity: toCreateOrUpdateJson(type, id, addressing, toPageJson(view)),
      };
    }
    case "comment_created":
    case "comment_updated":
    case "comment_deleted": {
      const view = await getCommentObjectView(db, event.commentId);
      if (!view?.comment.local || !view.creator.local) return null;
      const addressing = { actor: view.creator.ap_id, community: view.community.ap_id };
      if (event.type === "comment_deleted") {
        return {
          person: view.creator,
          community: view.community,
          activity: deletion(ctx, event, addressing, view.comment.ap_id),
        };
      }
      if (isGone(view.comment)) return null;
      const type = event.type === "comment_created" ? "Create" : "Update";
      const id = newActivityId(ctx.origin, type.toLowerCase());
      return {
        person: view.creator,
        community: view.community,
        activity: toCreateOrUpdateJson(type, id, addressing, toNoteJson(view)),
      };
    }
    case "vote_cast": {
      const [person, community] = await Promise.all([
        findPersonById(db, event.personId),
        findCommunityById(db, event.communityId),
      ]);
      const item =
        event.target === "post"
          ? await db.selectFrom("posts").select("ap_id").where("id", "=", event.itemId).executeTakeFirst()
          : await db.selectFrom("comments").select("ap_id").where("id", "=", event.itemId).executeTakeFirst();
      if (!person?.local || !community || !item) return null;
      const addressing = { actor: person.ap_id, community: community.ap_id };
      const vote = (score: -1 | 1) =>
        toVoteJson(
          newActivityId(ctx.origin, score === 1 ? "like" : "dislike"),
          score === 1 ? "Like" : "Dislike",
          addressing,
          item.ap_id,
        );
      if (event.score !== 0) return { person, community, activity: vote(event.score) };
      if (event.previous === 0) return null;
      // Taking a vote back undoes it; as in Lemmy the Undo carries a new copy of the vote.
      const undo = toUndoJson(newActivityId(ctx.origin, "undo"), addressing, vote(event.previous));
      return { person, community, activity: undo };
    }
    default:
      return exhaustiveCheck(event);
  }
}

/** Delete of a post or comment, or Undo(Delete) when it was restored. */
function deletion(
  ctx: PlenumContext,
  event: { deleted: boolean },
  addressing: { actor: string; community: string },
  objectId: string,
): Json {
  const remove = toDeleteJson(newActivityId(ctx.origin, "delete"), addressing, objectId);
  return event.deleted ? remove : toUndoJson(newActivityId(ctx.origin, "undo"), addressing, remove);
}

/**
 * Sends what an event calls for. Deliveries about one community carry its id as ordering key, so
 * Fedify delivers them to each inbox in order (a Follow is never overtaken by its Undo).
 */
export async function handleDomainEvent(ctx: PlenumContext, event: DomainEvent): Promise<void> {
  const { db } = ctx.data;
  switch (event.type) {
    case "community_follow_requested":
    case "community_unfollowed":
    case "community_follow_accepted":
      await handleFollowEvent(ctx, event);
      return;
    case "post_created":
    case "post_updated":
    case "post_deleted":
    case "comment_created":
    case "comment_updated":
    case "comment_deleted":
    case "vote_cast": {
      const found = await contentActivity(ctx, event);
      if (!found) {
        logger.info("Event {type}: nothing left to send", { type: event.type });
        return;
      }
      await publish(ctx, found.person, found.community, found.activity);
      return;
    }
    case "moderation_action": {
      const found = await moderationActivity(ctx, event);
      if (found?.recipient) {
        // Not through the community: only the reporter's server hears of the report.
        const { recipient } = found;
        const owner = {
          apId: recipient.ap_id,
          inboxUrl: recipient.inbox_url,
          sharedInboxUrl: recipient.shared_inbox_url,
        };
        const targets = await allowed(ctx, deliveriesFor([owner], ctx.origin));
        await deliverJson(ctx, personIdentifier(found.person.name), targets, withContext(found.activity), {
          orderingKey: found.community.ap_id,
        });
      } else if (found) await publish(ctx, found.person, found.community, found.activity);
      return;
    }
    case "community_updated": {
      const found = await communityUpdateActivity(ctx, event);
      if (found) await publish(ctx, found.person, found.community, found.activity);
      return;
    }
    case "site_ban_changed": {
      const found = await siteBanActivity(ctx, event);
      if (!found) return;
      // Lemmy sends a site ban to every instance it knows; a person's bans keep their order.
      const targets = await allowed(ctx, deliveriesFor(await listInstanceInboxes(db), ctx.origin));
      await deliverJson(ctx, personIdentifier(found.admin.name), targets, withContext(found.activity), {
        orderingKey: found.banned.ap_id,
      });
      return;
    }
    case "person_updated":
    case "person_deleted": {
      const found = await personActivity(ctx, event);
      if (!found) return;
      const targets = await allowed(ctx, await personAudience(ctx, event));
      await deliverJson(ctx, personIdentifier(found.person.name), targets, found.activity, {
        orderingKey: found.person.ap_id,
      });
      return;
    }
    case "person_follow_rejected": {
      const [person, follower] = await Promise.all([
        findPersonById(db, event.personId),
        findPersonById(db, event.followerId),
      ]);
      if (!person?.local || !follower || follower.local) return;
      // Mastodon matches the Reject to its follow request by the embedded Follow's id.
      const reject = new Reject({
        id: activityId(ctx, "reject"),
        actor: new URL(person.ap_id),
        to: new URL(follower.ap_id),
        object: new Follow({
          id: new URL(event.followActivityId),
          actor: new URL(follower.ap_id),
          object: new URL(person.ap_id),
        }),
      });
      await ctx.sendActivity({ identifier: personIdentifier(person.name) }, recipientOf(follower), reject, {
        orderingKey: person.ap_id,
      });
      return;
    }
    case "community_activity_received": {
      const community = await findCommunityById(db, event.communityId);
      if (!community?.local || community.deleted || community.removed) return;
      await announce(ctx, community, event.activity);
      return;
    }
    default:
      exhaustiveCheck(event);
  }
}

type FollowEvent = Extract<
  DomainEvent,
  { type: "community_follow_requested" | "community_unfollowed" | "community_follow_accepted" }
>;

async function handleFollowEvent(ctx: PlenumContext, event: FollowEvent): Promise<void> {
  const { db } = ctx.data;
  const [community, person] = await Promise.all([
    findCommunityById(db, event.communityId),
    findPersonById(db, event.personId),
  ]);
  if (!community || !person) {
    // Deleted since the event was recorded: nothing left to tell anyone.
    logger.info("Event {type} for a deleted community or person: skipped", { type: event.type });
    return;
  }
  switch (event.type) {
    case "community_follow_requested": {
      const follow = new Follow({
        id: new URL(event.followActivityId),
        actor: new URL(person.ap_id),
        object: new URL(community.ap_id),
        to: new URL(community.ap_id),
      });
      await ctx.sendActivity({ identifier: personIdentifier(person.name) }, recipientOf(community), follow, {
        orderingKey: community.ap_id,
      });
      return;
    }
    case "community_unfollowed": {
      const undo = new Undo({
        id: activityId(ctx, "undo"),
        actor: new URL(person.ap_id),
        to: new URL(community.ap_id),
        object: new Follow({
          id: event.followActivityId ? new URL(event.followActivityId) : activityId(ctx, "follow"),
          actor: new URL(person.ap_id),
          object: new URL(community.ap_id),
        }),
      });
      await ctx.sendActivity({ identifier: personIdentifier(person.name) }, recipientOf(community), undo, {
        orderingKey: community.ap_id,
      });
      return;
    }
    case "community_follow_accepted": {
      // Accept embeds the Follow with its original id, which Lemmy needs to match it.
      const accept = new Accept({
        id: activityId(ctx, "accept"),
        actor: new URL(community.ap_id),
        to: new URL(person.ap_id),
        object: new Follow({
          id: new URL(event.followActivityId),
          actor: new URL(person.ap_id),
          object: new URL(community.ap_id),
        }),
      });
      await ctx.sendActivity({ identifier: communityIdentifier(community.name) }, recipientOf(person), accept, {
        orderingKey: community.ap_id,
      });
      return;
    }
    default:
      exhaustiveCheck(event);
  }
}
