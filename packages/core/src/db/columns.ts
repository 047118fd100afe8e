// Column lists of the row types, for views that read several rows of different tables in one
// query. Each joined table's columns are selected under a prefix (`cr__name`) and cut back into a
// row with rowFrom(). The `satisfies` checks below fail to compile when a column is added to a
// row type but not here, so a view can never hand out a row with a missing field. Listing the
// columns also keeps out those the row types leave out on purpose (the search_vector columns).
import { type AliasedRawBuilder, sql } from "kysely";
import type { CommentRow, CommunityRow, PersonRow, PostRow } from "./schema.ts";

/** Checks at compile time that `columns` lists every column of Row (the error names the missing ones). */
function allColumnsOf<Row>() {
  return <const Columns extends readonly (keyof Row)[]>(
    columns: Columns &
      ([Exclude<keyof Row, Columns[number]>] extends [never]
        ? unknown
        : { missing: Exclude<keyof Row, Columns[number]> }),
  ): Columns => columns;
}

export const PERSON_COLUMNS = allColumnsOf<PersonRow>()([
  "id",
  "ap_id",
  "local",
  "instance_id",
  "name",
  "display_name",
  "bio",
  "avatar_url",
  "banner_url",
  "bot",
  "inbox_url",
  "shared_inbox_url",
  "outbox_url",
  "followers_url",
  "public_key_pem",
  "published_at",
  "updated_at",
  "last_fetched_at",
  "deleted",
  "pronouns",
  "post_count",
  "comment_count",
]);

export const COMMUNITY_COLUMNS = allColumnsOf<CommunityRow>()([
  "id",
  "ap_id",
  "local",
  "instance_id",
  "name",
  "title",
  "description",
  "sidebar",
  "icon_url",
  "banner_url",
  "nsfw",
  "posting_restricted_to_mods",
  "inbox_url",
  "shared_inbox_url",
  "outbox_url",
  "followers_url",
  "moderators_url",
  "featured_url",
  "public_key_pem",
  "published_at",
  "updated_at",
  "last_fetched_at",
  "deleted",
  "removed",
  "visibility",
  "hidden",
  "post_count",
  "comment_count",
  "users_active_month",
]);

export const POST_COLUMNS = allColumnsOf<PostRow>()([
  "id",
  "ap_id",
  "local",
  "instance_id",
  "community_id",
  "creator_id",
  "title",
  "url",
  "body",
  "nsfw",
  "language_id",
  "embed_title",
  "embed_description",
  "thumbnail_url",
  "embed_video_url",
  "url_content_type",
  "alt_text",
  "published_at",
  "updated_at",
  "deleted",
  "removed",
  "locked",
  "featured_community",
  "featured_local",
  "score",
  "upvotes",
  "downvotes",
  "comment_count",
  "newest_comment_at",
  "boost_count",
  "hot_rank",
  "hot_rank_active",
  "scaled_rank",
  "controversy_rank",
]);

export const COMMENT_COLUMNS = allColumnsOf<CommentRow>()([
  "id",
  "ap_id",
  "local",
  "instance_id",
  "post_id",
  "creator_id",
  "parent_id",
  "path",
  "body",
  "language_id",
  "distinguished",
  "published_at",
  "updated_at",
  "deleted",
  "removed",
  "score",
  "upvotes",
  "downvotes",
  "child_count",
  "boost_count",
  "hot_rank",
  "controversy_rank",
]);

/**
 * The creator's columns a post view carries: what the API's Person and the pages show. Listings
 * read them for every post, so keys, inboxes and counters stay out (they were a third of the
 * bytes PostgreSQL sent and pg parsed for a front page).
 */
export const PERSON_SUMMARY_COLUMNS = [
  "id",
  "ap_id",
  "local",
  "instance_id",
  "name",
  "display_name",
  "bio",
  "avatar_url",
  "banner_url",
  "bot",
  "published_at",
  "updated_at",
  "deleted",
  "pronouns",
] as const satisfies readonly (keyof PersonRow)[];

export type PersonSummaryRow = Pick<PersonRow, (typeof PERSON_SUMMARY_COLUMNS)[number]>;

/** The community's columns a post view carries: what the API's Community and the pages show. */
export const COMMUNITY_SUMMARY_COLUMNS = [
  "id",
  "ap_id",
  "local",
  "instance_id",
  "name",
  "title",
  "description",
  "sidebar",
  "icon_url",
  "banner_url",
  "nsfw",
  "posting_restricted_to_mods",
  "published_at",
  "updated_at",
  "deleted",
  "removed",
  "visibility",
  "hidden",
] as const satisfies readonly (keyof CommunityRow)[];

export type CommunitySummaryRow = Pick<CommunityRow, (typeof COMMUNITY_SUMMARY_COLUMNS)[number]>;

/** `alias.column as prefix__column` for each column, to spread into a select list. */
export function prefixedColumns(
  alias: string,
  prefix: string,
  columns: readonly string[],
): AliasedRawBuilder<unknown, string>[] {
  return columns.map((column) => sql.ref(`${alias}.${column}`).as(`${prefix}__${column}`));
}

/** Cuts one table's row out of a wider result row. */
type RowCutter = (result: Record<string, unknown>) => Record<string, unknown>;

/**
 * A cutter per column list and prefix, made once: listings cut rows out of every result row. It
 * is generated as one object literal with constant property names (`{ id: result["p__id"], … }`)
 * because a loop over the names reads the result through a single property access of changing
 * names, which V8 cannot specialise; the generated function's reads and the row it builds each
 * have one fixed shape. It cut the share of a front page's CPU time spent here from about 6 % to
 * under 1 % (docs/performance.md). Only plain column names (our own lists) are compiled.
 */
const cutters = new WeakMap<readonly PropertyKey[], Map<string, RowCutter>>();

const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

function cutterOf(prefix: string, columns: readonly PropertyKey[]): RowCutter {
  let byPrefix = cutters.get(columns);
  if (!byPrefix) {
    byPrefix = new Map();
    cutters.set(columns, byPrefix);
  }
  let cutter = byPrefix.get(prefix);
  if (!cutter) {
    const names = [prefix, ...columns.map(String)];
    const bad = names.find((name) => !PLAIN_NAME.test(name));
    if (bad !== undefined) throw new Error(`not a plain column name: ${bad}`);
    const fields = columns.map((column) => `${String(column)}: result.${prefix}__${String(column)}`);
    cutter = new Function("result", `return { ${fields.join(", ")} };`) as RowCutter;
    byPrefix.set(prefix, cutter);
  }
  return cutter;
}

/** The row selected with prefixedColumns(…, prefix, columns), cut out of a wider result row. */
export function rowFrom<Row>(result: Record<string, unknown>, prefix: string, columns: readonly (keyof Row)[]): Row {
  return cutterOf(prefix, columns)(result) as Row;
}
