// How comments are ordered: Lemmy's comment sorts. Hot and Controversial read the stored ranks
// (comments.hot_rank and controversy_rank: set at insert by db/functions.sql's trigger, kept
// current by votes and the periodic refresh in ranking/rank-refresh.ts). A thread's top-level
// comments by Hot are read in the order of comments_roots_hot_idx; by the other sorts they are
// found through comments_roots_idx and only they are ordered. Replies are never ranked in an
// index, which keeps votes and refreshes on replies HOT updates.
import { type Expression, type SelectQueryBuilder, sql } from "kysely";

export const COMMENT_SORTS = ["Hot", "Top", "New", "Old", "Controversial"] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];

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
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const id = { expression: column("id"), direction: "desc" } as const;
  switch (sort) {
    case "Hot":
      return [
        { expression: column("hot_rank"), direction: "desc" },
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
        { expression: column("controversy_rank"), direction: "desc" },
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
