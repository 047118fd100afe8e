// Domain events: what happened, in domain words. Services write them to the "events" queue in
// the same transaction as the change they describe, so a committed change always gets its
// outbound federation, even across a crash (the bridge in packages/federation consumes them).
import type { DbLike } from "./db/connect.ts";
import { wake } from "./queue/consumer.ts";
import { enqueueMessages } from "./queue/queue.repository.ts";

export const EVENTS_QUEUE = "events";

export type DomainEvent =
  /** A local person asked to follow a remote community: send Follow. */
  | { type: "community_follow_requested"; communityId: string; personId: string; followActivityId: string }
  /** A local person stopped following a remote community: send Undo(Follow). */
  | { type: "community_unfollowed"; communityId: string; personId: string; followActivityId: string | null }
  /** A local community accepted a remote person's follow: send Accept(Follow). */
  | { type: "community_follow_accepted"; communityId: string; personId: string; followActivityId: string }
  /**
   * A remote person asked to follow a local person, who cannot be followed (as on Lemmy 0.19):
   * send Reject(Follow), so their server does not keep the request pending.
   */
  | { type: "person_follow_rejected"; personId: string; followerId: string; followActivityId: string }
  /** A local person wrote a post: send Create(Page) to a remote community, or announce it. */
  | { type: "post_created"; communityId: string; personId: string; postId: string }
  /** A local person edited their post: send Update(Page). */
  | { type: "post_updated"; communityId: string; personId: string; postId: string }
  /** A local person deleted (deleted = true) or restored their post: Delete, or Undo(Delete). */
  | { type: "post_deleted"; communityId: string; personId: string; postId: string; deleted: boolean }
  /** A local person wrote a comment: send Create(Note). */
  | { type: "comment_created"; communityId: string; personId: string; commentId: string }
  /** A local person edited their comment: send Update(Note). */
  | { type: "comment_updated"; communityId: string; personId: string; commentId: string }
  /** A local person deleted or restored their comment: Delete, or Undo(Delete). */
  | { type: "comment_deleted"; communityId: string; personId: string; commentId: string; deleted: boolean }
  /**
   * A local person's vote changed from `previous` to `score` (0: no vote): Like, Dislike, or
   * Undo of the previous one.
   */
  | {
      type: "vote_cast";
      communityId: string;
      personId: string;
      target: "post" | "comment";
      itemId: string;
      score: -1 | 0 | 1;
      previous: -1 | 0 | 1;
    }
  /**
   * A local community accepted an activity from another server (a remote person's post, comment,
   * vote or deletion): announce it, verbatim, to the community's followers (FEP-1b12).
   */
  | { type: "community_activity_received"; communityId: string; activity: Record<string, unknown> }
  /**
   * A local person moderated in a community (or reported something in a remote one): sent in
   * Lemmy's shape, announced by a local community or to a remote community's inbox.
   */
  | { type: "moderation_action"; communityId: string; actorId: string; action: ModerationAction }
  /** A local person changed their public profile: Update(Person) to the servers that know them. */
  | { type: "person_updated"; personId: string }
  /** A local person deleted their account: Delete(Person), removeData when their content went too. */
  | { type: "person_deleted"; personId: string; removeData: boolean }
  /** A moderator or admin changed a local community's settings: announce Update(Group). */
  | { type: "community_updated"; communityId: string; actorId: string }
  /**
   * An admin banned a person from the site or lifted the ban: for a local person, Block (or
   * Undo(Block)) with the instance as target, sent to every known instance, as Lemmy does.
   */
  | {
      type: "site_ban_changed";
      actorId: string;
      personId: string;
      banned: boolean;
      reason: string | null;
      expiresAt: string | null;
      removeData: boolean;
    };

/** What a moderation_action event did; `reason` is the moderator's, blank ones as null. */
export type ModerationAction =
  /** Removal by a moderator (not the author's deletion), or its reversal: Delete with summary, Undo(Delete). */
  | { kind: "remove"; target: "post" | "comment"; itemId: string; removed: boolean; reason: string | null }
  /** Lock, or Undo(Lock), of a post. */
  | { kind: "lock"; postId: string; locked: boolean; reason: string | null }
  /** Pin in the community, or unpin: Add/Remove with the featured collection as target. */
  | { kind: "feature"; postId: string; featured: boolean }
  /** Appointment or dismissal of a moderator: Add/Remove with the moderators collection as target. */
  | { kind: "moderator"; personId: string; added: boolean }
  /** Community ban or its lifting: Block, Undo(Block); expiresAt as ISO 8601. */
  | {
      kind: "ban";
      personId: string;
      banned: boolean;
      reason: string | null;
      expiresAt: string | null;
      removeData: boolean;
    }
  /** A report about a post or comment of a remote community: Flag, to the community. */
  | { kind: "report"; target: "post" | "comment"; itemId: string; reason: string }
  /** A report resolved: Resolve of the Flag, to a remote reporter's server (Lemmy 1.0). */
  | { kind: "resolve_report"; target: "post" | "comment"; itemId: string; reporterId: string };

export async function recordEvent(db: DbLike, event: DomainEvent): Promise<void> {
  // Events about one community stay in order (a Follow is never overtaken by its Undo); a
  // person's site bans too (a ban is never overtaken by its lifting).
  const orderingKey = "communityId" in event ? `community:${event.communityId}` : `person:${event.personId}`;
  await enqueueMessages(db, EVENTS_QUEUE, [event], { orderingKey });
}

/** Call after the transaction that recorded events has committed, to skip the poll delay. */
export function eventsCommitted(): void {
  wake(EVENTS_QUEUE);
}
