// How post listings are ordered (Lemmy's post sorts, features-and-ranking.md §2.2) and how they
// are paged with an opaque cursor (keyset pagination).
//
// Each sort is a list of ORDER BY keys that ends with the post id, so the order is total. The
// ranks are the stored columns (hot_rank, hot_rank_active, scaled_rank, controversy_rank; see
// ranking/rank-refresh.ts), and every sort has an index in exactly its order (migrations
// 2026-11-28T0400 and 2026-11-28T0850), so a page is an index range scan. A page cursor carries the values
// of the keys for the last post shown plus the reference time of the first page (which fixes the
// Top sorts' time window): the next page asks for "everything after these values". Posts that
// arrive while someone pages land before or after the cursor and never shift it, so pages never
// repeat or skip a post because of them. A stored rank that changes between two pages (the
// periodic refresh, a vote for Controversial, a comment for Active) can move that post across
// the cursor, as on Lemmy: it may then be shown twice or not at all (docs/api.md, "Pages").
import { type Expression, type RawBuilder, sql } from "kysely";
import type { SortType } from "../accounts/settings.service.ts";
import { err, ok, type Result } from "../result.ts";

/** How a key's cursor value is written back into SQL. */
type KeyKind = "boolean" | "float" | "integer" | "timestamp" | "bigint";

export interface PostOrderKey {
  expression: Expression<unknown>;
  direction: "asc" | "desc";
  kind: KeyKind;
}

/** Time windows of the Top sorts, as PostgreSQL intervals. */
const TOP_WINDOWS: Partial<Record<SortType, string>> = {
  TopHour: "1 hour",
  TopSixHour: "6 hours",
  TopTwelveHour: "12 hours",
  TopDay: "1 day",
  TopWeek: "7 days",
  TopMonth: "1 month",
  TopThreeMonths: "3 months",
  TopSixMonths: "6 months",
  TopNineMonths: "9 months",
  TopYear: "1 year",
};

/** The interval a Top sort looks back over, or null (TopAll and every other sort). */
export function topWindow(sort: SortType): string | null {
  return TOP_WINDOWS[sort] ?? null;
}

export interface PostOrderContext {
  /** Alias of the posts table. */
  alias: string;
  /** The featured flag that floats posts first: featured_community in a community, else featured_local. */
  featured: "featured_community" | "featured_local";
  /** Reference time of the listing (the cursor's, or now for a first page): the Top sorts' windows end there. */
  refTime: Date;
}

/**
 * The ORDER BY keys of a sort. Ranks are the stored columns. Featured posts first, then the
 * sort's key, then newer first, then the id (Lemmy 0.19's order, post_view.rs).
 */
export function postOrderKeys(sort: SortType, context: PostOrderContext): PostOrderKey[] {
  const column = (name: string) => sql.ref(`${context.alias}.${name}`);
  const published = column("published_at");
  const featured: PostOrderKey = { expression: column(context.featured), direction: "desc", kind: "boolean" };
  const newestFirst: PostOrderKey[] = [
    { expression: published, direction: "desc", kind: "timestamp" },
    { expression: column("id"), direction: "desc", kind: "bigint" },
  ];
  const rankFirst = (rank: string): PostOrderKey[] => [
    featured,
    { expression: column(rank), direction: "desc", kind: "float" },
    ...newestFirst,
  ];
  switch (sort) {
    case "Active":
      return rankFirst("hot_rank_active");
    case "Hot":
      return rankFirst("hot_rank");
    case "Scaled":
      return rankFirst("scaled_rank");
    case "Controversial":
      return rankFirst("controversy_rank");
    case "New":
      return [featured, ...newestFirst];
    case "Old":
      return [
        featured,
        { expression: published, direction: "asc", kind: "timestamp" },
        { expression: column("id"), direction: "asc", kind: "bigint" },
      ];
    case "NewComments":
      // Lemmy 0.19 starts newest_comment_time at the post's publication.
      return [
        featured,
        {
          expression: sql`coalesce(${column("newest_comment_at")}, ${published})`,
          direction: "desc",
          kind: "timestamp",
        },
        { expression: column("id"), direction: "desc", kind: "bigint" },
      ];
    case "MostComments":
      return [featured, { expression: column("comment_count"), direction: "desc", kind: "integer" }, ...newestFirst];
    case "TopHour":
    case "TopSixHour":
    case "TopTwelveHour":
    case "TopDay":
    case "TopWeek":
    case "TopMonth":
    case "TopThreeMonths":
    case "TopSixMonths":
    case "TopNineMonths":
    case "TopYear":
    case "TopAll":
      return [featured, { expression: column("score"), direction: "desc", kind: "integer" }, ...newestFirst];
  }
}

/**
 * A key's value as selected for the cursor: timestamps as UTC text with microseconds, which keeps
 * PostgreSQL's precision (a JavaScript Date would round to milliseconds and break equality) and
 * does not depend on the session's TimeZone or DateStyle.
 */
