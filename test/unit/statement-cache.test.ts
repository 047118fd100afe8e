// StatementCache (packages/core/src/db/statement-cache.ts): a shape is built and compiled once,
// later statements of the shape carry the new values where the placeholders were, and the
// shape's constants stay as they were compiled.
import { describe, expect, test } from "@jest/globals";
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from "kysely";
import { StatementCache } from "../../packages/core/src/db/statement-cache.ts";

interface Tables {
  posts: { id: string; community_id: string; deleted: boolean; score: number };
}

/** Compiles only: no database is reached. */
const db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

interface Values extends Record<string, unknown> {
  community: string;
  after: number;
  limit: number;
}

describe("StatementCache", () => {
  test("builds a shape once and fills each statement with its own values", () => {
    const cache = new StatementCache<Values>();
    let builds = 0;
    const statement = (values: Values, newestFirst: boolean) =>
      cache.statement(JSON.stringify({ newestFirst }), values, (v) => {
        builds++;
        return db
          .selectFrom("posts")
          .select("id")
          .where("deleted", "=", false)
          .where("community_id", "=", v.community)
          .where(sql<boolean>`score > ${v.after}`)
          .orderBy("id", newestFirst ? "desc" : "asc")
          .limit(v.limit)
          .compile();
      });

    const first = statement({ community: "7", after: 3, limit: 21 }, true);
    const second = statement({ community: "9", after: -1, limit: 6 }, true);
    expect(builds).toBe(1);
    expect(second.sql).toBe(first.sql);
    expect(first.sql).toMatch(/order by "id" desc limit \$4$/);
    expect(first.parameters).toEqual([false, "7", 3, 21]);
    expect(second.parameters).toEqual([false, "9", -1, 6]);

    const other = statement({ community: "9", after: -1, limit: 6 }, false);
    expect(builds).toBe(2);
    expect(other.sql).toMatch(/order by "id" asc/);
    expect(other.parameters).toEqual([false, "9", -1, 6]);
    expect(cache.size).toBe(2);
  });

  test("starts over past its shape limit", () => {
    const cache = new StatementCache<{ id: string }>(2);
    const build = (v: { id: string }) => db.selectFrom("posts").select("id").where("id", "=", v.id).compile();
    for (const shape of ["a", "b", "c"]) cache.statement(shape, { id: "1" }, build);
    expect(cache.size).toBe(1);
    expect(cache.statement("a", { id: "5" }, build).parameters).toEqual(["5"]);
  });
});
