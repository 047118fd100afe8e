// Turning what someone typed into PostgreSQL full-text conditions on the generated search_vector
// columns (migration 2026-11-28T0400; GIN-indexed). Prose (post titles and bodies, comments,
// community titles and descriptions) is stemmed as English and queried with
// websearch_to_tsquery, which accepts anything typed ("quoted phrases", -exclusions, or) without
// syntax errors. Names (persons, communities) are indexed with 'simple' and matched by word
// beginnings, so "ali" finds alice.
import { type Expression, type RawBuilder, sql } from "kysely";

/** The words of a typed query as name prefixes: `'ali':* & 'smi':*`, or null when there is no word. */
export function namePrefixQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== "")
    .slice(0, 16);
  return words.length === 0 ? null : words.map((word) => `'${word}':*`).join(" & ");
}

/** The vector matches the typed words as English prose. */
export function matchesText(vector: Expression<unknown>, text: string): RawBuilder<boolean> {
  return sql<boolean>`${vector} @@ websearch_to_tsquery('english', ${text})`;
}

/** The vector matches the typed words as English prose, or as the beginnings of the words of a name. */
export function matchesTextOrName(vector: Expression<unknown>, text: string): RawBuilder<boolean> {
  const prefixes = namePrefixQuery(text);
  if (prefixes === null) return matchesText(vector, text);
  return sql<boolean>`${vector} @@ (websearch_to_tsquery('english', ${text}) || to_tsquery('simple', ${prefixes}))`;
}

/** The vector (of a name) matches the beginnings of the typed words; never, when nothing was typed. */
export function matchesName(vector: Expression<unknown>, text: string): RawBuilder<boolean> {
  const prefixes = namePrefixQuery(text);
  if (prefixes === null) return sql<boolean>`false`;
  return sql<boolean>`${vector} @@ to_tsquery('simple', ${prefixes})`;
}
