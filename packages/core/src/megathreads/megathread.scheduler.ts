// The megathread scheduler: posts each slot when its time comes. The worker calls
// runMegathreadTick periodically (packages/server/src/runtime.ts); tests call it with the time
// they want it to be.
//
//   tick(now)
//    ├─ ensureUpcomingSlots(now)          top up every active series' slot rows
//    └─ repeat, one transaction each:
//         claim the oldest due slot        SELECT … FOR UPDATE OF slot SKIP LOCKED
//         lock its series row              posts of one series happen one at a time
//         post the thread as its author    insertLocalPost (the ordinary post path)
//         pin it, unpin/lock the previous      with their moderation events (federated)
//         slot.status = posted, post_id    same transaction: the claim and the post commit together
//
// Exactly once: a slot is posted only in the transaction that holds its row lock and moves its
// status from open/reserved to posted, so a second worker either skips the locked row or, once
// the first has committed, no longer finds it due; a crash before the commit leaves no post and
// the slot still due, so the next tick (in any process) posts it. Nothing is kept in memory
// between ticks, so restarts neither skip nor repeat a thread.
import type { Db, DbLike } from "../db/connect.ts";
import type { CommunityRow, MegathreadSeriesRow, MegathreadSlotRow, PersonRow, PostRow } from "../db/schema.ts";
import { eventsCommitted, type ModerationAction, recordEvent } from "../events.ts";
import { updatePost } from "../posts/post.repository.ts";
import { insertLocalPost, MAX_POST_BODY_LENGTH, MAX_POST_TITLE_LENGTH } from "../posts/post.service.ts";
import type { LocalUrls } from "../urls.ts";
import { localDateTime, renderTemplate } from "./megathread.schedule.ts";
import { ensureUpcomingSlots, megathreadTitle } from "./megathread.service.ts";

/** Most slots one tick handles; the rest wait for the next tick (bounds one tick's work). */
const MAX_SLOTS_PER_TICK = 100;

/** Why a due slot got no thread. */
export type MissedReason =
  /** A later occurrence of the series was due too (the scheduler did not run for a whole period). */
  | "superseded"
  /** The community is gone, or not on this instance. */
  | "community_unavailable"
  /** Nobody reserved it and the community has no local moderator to post it. */
  | "no_author";

export interface MegathreadTickResult {
  posted: { slotId: string; seriesId: string; post: PostRow }[];
  missed: { slotId: string; seriesId: string; reason: MissedReason }[];
}

type Outcome =
  | { kind: "posted"; slot: MegathreadSlotRow; post: PostRow }
  | { kind: "missed"; slot: MegathreadSlotRow; reason: MissedReason };

/**
 * Posts every megathread slot that is due at `now` and not yet posted. Safe to run in several
 * processes at once and to repeat: each slot is posted at most once (see the file's note).
 */
export async function runMegathreadTick(db: Db, urls: LocalUrls, now: Date): Promise<MegathreadTickResult> {
  await ensureUpcomingSlots(db, now);
  const result: MegathreadTickResult = { posted: [], missed: [] };
  for (let handled = 0; handled < MAX_SLOTS_PER_TICK; handled++) {
    const outcome = await db.transaction().execute((trx) => postNextDueSlot(trx, urls, now));
    if (!outcome) break;
    if (outcome.kind === "posted") {
      // The post's federation event (recorded by insertLocalPost) can go out now.
      eventsCommitted();
      result.posted.push({ slotId: outcome.slot.id, seriesId: outcome.slot.series_id, post: outcome.post });
    } else {
      result.missed.push({ slotId: outcome.slot.id, seriesId: outcome.slot.series_id, reason: outcome.reason });
    }
  }
  return result;
}

