// Megathread schedules: next occurrences in a time zone, across DST changes in both directions
// and both hemispheres, short months, one-offs, and the templates' placeholders.
import { describe, expect, test } from "@jest/globals";
import {
  canonicalTimeZone,
  checkSchedule,
  localDateTime,
  type MegathreadSchedule,
  megathreadTitle,
  nextOccurrences,
  renderTemplate,
} from "@plenum/core";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

function schedule(fields: Partial<MegathreadSchedule> & Pick<MegathreadSchedule, "kind">): MegathreadSchedule {
  const checked = checkSchedule({ time: "09:00", timeZone: "UTC", ...fields });
  if (!checked.ok) throw new Error(JSON.stringify(checked.error));
  return checked.value;
}

describe("next occurrences", () => {
  test("a daily thread keeps its local time when Europe/Berlin falls back (25 hours apart)", () => {
    const daily = schedule({ kind: "daily", time: "09:00", timeZone: "Europe/Berlin" });
    expect(iso(nextOccurrences(daily, new Date("2026-10-23T12:00:00Z"), 3))).toEqual([
      "2026-10-24T07:00:00.000Z", // CEST, UTC+2
      "2026-10-25T08:00:00.000Z", // CET, UTC+1
      "2026-10-26T08:00:00.000Z",
    ]);
  });

  test("a weekly thread at 02:30 on the night Berlin springs forward moves to 03:30 (the gap's length)", () => {
    const weekly = schedule({ kind: "weekly", weekday: 7, time: "02:30", timeZone: "Europe/Berlin" });
    expect(iso(nextOccurrences(weekly, new Date("2026-03-20T00:00:00Z"), 3))).toEqual([
      "2026-03-22T01:30:00.000Z", // 02:30 CET
      "2026-03-29T01:30:00.000Z", // 02:30 does not exist: 03:30 CEST
      "2026-04-05T00:30:00.000Z", // 02:30 CEST
    ]);
  });

  test("a time that happens twice when clocks fall back takes the earlier instant", () => {
    const daily = schedule({ kind: "daily", time: "02:30", timeZone: "Europe/Berlin" });
    expect(iso(nextOccurrences(daily, new Date("2026-10-24T12:00:00Z"), 2))).toEqual([
      "2026-10-25T00:30:00.000Z", // the first 02:30, still CEST
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  test("weekly on Mondays in New York: 14:00 UTC before the March change, 13:00 after", () => {
    const weekly = schedule({ kind: "weekly", weekday: 1, time: "09:00", timeZone: "America/New_York" });
    const [first, second] = nextOccurrences(weekly, new Date("2026-03-01T00:00:00Z"), 2);
    expect(iso([first as Date, second as Date])).toEqual(["2026-03-02T14:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
    expect(localDateTime(first as Date, "America/New_York")).toEqual({ date: "2026-03-02", time: "09:00", weekday: 1 });
    expect(localDateTime(second as Date, "America/New_York")).toEqual({
      date: "2026-03-09",
      time: "09:00",
      weekday: 1,
    });
  });

  test("southern hemisphere: Sydney leaves daylight time in April", () => {
    const daily = schedule({ kind: "daily", time: "09:00", timeZone: "Australia/Sydney" });
    expect(iso(nextOccurrences(daily, new Date("2026-04-03T12:00:00Z"), 2))).toEqual([
      "2026-04-03T22:00:00.000Z", // 09:00 AEDT, UTC+11
      "2026-04-04T23:00:00.000Z", // 09:00 AEST, UTC+10 (the change is at 03:00 on the 5th)
    ]);
  });

  test("monthly on the 31st uses the last day of shorter months, leap years included", () => {
    const monthly = schedule({ kind: "monthly", monthDay: 31, time: "12:00", timeZone: "UTC" });
    expect(iso(nextOccurrences(monthly, new Date("2027-12-15T00:00:00Z"), 4))).toEqual([
      "2027-12-31T12:00:00.000Z",
      "2028-01-31T12:00:00.000Z",
      "2028-02-29T12:00:00.000Z",
      "2028-03-31T12:00:00.000Z",
    ]);
  });

  test("occurrences come strictly after the given instant", () => {
    const daily = schedule({ kind: "daily", time: "09:00", timeZone: "UTC" });
    expect(iso(nextOccurrences(daily, new Date("2026-06-01T09:00:00Z"), 1))).toEqual(["2026-06-02T09:00:00.000Z"]);
    expect(iso(nextOccurrences(daily, new Date("2026-06-01T08:59:59Z"), 1))).toEqual(["2026-06-01T09:00:00.000Z"]);
  });

  test("a one-off thread has one occurrence, and none once its time has passed", () => {
    const once = schedule({ kind: "once", date: "2026-12-24", time: "18:00", timeZone: "Europe/Lisbon" });
    expect(iso(nextOccurrences(once, new Date("2026-12-01T00:00:00Z"), 8))).toEqual(["2026-12-24T18:00:00.000Z"]);
    expect(nextOccurrences(once, new Date("2026-12-24T18:00:00Z"), 8)).toEqual([]);
  });
});

describe("checking schedules", () => {
  test("time zones: IANA names are canonicalised; unknown names and fixed offsets are refused", () => {
    expect(canonicalTimeZone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(canonicalTimeZone("+02:00")).toBeNull();
    expect(checkSchedule({ kind: "daily", time: "09:00", timeZone: "Nowhere/City" })).toEqual({
      ok: false,
      error: { type: "invalid_time_zone" },
    });
  });

  test("times, weekdays, days of month and dates are checked", () => {
    const bad = (fields: Partial<MegathreadSchedule> & Pick<MegathreadSchedule, "kind">) =>
      checkSchedule({ time: "09:00", timeZone: "UTC", ...fields }).ok;
    expect(bad({ kind: "daily", time: "24:00" })).toBe(false);
    expect(bad({ kind: "daily", time: "9:00" })).toBe(false);
    expect(bad({ kind: "weekly", weekday: 0 })).toBe(false);
    expect(bad({ kind: "weekly", weekday: 8 })).toBe(false);
    expect(bad({ kind: "monthly", monthDay: 32 })).toBe(false);
    expect(bad({ kind: "once", date: "2026-02-30" })).toBe(false);
    expect(bad({ kind: "weekly", weekday: 3 })).toBe(true);
    // Fields of other kinds are dropped.
    expect(checkSchedule({ kind: "daily", weekday: 3, time: "07:15", timeZone: "UTC" })).toEqual({
      ok: true,
      value: { kind: "daily", time: "07:15", timeZone: "UTC" },
    });
  });
});

describe("templates", () => {
  test("{date}, {time} and {n} are filled in; other braces stay", () => {
    const values = { date: "2026-12-07", time: "09:00", n: 12 };
    expect(renderTemplate("News Megathread — week of {date}", values)).toBe("News Megathread — week of 2026-12-07");
    expect(renderTemplate("#{n} at {time} {unknown} {date}{n}", values)).toBe("#12 at 09:00 {unknown} 2026-12-0712");
    expect(megathreadTitle("Thread {n}", "Elections special", values)).toBe("Thread 12 — Elections special");
    expect(megathreadTitle("Thread {n}", null, values)).toBe("Thread 12");
  });
});
