// Megathreads: a community's recurring pinned threads. Moderators set up a series (title pattern,
// body template, schedule, pins); its next occurrences are kept as slot rows, which members
// reserve (one per member per series at a time) and write ahead; moderators assign, release or
// refuse slots. The scheduler (megathread.scheduler.ts) posts each slot when its time comes.
import { sql } from "kysely";
import type { LocalAccount } from "../accounts/account.service.ts";
import { findCommunityById } from "../communities/community.repository.ts";
import { canModerate } from "../communities/community.service.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommunityRow, MegathreadSeriesRow, MegathreadSlotRow } from "../db/schema.ts";
import { findPersonById } from "../persons/person.repository.ts";
import { isUniqueViolation } from "../persons/person.service.ts";
import { MAX_POST_BODY_LENGTH, MAX_POST_TITLE_LENGTH } from "../posts/post.service.ts";
import { err, ok, type Result } from "../result.ts";
import {
  findSeriesById,
  findSlotById,
  insertSeries,
  insertSlots,
  scheduleOf,
  updateSeries,
} from "./megathread.repository.ts";
import {
  checkSchedule,
  localDateTime,
  type MegathreadSchedule,
  nextOccurrences,
  renderTemplate,
  type ScheduleError,
  type TemplateValues,
} from "./megathread.schedule.ts";

/**
 * Occurrences of each active series kept as slot rows ahead of time: what members see and can
 * reserve (eight weeks of a weekly thread, eight days of a daily one).
 */
export const UPCOMING_SLOT_COUNT = 8;
/** Longest title suffix a member may add to their slot's title, in characters. */
export const MAX_TITLE_SUFFIX_LENGTH = 100;
/** Values that make a pattern as long as it gets, to check titles before {n} is known. */
const LONGEST_VALUES: TemplateValues = { date: "2026-12-31", time: "23:59", n: 99999 };
/** Between the pattern's title and a member's suffix. */
const SUFFIX_SEPARATOR = " — ";

const characters = (text: string) => [...text].length;

/** A thread title: the series' pattern filled in, then the member's suffix, if any. */
export function megathreadTitle(pattern: string, suffix: string | null, values: TemplateValues): string {
  const title = renderTemplate(pattern, values).trim();
  const extra = suffix ? renderTemplate(suffix, values).trim() : "";
  return extra ? `${title}${SUFFIX_SEPARATOR}${extra}` : title;
}

function isValidTitle(title: string): boolean {
  return title.length > 0 && characters(title) <= MAX_POST_TITLE_LENGTH && !/[\r\n]/.test(title);
}

/** What a series is and does, as a caller gives it; undefined leaves a field alone (on edit). */
export interface SeriesInput {
  titlePattern?: string;
  bodyTemplate?: string;
  /** On edit, the fields given replace the stored ones (the kind's other fields may be left out). */
  schedule?: Partial<MegathreadSchedule>;
  pinCommunity?: boolean;
  pinLocal?: boolean;
  commentsSortNew?: boolean;
  lockPrevious?: boolean;
  active?: boolean;
}

export type SeriesError =
  | { type: "couldnt_find_community" }
  | { type: "couldnt_find_megathread_series" }
  | { type: "object_not_local" }
  | { type: "not_a_mod_or_admin" }
  | { type: "not_an_admin" }
  | { type: "invalid_post_title" }
  | { type: "invalid_body_field" }
  | ScheduleError;

/** Moderators and admins may run a local community's megathreads; site-wide pins are for admins. */
async function checkModerator(
  db: DbLike,
  actor: LocalAccount,
  community: CommunityRow | undefined,
): Promise<Result<CommunityRow, SeriesError>> {
  if (!community || community.deleted || community.removed) return err({ type: "couldnt_find_community" });
  if (!community.local) return err({ type: "object_not_local" });
  if (!(await canModerate(db, actor, community.id))) return err({ type: "not_a_mod_or_admin" });
  return ok(community);
}

