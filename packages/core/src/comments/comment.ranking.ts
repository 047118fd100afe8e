// How comments are ordered: Lemmy's comment sorts. The rank formulas are the replaceable SQL
// functions of db/functions.sql (hot_rank, controversy_rank; features-and-ranking.md §2.1),
// wrapped here as typed expressions. Comment ranks are computed in the query rather than stored:
// a thread's top-level comments are found through an index first, so only they are ranked.
import { type Expression, type RawBuilder, type SelectQueryBuilder, sql } from "kysely";

export const COMMENT_SORTS = ["Hot", "Top", "New", "Old", "Controversial"] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];

/**
 * Lemmy's hot rank at the time of the query: log10(max(2, score + 2)) / (age in hours + 2)^1.8,
 * and 0 outside the first 7 days.
 */
export function hotRank(score: Expression<number>, published: Expression<Date>): RawBuilder<number> {
  return sql<number>`hot_rank(${score}, ${published}, now())`;
}

/** Lemmy's controversy rank: (up + down)^(min(up, down) / max(up, down)), 0 without both kinds. */
export function controversyRank(upvotes: Expression<number>, downvotes: Expression<number>): RawBuilder<number> {
  return sql<number>`controversy_rank(${upvotes}, ${downvotes})`;
}

interface OrderKey {
  expression: Expression<unknown>;
  direction: "asc" | "desc";
}

/**
 * The ORDER BY keys of a sort over the comments table under `alias`. Every sort ends with the id,
 * so the order is total and pages never overlap. New and Old are (published_at, id) in one
 * direction, which the indexes of migration 2026-11-28T0220 serve without sorting.
 */
export function commentOrderKeys(sort: CommentSort, alias: string): OrderKey[] {
  const column = <T = unknown>(name: string) => sql.ref<T>(`${alias}.${name}`);
  const id = { expression: column("id"), direction: "desc" } as const;
  switch (sort) {
    case "Hot":
      return [
        { expression: hotRank(column<number>("score"), column<Date>("published_at")), direction: "desc" },
        { expression: column("score"), direction: "desc" },
        id,
      ];
    case "Top":
      return [{ expression: column("score"), direction: "desc" }, id];
    case "New":
      return [{ expression: column("published_at"), direction: "desc" }, id];
    case "Old":
      return [
        { expression: column("published_at"), direction: "asc" },
        { expression: column("id"), direction: "asc" },
      ];
    case "Controversial":
      return [
        { expression: controversyRank(column<number>("upvotes"), column<number>("downvotes")), direction: "desc" },
        { expression: column("score"), direction: "desc" },
        id,
      ];
  }
}

/** Appends the sort's ORDER BY keys to a query over the comments table under `alias`. */
export function orderComments<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  sort: CommentSort,
  alias: string,
): SelectQueryBuilder<DB, TB, O> {
  let ordered = query;
  for (const key of commentOrderKeys(sort, alias)) ordered = ordered.orderBy(key.expression, key.direction);
  return ordered;
}
