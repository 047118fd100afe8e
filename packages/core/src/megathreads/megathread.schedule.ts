// When megathreads happen: occurrences of a schedule in its IANA time zone, computed with
// Temporal so that a thread set for 09:00 in Europe/Berlin opens at 09:00 local time in summer
// and in winter. Pure functions, no I/O.
//
// Wall-clock times that do not exist or exist twice on a DST change are resolved as Temporal's
// "compatible" disambiguation does (and as RFC 5545 calendars do): a time in a spring-forward
// gap moves forward by the gap's length (02:30 on the night clocks jump from 02:00 to 03:00
// becomes 03:30), and a time in a fall-back overlap takes the earlier of its two instants.
import { Temporal } from "@js-temporal/polyfill";
import type { MegathreadScheduleKind } from "../db/schema.ts";

export interface MegathreadSchedule {
  kind: MegathreadScheduleKind;
  /** ISO weekday, 1 = Monday … 7 = Sunday (weekly). */
  weekday?: number | null;
  /** 1-31 (monthly); months without that day use their last day. */
  monthDay?: number | null;
  /** YYYY-MM-DD (once). */
  date?: string | null;
  /** Local wall-clock time, HH:MM (24 h). */
  time: string;
  /** IANA time zone name. */
  timeZone: string;
}

export type ScheduleError = { type: "invalid_time_zone" } | { type: "invalid_megathread_schedule"; reason: string };

const TIME_PATTERN = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const DATE_PATTERN = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/**
 * The canonical name of an IANA time zone ("europe/berlin" → "Europe/Berlin"), or null when it is
 * not one. Fixed UTC offsets ("+02:00") are refused: they do not follow a place's DST rules.
 */
export function canonicalTimeZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "" || /^[+-]/.test(trimmed) || trimmed.length > 64) return null;
  try {
    return Temporal.Now.zonedDateTimeISO(trimmed).timeZoneId;
  } catch {
    return null;
  }
}

/** Checks a schedule's fields; returns it with the time zone's canonical name. */
export function checkSchedule(schedule: MegathreadSchedule):
  | { ok: true; value: MegathreadSchedule }
  | {
      ok: false;
      error: ScheduleError;
    } {
  const timeZone = canonicalTimeZone(schedule.timeZone);
  if (!timeZone) return { ok: false, error: { type: "invalid_time_zone" } };
  const invalid = (reason: string) => ({
    ok: false as const,
    error: { type: "invalid_megathread_schedule" as const, reason },
  });
  if (!TIME_PATTERN.test(schedule.time)) return invalid("time must be HH:MM (00:00 to 23:59)");
  const checked: MegathreadSchedule = { kind: schedule.kind, time: schedule.time, timeZone };
  switch (schedule.kind) {
    case "daily":
      break;
    case "weekly":
      if (!Number.isInteger(schedule.weekday) || (schedule.weekday ?? 0) < 1 || (schedule.weekday ?? 0) > 7) {
        return invalid("weekday must be 1 (Monday) to 7 (Sunday)");
      }
      checked.weekday = schedule.weekday;
      break;
    case "monthly":
      if (!Number.isInteger(schedule.monthDay) || (schedule.monthDay ?? 0) < 1 || (schedule.monthDay ?? 0) > 31) {
        return invalid("day of month must be 1 to 31");
      }
      checked.monthDay = schedule.monthDay;
      break;
    case "once":
      if (!schedule.date || !DATE_PATTERN.test(schedule.date) || !isValidDate(schedule.date)) {
        return invalid("date must be YYYY-MM-DD");
      }
      checked.date = schedule.date;
      break;
    default:
      return invalid("unknown schedule");
  }
  return { ok: true, value: checked };
}

function isValidDate(date: string): boolean {
  try {
    Temporal.PlainDate.from(date, { overflow: "reject" });
    return true;
  } catch {
    return false;
  }
}

/** The instant of a local date at the schedule's time, in its time zone (see the file's note on DST). */
function instantOn(date: Temporal.PlainDate, schedule: MegathreadSchedule): Temporal.Instant {
  return date
    .toZonedDateTime({ timeZone: schedule.timeZone, plainTime: Temporal.PlainTime.from(schedule.time) })
    .toInstant();
}

/** The n-th day of a month, or its last day when the month is shorter. */
function dayOfMonth(yearMonth: Temporal.PlainYearMonth, day: number): Temporal.PlainDate {
  return yearMonth.toPlainDate({ day: Math.min(day, yearMonth.daysInMonth) });
}

/**
 * The first `count` occurrences strictly after `after`, in order. A one-off schedule has at most
 * one. The schedule must have passed checkSchedule.
 */
export function nextOccurrences(schedule: MegathreadSchedule, after: Date, count: number): Date[] {
  const start = Temporal.Instant.fromEpochMilliseconds(after.getTime());
  const result: Date[] = [];
  const take = (instant: Temporal.Instant) => {
    if (Temporal.Instant.compare(instant, start) > 0 && result.length < count) {
      result.push(new Date(instant.epochMilliseconds));
    }
  };
  // Candidates start the local day before `after`: with a DST change around midnight, a time on
  // the previous local date can still come after it.
  const first = start.toZonedDateTimeISO(schedule.timeZone).toPlainDate().subtract({ days: 1 });
  switch (schedule.kind) {
    case "once": {
      if (schedule.date) take(instantOn(Temporal.PlainDate.from(schedule.date), schedule));
      break;
    }
    case "daily": {
      for (let date = first; result.length < count; date = date.add({ days: 1 })) take(instantOn(date, schedule));
      break;
    }
    case "weekly": {
      const weekday = schedule.weekday ?? 1;
      let date = first.add({ days: (weekday - first.dayOfWeek + 7) % 7 });
      for (; result.length < count; date = date.add({ weeks: 1 })) take(instantOn(date, schedule));
      break;
    }
    case "monthly": {
      const day = schedule.monthDay ?? 1;
      let month = first.toPlainYearMonth();
      for (; result.length < count; month = month.add({ months: 1 })) take(instantOn(dayOfMonth(month, day), schedule));
      break;
    }
  }
  return result;
}

/** An instant as the schedule's local date (YYYY-MM-DD) and time (HH:MM). */
export function localDateTime(instant: Date, timeZone: string): { date: string; time: string; weekday: number } {
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
  return {
    date: zoned.toPlainDate().toString(),
    time: zoned.toPlainTime().toString({ smallestUnit: "minute" }),
    weekday: zoned.dayOfWeek,
  };
}

export interface TemplateValues {
  /** The slot's local date, YYYY-MM-DD. */
  date: string;
  /** The slot's local time, HH:MM. */
  time: string;
  /** The thread's number in its series. */
  n: number | string;
}

/**
 * Fills a title pattern or body template: {date}, {time} and {n}. Other braces stay as written,
 * so Markdown and code in a body are safe.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{(date|time|n)\}/g, (_match, name: keyof TemplateValues) => String(values[name]));
}

/** Weekday names for people, by ISO number. */
export const WEEKDAY_NAMES = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A schedule in words: "weekly on Monday at 09:00 (Europe/Berlin)". */
export function describeSchedule(schedule: MegathreadSchedule): string {
  const at = `at ${schedule.time} (${schedule.timeZone})`;
  switch (schedule.kind) {
    case "daily":
      return `daily ${at}`;
    case "weekly":
      return `weekly on ${WEEKDAY_NAMES[schedule.weekday ?? 1]} ${at}`;
    case "monthly":
      return `monthly on day ${schedule.monthDay} ${at}`;
    case "once":
      return `once, on ${schedule.date} ${at}`;
    default:
      return at;
  }
}