function checkTexts(input: SeriesInput): Result<void, SeriesError> {
  if (input.titlePattern !== undefined && !isValidTitle(megathreadTitle(input.titlePattern, null, LONGEST_VALUES))) {
    return err({ type: "invalid_post_title" });
  }
  if (input.bodyTemplate !== undefined && characters(input.bodyTemplate) > MAX_POST_BODY_LENGTH) {
    return err({ type: "invalid_body_field" });
  }
  return ok(undefined);
}

function scheduleColumns(schedule: MegathreadSchedule) {
  return {
    schedule_kind: schedule.kind,
    weekday: schedule.kind === "weekly" ? (schedule.weekday ?? null) : null,
    month_day: schedule.kind === "monthly" ? (schedule.monthDay ?? null) : null,
    once_date: schedule.kind === "once" ? (schedule.date ?? null) : null,
    time_of_day: schedule.time,
    time_zone: schedule.timeZone,
  };
}

/** A moderator sets up a series; its first slots are created at once. */
export async function createSeries(
  db: Db,
  actor: LocalAccount,
  communityId: string,
  input: SeriesInput & { titlePattern: string; schedule: MegathreadSchedule },
  now: Date = new Date(),
): Promise<Result<MegathreadSeriesRow, SeriesError>> {
  const community = await checkModerator(db, actor, await findCommunityById(db, communityId));
  if (!community.ok) return community;
  if (input.pinLocal && !actor.localUser.admin) return err({ type: "not_an_admin" });
  const texts = checkTexts(input);
  if (!texts.ok) return texts;
  const schedule = checkSchedule(input.schedule);
  if (!schedule.ok) return schedule;
  const occurrences = nextOccurrences(schedule.value, now, UPCOMING_SLOT_COUNT);
  if (occurrences.length === 0) {
    return err({ type: "invalid_megathread_schedule", reason: "that time has passed" });
  }
  const series = await db.transaction().execute(async (trx) => {
    const series = await insertSeries(trx, {
      community_id: community.value.id,
      creator_id: actor.person.id,
      title_pattern: input.titlePattern.trim(),
      body_template: input.bodyTemplate ?? "",
      ...scheduleColumns(schedule.value),
      pin_community: input.pinCommunity ?? true,
      pin_local: input.pinLocal ?? false,
      comments_sort_new: input.commentsSortNew ?? true,
      lock_previous: input.lockPrevious ?? false,
      active: input.active ?? true,
    });
    await insertSlots(trx, series.id, occurrences);
    return series;
  });
  return ok(series);
}

const sameSchedule = (a: MegathreadSchedule, b: MegathreadSchedule) =>
  JSON.stringify(scheduleColumns(a)) === JSON.stringify(scheduleColumns(b));

/**
 * A moderator changes a series. A new schedule replaces the upcoming slots: those no longer on it
 * go, with their reservations; those still on it (same instant) keep theirs.
 */