export function cursorValueExpression(key: PostOrderKey): Expression<unknown> {
  return key.kind === "timestamp"
    ? sql`to_char((${key.expression}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : key.expression;
}

const CASTS: Record<KeyKind, RawBuilder<unknown>> = {
  boolean: sql.raw("boolean"),
  float: sql.raw("float8"),
  integer: sql.raw("integer"),
  timestamp: sql.raw("timestamptz"),
  bigint: sql.raw("bigint"),
};

/**
 * The condition "after the cursor". When the keys after the first run in one direction (every
 * sort; Old's flag runs the other way) they are a row comparison, (k1, k2, …) < (v1, v2, …), which
 * PostgreSQL uses as the start of an index range scan, so a deep page costs what the first one
 * does. Other keys are written out in full: k0 after v0, or k0 = v0 and k1 after v1, or …
 */
export function afterCursor(keys: readonly PostOrderKey[], values: readonly CursorValue[]): RawBuilder<boolean> {
  const value = (index: number) => {
    const key = keys[index] as PostOrderKey;
    return sql`cast(${values[index]} as ${CASTS[key.kind]})`;
  };
  const [first, ...rest] = keys;
  const restDirection = rest[0]?.direction;
  if (first && restDirection && rest.every((key) => key.direction === restDirection)) {
    const after = sql.raw(restDirection === "desc" ? "<" : ">");
    const tail = sql<boolean>`((${sql.join(rest.map((key) => key.expression))}) ${after} (${sql.join(rest.map((_, index) => value(index + 1)))}))`;
    if (first.kind !== "boolean") {
      if (first.direction === restDirection)
        return sql<boolean>`(${first.expression} ${after} ${value(0)} or (${first.expression} = ${value(0)} and ${tail}))`;
    } else {
      // The featured flag: PostgreSQL estimates a row comparison by its first column alone, and
      // "featured < false" looks empty, which misleads the planner into sorting everything after
      // the cursor. Written out for a boolean, the common case (a cursor among the unfeatured
      // posts) is "not featured and (rank, published, id) < (…)", an index range start.
      // The flag value that sorts last: false when descending.
      const last = first.direction === "asc";
      return values[0] === last
        ? sql<boolean>`(${first.expression} = ${sql.lit(last)} and ${tail})`
        : sql<boolean>`((${first.expression} = ${sql.lit(!last)} and ${tail}) or ${first.expression} = ${sql.lit(last)})`;
    }
  }
  const alternatives = keys.map((key, index) => {
    const equalBefore = keys.slice(0, index).map((previous, j) => sql`${previous.expression} = ${value(j)}`);
    const after = sql`${key.expression} ${sql.raw(key.direction === "desc" ? "<" : ">")} ${value(index)}`;
    return sql`(${sql.join([...equalBefore, after], sql` and `)})`;
  });
  return sql<boolean>`(${sql.join(alternatives, sql` or `)})`;
}

export type CursorValue = string | number | boolean;

export interface PostCursor {
  sort: SortType;
  refTime: Date;
  values: CursorValue[];
}

/**
 * Version tag of the cursor format; older cursors are refused rather than misread. 2: ranks are
 * the stored columns (version 1 carried ranks computed for the cursor's time).
 */
const CURSOR_VERSION = 2;

export function encodePostCursor(cursor: PostCursor): string {
  const json = JSON.stringify({ v: CURSOR_VERSION, s: cursor.sort, t: cursor.refTime.getTime(), k: cursor.values });
  return Buffer.from(json).toString("base64url");
}

export type CursorError = { type: "invalid_cursor"; reason: string };

const VALUE_CHECKS: Record<KeyKind, (value: unknown) => boolean> = {
  boolean: (value) => typeof value === "boolean",
  float: (value) => typeof value === "number" && Number.isFinite(value),
  integer: (value) => Number.isSafeInteger(value),
  // as cursorValueExpression writes it, e.g. 2026-11-28T10:00:00.123456Z
  timestamp: (value) => typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(value),
  bigint: (value) => typeof value === "string" && /^-?\d{1,19}$/.test(value),
};

/** Reads a cursor made by encodePostCursor for the same sort (and so the same keys). */
export function decodePostCursor(
  text: string,
  sort: SortType,
  keys: readonly PostOrderKey[],
): Result<PostCursor, CursorError> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return err({ type: "invalid_cursor", reason: "not a page cursor" });
  }
  const c = parsed as { v?: unknown; s?: unknown; t?: unknown; k?: unknown };
  if (typeof c !== "object" || c === null || c.v !== CURSOR_VERSION) {
    return err({ type: "invalid_cursor", reason: "not a page cursor" });
  }
  if (c.s !== sort) return err({ type: "invalid_cursor", reason: `the cursor belongs to sort ${String(c.s)}` });
  const refTime = new Date(typeof c.t === "number" ? c.t : Number.NaN);
  if (Number.isNaN(refTime.getTime())) return err({ type: "invalid_cursor", reason: "bad time" });
  const values = c.k;
  if (
    !Array.isArray(values) ||
    values.length !== keys.length ||
    !values.every((value, index) => VALUE_CHECKS[(keys[index] as PostOrderKey).kind](value))
  ) {
    return err({ type: "invalid_cursor", reason: "bad key values" });
  }
  return ok({ sort, refTime, values: values as CursorValue[] });
}
