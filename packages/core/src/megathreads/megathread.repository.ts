// Queries on megathread_series and megathread_slots. Every slot change that races with another
// (reservations, releases, the scheduler's claim) is a conditional UPDATE on the slot's status,
// so the row lock decides who wins and the loser sees 0 rows instead of overwriting.

import type { Insertable, Updateable } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { MegathreadSeriesRow, MegathreadSeriesTable, MegathreadSlotRow } from "../db/schema.ts";
import type { MegathreadSchedule } from "./megathread.schedule.ts";

export async function findSeriesById(db: DbLike, id: string): Promise<MegathreadSeriesRow | undefined> {
  return db.selectFrom("megathread_series").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertSeries(
  db: DbLike,
  series: Insertable<MegathreadSeriesTable>,
): Promise<MegathreadSeriesRow> {
  return db.insertInto("megathread_series").values(series).returningAll().executeTakeFirstOrThrow();
}

export async function updateSeries(
  db: DbLike,
  id: string,
  changes: Updateable<MegathreadSeriesTable>,
): Promise<MegathreadSeriesRow> {
  return db.updateTable("megathread_series").set(changes).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

export async function findSlotById(db: DbLike, id: string): Promise<MegathreadSlotRow | undefined> {
  return db.selectFrom("megathread_slots").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts slots for these occurrences; ones that exist already stay as they are. */
export async function insertSlots(db: DbLike, seriesId: string, occurrences: readonly Date[]): Promise<void> {
  if (occurrences.length === 0) return;
  await db
    .insertInto("megathread_slots")
    .values(occurrences.map((occursAt) => ({ series_id: seriesId, occurs_at: occursAt })))
    .onConflict((oc) => oc.columns(["series_id", "occurs_at"]).doNothing())
    .execute();
}

/** The schedule stored in a series row. */
export function scheduleOf(series: MegathreadSeriesRow): MegathreadSchedule {
  return {
    kind: series.schedule_kind,
    weekday: series.weekday,
    monthDay: series.month_day,
    date: series.once_date,
    time: series.time_of_day,
    timeZone: series.time_zone,
  };
}