async function postNextDueSlot(trx: DbLike, urls: LocalUrls, now: Date): Promise<Outcome | null> {
  const slot = await trx
    .selectFrom("megathread_slots as sl")
    .innerJoin("megathread_series as s", "s.id", "sl.series_id")
    .selectAll("sl")
    .where("sl.status", "in", ["open", "reserved"])
    .where("sl.occurs_at", "<=", now)
    .where("s.active", "=", true)
    .orderBy("sl.occurs_at")
    .orderBy("sl.id")
    .limit(1)
    .forUpdate("sl")
    .skipLocked()
    .executeTakeFirst();
  if (!slot) return null;
  const series = await trx
    .selectFrom("megathread_series")
    .selectAll()
    .where("id", "=", slot.series_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const missed = async (reason: MissedReason): Promise<Outcome> => {
    await trx.updateTable("megathread_slots").set({ status: "missed" }).where("id", "=", slot.id).execute();
    return { kind: "missed", slot, reason };
  };

  const community = await trx
    .selectFrom("communities")
    .selectAll()
    .where("id", "=", series.community_id)
    .executeTakeFirst();
  if (!community?.local || community.deleted || community.removed) return missed("community_unavailable");
  const laterDue = await trx
    .selectFrom("megathread_slots")
    .select("id")
    .where("series_id", "=", series.id)
    .where("occurs_at", ">", slot.occurs_at)
    .where("occurs_at", "<=", now)
    .limit(1)
    .executeTakeFirst();
  if (laterDue) return missed("superseded");
  const author = await authorOf(trx, slot, community);
  if (!author) return missed("no_author");

  const posted = await trx
    .selectFrom("megathread_slots")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("series_id", "=", series.id)
    .where("status", "=", "posted")
    .executeTakeFirstOrThrow();
  const sequence = Number(posted.n) + 1;
  const previous = await trx
    .selectFrom("megathread_slots")
    .select("post_id")
    .where("series_id", "=", series.id)
    .where("status", "=", "posted")
    .where("post_id", "is not", null)
    .orderBy("occurs_at", "desc")
    .limit(1)
    .executeTakeFirst();

  const content = threadContent(series, slot, sequence);
  let post = await insertLocalPost(trx, urls, community, author, content);
  if (series.pin_community || series.pin_local) {
    post = await updatePost(trx, post.id, {
      featured_community: series.pin_community,
      featured_local: series.pin_local,
    });
  }
  if (previous?.post_id) {
    await updatePost(trx, previous.post_id, {
      ...(series.pin_community ? { featured_community: false } : {}),
      ...(series.pin_local ? { featured_local: false } : {}),
      ...(series.lock_previous ? { locked: true } : {}),
    });
  }
  // Other servers see the community's pins and locks as they see a moderator's (Add/Remove with
  // the featured collection, Lock); the thread's author, on the community's instance, acts.
  const moderation = (action: ModerationAction) =>
    recordEvent(trx, { type: "moderation_action", communityId: community.id, actorId: author.id, action });
  if (series.pin_community) await moderation({ kind: "feature", postId: post.id, featured: true });
  if (previous?.post_id && series.pin_community) {
    await moderation({ kind: "feature", postId: previous.post_id, featured: false });
  }
  if (previous?.post_id && series.lock_previous) {
    await moderation({ kind: "lock", postId: previous.post_id, locked: true, reason: null });
  }
  const done = await trx
    .updateTable("megathread_slots")
    .set({ status: "posted", post_id: post.id, sequence, posted_at: now })
    .where("id", "=", slot.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { kind: "posted", slot: done, post };
}

/**
 * Who posts a slot: the member holding it, or else "the community itself", which Plenum writes
 * as its first local moderator (by appointment), since a post needs a person as its creator.
 */
async function authorOf(trx: DbLike, slot: MegathreadSlotRow, community: CommunityRow): Promise<PersonRow | null> {
  if (slot.status === "reserved" && slot.reserved_by) {
    const holder = await trx.selectFrom("persons").selectAll().where("id", "=", slot.reserved_by).executeTakeFirst();
    if (holder?.local && !holder.deleted) return holder;
  }
  const moderator = await trx
    .selectFrom("community_moderators as m")
    .innerJoin("persons as p", "p.id", "m.person_id")
    .selectAll("p")
    .where("m.community_id", "=", community.id)
    .where("p.local", "=", true)
    .where("p.deleted", "=", false)
    .orderBy("m.created_at")
    .orderBy("p.id")
    .limit(1)
    .executeTakeFirst();
  return moderator ?? null;
}

/** Cuts text to at most `max` characters (code points). */
const cut = (text: string, max: number) => [...text].slice(0, max).join("");

/** The thread's title and body: the holder's own, else the series' template, filled in. */
function threadContent(series: MegathreadSeriesRow, slot: MegathreadSlotRow, sequence: number) {
  const values = { ...localDateTime(slot.occurs_at, series.time_zone), n: sequence };
  // Patterns and suffixes were checked against the longest values when they were saved; the cut
  // only guards against rows written some other way.
  const title = cut(
    megathreadTitle(series.title_pattern, slot.title_suffix, values).replace(/[\r\n]+/g, " "),
    MAX_POST_TITLE_LENGTH,
  );
  const body = renderTemplate(slot.body ?? series.body_template, values);
  return {
    title: title.trim() === "" ? `Megathread ${values.date}` : title,
    body: body.trim() === "" ? null : cut(body, MAX_POST_BODY_LENGTH),
  };
}