export async function editSeries(
  db: Db,
  actor: LocalAccount,
  seriesId: string,
  input: SeriesInput,
  now: Date = new Date(),
): Promise<Result<MegathreadSeriesRow, SeriesError>> {
  const series = await findSeriesById(db, seriesId);
  if (!series) return err({ type: "couldnt_find_megathread_series" });
  const community = await checkModerator(db, actor, await findCommunityById(db, series.community_id));
  if (!community.ok) return community;
  if (input.pinLocal !== undefined && input.pinLocal !== series.pin_local && !actor.localUser.admin) {
    return err({ type: "not_an_admin" });
  }
  const texts = checkTexts(input);
  if (!texts.ok) return texts;
  const stored = scheduleOf(series);
  const merged = checkSchedule({ ...stored, ...input.schedule });
  if (!merged.ok) return merged;
  const scheduleChanged = !sameSchedule(stored, merged.value);
  const updated = await db.transaction().execute(async (trx) => {
    // Slots first, then the series: the scheduler locks in that order too.
    if (scheduleChanged) await replaceUpcomingSlots(trx, series.id, merged.value, now);
    if (input.active && !series.active) {
      // Occurrences that came while the series was paused are not posted late on resuming.
      await trx
        .updateTable("megathread_slots")
        .set({ status: "missed" })
        .where("series_id", "=", series.id)
        .where("status", "in", ["open", "reserved"])
        .where("occurs_at", "<=", now)
        .execute();
    }
    return updateSeries(trx, series.id, {
      ...(input.titlePattern !== undefined ? { title_pattern: input.titlePattern.trim() } : {}),
      ...(input.bodyTemplate !== undefined ? { body_template: input.bodyTemplate } : {}),
      ...scheduleColumns(merged.value),
      ...(input.pinCommunity !== undefined ? { pin_community: input.pinCommunity } : {}),
      ...(input.pinLocal !== undefined ? { pin_local: input.pinLocal } : {}),
      ...(input.commentsSortNew !== undefined ? { comments_sort_new: input.commentsSortNew } : {}),
      ...(input.lockPrevious !== undefined ? { lock_previous: input.lockPrevious } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      updated_at: new Date(),
    });
  });
  return ok(updated);
}

async function replaceUpcomingSlots(trx: DbLike, seriesId: string, schedule: MegathreadSchedule, now: Date) {
  const occurrences = nextOccurrences(schedule, now, UPCOMING_SLOT_COUNT);
  let stale = trx
    .deleteFrom("megathread_slots")
    .where("series_id", "=", seriesId)
    .where("occurs_at", ">", now)
    .where("status", "in", ["open", "reserved", "refused"]);
  if (occurrences.length > 0) stale = stale.where("occurs_at", "not in", occurrences);
  await stale.execute();
  await insertSlots(trx, seriesId, occurrences);
}

/**
 * Tops up the upcoming slots of active series (all, or one community's) to UPCOMING_SLOT_COUNT.
 * Pages call it before listing slots, and the scheduler on every tick, so a series always has its
 * next occurrence as a row well before it is due. Safe to run anywhere at once: the unique
 * (series_id, occurs_at) key turns a second insert of a slot into nothing.
 */
export async function ensureUpcomingSlots(
  db: DbLike,
  now: Date,
  filter: { communityId?: string; seriesId?: string } = {},
): Promise<void> {
  let query = db
    .selectFrom("megathread_series as s")
    .innerJoin("communities as c", "c.id", "s.community_id")
    .selectAll("s")
    .where("s.active", "=", true)
    .where("c.deleted", "=", false)
    .where("c.removed", "=", false)
    .where(
      sql<boolean>`(select count(*) from megathread_slots sl where sl.series_id = s.id and sl.occurs_at > ${now}) < ${UPCOMING_SLOT_COUNT}`,
    );
  if (filter.communityId) query = query.where("s.community_id", "=", filter.communityId);
  if (filter.seriesId) query = query.where("s.id", "=", filter.seriesId);
  for (const series of await query.execute()) {
    // A one-off series whose time has passed has nothing more to add.
    await insertSlots(db, series.id, nextOccurrences(scheduleOf(series), now, UPCOMING_SLOT_COUNT));
  }
}

// ---- Slots: reservations by members, and the moderators' say over them. ----

export type SlotError =
  | { type: "couldnt_find_megathread_slot" }
  | { type: "couldnt_find_person" }
  | { type: "slot_already_reserved" }
  | { type: "slot_not_open" }
  | { type: "already_reserved_in_series" }
  | { type: "not_slot_holder" }
  | { type: "not_a_mod_or_admin" }
  | { type: "only_mods_can_post_in_community" }
  | { type: "invalid_post_title" }
  | { type: "invalid_body_field" };

interface SlotContext {
  slot: MegathreadSlotRow;
  series: MegathreadSeriesRow;
  community: CommunityRow;
}

async function loadSlot(db: DbLike, slotId: string): Promise<SlotContext | undefined> {
  const slot = await findSlotById(db, slotId);
  if (!slot) return undefined;
  const series = await findSeriesById(db, slot.series_id);
  const community = series ? await findCommunityById(db, series.community_id) : undefined;
  if (!series || !community || community.deleted || community.removed) return undefined;
  return { slot, series, community };
}

/** Whether a slot can still be taken: not posted, missed or refused, and its time not yet come. */
const isUpcoming = (slot: MegathreadSlotRow, now: Date) =>
  slot.occurs_at.getTime() > now.getTime() && (slot.status === "open" || slot.status === "reserved");

/**
 * A member reserves an open upcoming slot: they will be the author of that thread. One slot per
 * member per series at a time (a unique partial index enforces it); when two members race for a
 * slot, the row lock lets exactly one of them have it and the other gets slot_already_reserved.
 */
export async function reserveSlot(
  db: Db,
  actor: LocalAccount,
  slotId: string,
  now: Date = new Date(),
): Promise<Result<MegathreadSlotRow, SlotError>> {
  const found = await loadSlot(db, slotId);
  if (!found) return err({ type: "couldnt_find_megathread_slot" });
  const { slot, series, community } = found;
  if (slot.status === "reserved" && slot.reserved_by === actor.person.id) return ok(slot);
  if (!series.active || !isUpcoming(slot, now)) return err({ type: "slot_not_open" });
  if (slot.status === "reserved") return err({ type: "slot_already_reserved" });
  if (community.posting_restricted_to_mods && !(await canModerate(db, actor, community.id))) {
    return err({ type: "only_mods_can_post_in_community" });
  }
  let reserved: MegathreadSlotRow | undefined;
  try {
    reserved = await db
      .updateTable("megathread_slots")
      .set({ status: "reserved", reserved_by: actor.person.id, reserved_at: now, assigned_by: null })
      .where("id", "=", slotId)
      .where("status", "=", "open")
      .where("occurs_at", ">", now)
      .returningAll()
      .executeTakeFirst();
  } catch (error) {
    if (isUniqueViolation(error)) return err({ type: "already_reserved_in_series" });
    throw error;
  }
  if (reserved) return ok(reserved);
  // Someone else's update came first: say what it did.
  const current = await findSlotById(db, slotId);
  if (current?.status === "reserved" && current.reserved_by === actor.person.id) return ok(current);
  return err(current?.status === "reserved" ? { type: "slot_already_reserved" } : { type: "slot_not_open" });
}

/**
 * The holder gives a reservation back, or a moderator takes it away; the slot is open again and
 * the holder's title suffix and body go with the reservation.
 */
export async function releaseSlot(
  db: Db,
  actor: LocalAccount,
  slotId: string,
): Promise<Result<MegathreadSlotRow, SlotError>> {
  const found = await loadSlot(db, slotId);
  if (!found) return err({ type: "couldnt_find_megathread_slot" });
  const { slot, community } = found;
  if (slot.status === "open") return ok(slot);
  if (slot.status !== "reserved") return err({ type: "slot_not_open" });
  if (slot.reserved_by !== actor.person.id && !(await canModerate(db, actor, community.id))) {
    return err({ type: "not_slot_holder" });
  }
  const released = await db
    .updateTable("megathread_slots")
    .set({ status: "open", reserved_by: null, reserved_at: null, assigned_by: null, title_suffix: null, body: null })
    .where("id", "=", slotId)
    .where("status", "=", "reserved")
    .where("reserved_by", "=", slot.reserved_by)
    .returningAll()
    .executeTakeFirst();
  return released ? ok(released) : err({ type: "slot_not_open" });
}

/** A moderator gives an upcoming slot to a local member (replacing any reservation). */
export async function assignSlot(
  db: Db,
  actor: LocalAccount,
  slotId: string,
  personId: string,
  now: Date = new Date(),
): Promise<Result<MegathreadSlotRow, SlotError>> {
  const found = await loadSlot(db, slotId);
  if (!found) return err({ type: "couldnt_find_megathread_slot" });
  const { slot, community } = found;
  if (!(await canModerate(db, actor, community.id))) return err({ type: "not_a_mod_or_admin" });
  const person = await findPersonById(db, personId);
  if (!person?.local || person.deleted) return err({ type: "couldnt_find_person" });
  if (!isUpcoming(slot, now)) return err({ type: "slot_not_open" });
  if (slot.status === "reserved" && slot.reserved_by === person.id) return ok(slot);
  let assigned: MegathreadSlotRow | undefined;
  try {
    assigned = await db
      .updateTable("megathread_slots")
      .set({
        status: "reserved",
        reserved_by: person.id,
        reserved_at: now,
        assigned_by: actor.person.id,
        title_suffix: null,
        body: null,
      })
      .where("id", "=", slotId)
      .where("status", "in", ["open", "reserved"])
      .where("occurs_at", ">", now)
      .returningAll()
      .executeTakeFirst();
  } catch (error) {
    if (isUniqueViolation(error)) return err({ type: "already_reserved_in_series" });
    throw error;
  }
  return assigned ? ok(assigned) : err({ type: "slot_not_open" });
}

/**
 * A moderator refuses an upcoming slot (no thread at that time; a reservation ends), or opens a
 * refused one again.
 */
export async function refuseSlot(
  db: Db,
  actor: LocalAccount,
  slotId: string,
  refused: boolean,
  now: Date = new Date(),
): Promise<Result<MegathreadSlotRow, SlotError>> {
  const found = await loadSlot(db, slotId);
  if (!found) return err({ type: "couldnt_find_megathread_slot" });
  const { slot, community } = found;
  if (!(await canModerate(db, actor, community.id))) return err({ type: "not_a_mod_or_admin" });
  if (slot.status === (refused ? "refused" : "open")) return ok(slot);
  const changed = await db
    .updateTable("megathread_slots")
    .set({
      status: refused ? "refused" : "open",
      reserved_by: null,
      reserved_at: null,
      assigned_by: null,
      title_suffix: null,
      body: null,
    })
    .where("id", "=", slotId)
    .where("status", "in", refused ? ["open", "reserved"] : ["refused"])
    .where("occurs_at", ">", now)
    .returningAll()
    .executeTakeFirst();
  return changed ? ok(changed) : err({ type: "slot_not_open" });
}

/**
 * The holder writes their thread ahead: a suffix for the title (after the pattern's title) and a
 * body that replaces the series' template. An empty string clears either.
 */
export async function setSlotContent(
  db: Db,
  actor: LocalAccount,
  slotId: string,
  input: { titleSuffix?: string; body?: string },
): Promise<Result<MegathreadSlotRow, SlotError>> {
  const found = await loadSlot(db, slotId);
  if (!found) return err({ type: "couldnt_find_megathread_slot" });
  const { slot, series } = found;
  if (slot.status !== "reserved") return err({ type: "slot_not_open" });
  if (slot.reserved_by !== actor.person.id) return err({ type: "not_slot_holder" });
  const changes: { title_suffix?: string | null; body?: string | null } = {};
  if (input.titleSuffix !== undefined) {
    const suffix = input.titleSuffix.trim();
    const local = localDateTime(slot.occurs_at, series.time_zone);
    const longest = megathreadTitle(series.title_pattern, suffix, { ...local, n: LONGEST_VALUES.n });
    if (characters(suffix) > MAX_TITLE_SUFFIX_LENGTH || /[\r\n]/.test(suffix) || !isValidTitle(longest)) {
      return err({ type: "invalid_post_title" });
    }
    changes.title_suffix = suffix === "" ? null : suffix;
  }
  if (input.body !== undefined) {
    if (characters(input.body) > MAX_POST_BODY_LENGTH) return err({ type: "invalid_body_field" });
    changes.body = input.body.trim() === "" ? null : input.body;
  }
  if (Object.keys(changes).length === 0) return ok(slot);
  const updated = await db
    .updateTable("megathread_slots")
    .set(changes)
    .where("id", "=", slotId)
    .where("status", "=", "reserved")
    .where("reserved_by", "=", actor.person.id)
    .returningAll()
    .executeTakeFirst();
  return updated ? ok(updated) : err({ type: "slot_not_open" });
}
