// db/functions.sql: re-applied by every migrateToLatest run on both engines, and its ranks match
// the formulas of features-and-ranking.md §2 (worked examples, and an independent JavaScript
// version of Hexbear's Active rank).
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Db, migrateToLatest } from "@plenum/core";
import { sql } from "kysely";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "../support/database.ts";

const HOUR = 3600_000;
const REF = new Date("2026-11-28T12:00:00Z");
const ago = (ms: number) => new Date(REF.getTime() - ms);

async function value(db: Db, expression: ReturnType<typeof sql>): Promise<number> {
  const result = await sql<{ v: number }>`select (${expression})::float8 as v`.execute(db);
  return Number(result.rows[0]?.v);
}

/** Hexbear's hot_rank_active, written from features-and-ranking.md §2.4 in JavaScript. */
function hexbearActive(score: number, published: Date, newestComment: Date | null, ref: Date): number {
  const hoursPublished = (ref.getTime() - published.getTime()) / HOUR;
  if (!(hoursPublished > 0 && hoursPublished < 168)) return 0;
  const delaySeconds = Math.max(0, ((newestComment ?? published).getTime() - published.getTime()) / 1000);
  const shiftHours = 24 * (1 - Math.exp(-0.000012146493725346809 * Math.min(delaySeconds, 604800)));
  const hours = Math.max(0, hoursPublished - shiftHours);
  return Math.log10(Math.max(1, score + 3)) / (hours + 2) ** 1.8;
}

const onPostgres = postgresAvailable() ? describe : describe.skip;

describe.each([
  ["PostgreSQL", "postgres", onPostgres],
  ["embedded PGlite", "embedded", describe],
] as const)("db/functions.sql on %s", (_label, kind, maybeDescribe) => {
  maybeDescribe("(functions)", () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase({ kind, empty: true });
      await migrateToLatest(database.db);
    });

    afterAll(async () => {
      await database?.close();
    });

    test("every migrateToLatest run puts the functions back, even with no migration to apply", async () => {
      const { db } = database;
      await sql`create or replace function hot_rank(score double precision, published timestamptz, ref_time timestamptz)
        returns double precision language sql immutable as $$ select 42::float8 $$`.execute(db);
      await sql`drop function controversy_rank(double precision, double precision)`.execute(db);
      expect(await value(db, sql`hot_rank(0, now(), now())`)).toBe(42);

      expect(await migrateToLatest(db)).toEqual([]);

      expect(
        await value(db, sql`hot_rank(0, ${ago(1000).toISOString()}::timestamptz, ${REF.toISOString()}::timestamptz)`),
      ).toBeCloseTo(0.0864, 4);
      expect(await value(db, sql`controversy_rank(10, 10)`)).toBe(20);
    });

    test.each([
      // score, age in hours, expected (features-and-ranking.md §2.1 worked values)
      [0, 1 / 3600, 0.0864],
      [1, 1 / 3600, 0.137],
      [10, 5, 0.0325],
      [100, 24, 0.0057],
      [1000, 24, 0.0085],
      [5, 7 * 24 + 1, 0],
      [5, -1, 0],
    ])("hot_rank of score %d at %f hours is %f", async (score, hours, expected) => {
      const published = ago(hours * HOUR).toISOString();
      const rank = await value(
        database.db,
        sql`hot_rank(${score}, ${published}::timestamptz, ${REF.toISOString()}::timestamptz)`,
      );
      expect(rank).toBeCloseTo(expected, 4);
    });

    test.each([
      [10, 10, 20],
      [50, 50, 100],
      [100, 10, 1.6],
      [10, 100, 1.6],
      [5, 0, 0],
      [0, 5, 0],
    ])("controversy_rank of %d up and %d down is %f", async (up, down, expected) => {
      expect(await value(database.db, sql`controversy_rank(${up}, ${down})`)).toBeCloseTo(expected, 2);
    });

    test.each([
      // score, hours since publication, hours from publication to the newest comment (null: none)
      [0, 1, null],
      [1, 20, 10],
      [10, 30, 0.5],
      [3, 100, 90],
      [-5, 2, 1],
      [2, 0.01, 0.01],
      [4, 200, 1],
    ])("hot_rank_active (Hexbear) of score %d at %f hours with a comment at %p hours", async (score, age, comment) => {
      const published = ago(age * HOUR);
      const newest = comment === null ? null : new Date(published.getTime() + comment * HOUR);
      const rank = await value(
        database.db,
        sql`hot_rank_active(${score}, ${published.toISOString()}::timestamptz, ${newest?.toISOString() ?? null}::timestamptz, ${REF.toISOString()}::timestamptz)`,
      );
      expect(rank).toBeCloseTo(hexbearActive(score, published, newest, REF), 9);
    });

    test("a comment makes Active rank a post as if it were up to 24 hours younger", async () => {
      const published = ago(48 * HOUR);
      const rank = (newest: Date | null) =>
        value(
          database.db,
          sql`hot_rank_active(1, ${published.toISOString()}::timestamptz, ${newest?.toISOString() ?? null}::timestamptz, ${REF.toISOString()}::timestamptz)`,
        );
      const quiet = await rank(null);
      const commentedLate = await rank(new Date(published.getTime() + 47 * HOUR));
      const sameAgeLessOne = await value(
        database.db,
        sql`hot_rank_active(1, ${ago(24 * HOUR).toISOString()}::timestamptz, null, ${REF.toISOString()}::timestamptz)`,
      );
      expect(commentedLate).toBeGreaterThan(quiet);
      // 47 hours of comments shift the post by 24 * (1 - e^(-k * 169200)) ≈ 20.9 hours: less than a day.
      expect(commentedLate).toBeLessThan(sameAgeLessOne);
    });

    test("scaled_rank divides the hot rank by log10(2 + monthly active users)", async () => {
      const published = ago(HOUR).toISOString();
      const hot = await value(
        database.db,
        sql`hot_rank(3, ${published}::timestamptz, ${REF.toISOString()}::timestamptz)`,
      );
      const scaled = await value(
        database.db,
        sql`scaled_rank(3, ${published}::timestamptz, 98, ${REF.toISOString()}::timestamptz)`,
      );
      expect(scaled).toBeCloseTo(hot / 2, 9);
    });
  });
});
