// Search (Lemmy's search call): posts, comments, communities and persons matching typed words,
// through PostgreSQL full-text search (search-query.ts). Each kind is listed with the same rules
// as its ordinary listing (visibility, NSFW, blocks), so search shows nothing a listing would hide.
import { sql } from "kysely";
import type { ListingType, SortType } from "../accounts/settings.service.ts";
import type { CommentSort } from "../comments/comment.ranking.ts";
import { type CommentItemView, type CommentViewer, listComments } from "../comments/comment.view.ts";
import { type CommunityView, listCommunityViews } from "../communities/community.view.ts";
import { PERSON_COLUMNS } from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { PersonRow } from "../db/schema.ts";
import { parseHttpUrl } from "../links/http-url.ts";
import { listPostViews, type PostView } from "../posts/post.view.ts";
import { matchesName } from "./search-query.ts";

export const SEARCH_TYPES = ["All", "Comments", "Posts", "Communities", "Users", "Url"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchOptions {
  /** What was typed. */
  query: string;
  type: SearchType;
  /** Only posts and comments in this community (communities and persons are then not searched). */
  communityId?: string;
  /** Only posts and comments by this person (communities and persons are then not searched). */
  creatorId?: string;
  sort: SortType;
  listingType: ListingType;
  /** The reader, or null; used for visibility, blocks and the per-reader fields. */
  viewer: CommentViewer | null;
  showNsfw: boolean;
  page: number;
  limit: number;
}

export interface PersonSearchView {
  person: PersonRow;
  isAdmin: boolean;
}

export interface SearchResults {
  posts: PostView[];
  comments: CommentItemView[];
  communities: CommunityView[];
  persons: PersonSearchView[];
}

/** The comment sort closest to a post sort (as getPersonDetails converts it). */
export function commentSortOf(sort: SortType): CommentSort {
  if (sort === "Old" || sort === "Controversial") return sort;
  if (sort === "Hot" || sort === "Active" || sort === "Scaled") return "Hot";
  if (sort.startsWith("Top") || sort === "MostComments") return "Top";
  return "New";
}

/**
 * Searches the kinds the type asks for (All: every kind, each a page of `limit`). Url finds posts
 * linking to exactly the URL typed, as Lemmy does. Nothing is found for an empty query.
 */
export async function search(db: DbLike, options: SearchOptions): Promise<SearchResults> {
  const results: SearchResults = { posts: [], comments: [], communities: [], persons: [] };
  const text = options.query.trim();
  if (text === "") return results;
  const wants = (type: SearchType) => options.type === type || options.type === "All";
  const narrowed = options.communityId !== undefined || options.creatorId !== undefined;
  const viewer = options.viewer;
  const postListing = {
    viewer: viewer ? { personId: viewer.personId, showBotAccounts: viewer.showBotAccounts } : null,
    listingType: options.listingType,
    sort: options.sort,
    communityId: options.communityId,
    creatorId: options.creatorId,
    showNsfw: options.showNsfw,
    limit: options.limit,
    page: options.page,
  };
  const [posts, comments, communities, persons] = await Promise.all([
    wants("Posts") ? listPostViews(db, { ...postListing, searchText: text }) : null,
    wants("Comments")
      ? listComments(
          db,
          {
            sort: commentSortOf(options.sort),
            page: options.page,
            limit: options.limit,
            listing: options.listingType,
            communityId: options.communityId,
            creatorId: options.creatorId,
            searchText: text,
          },
          viewer,
        )
      : null,
    wants("Communities") && !narrowed
      ? listCommunityViews(db, {
          viewerId: viewer?.personId ?? null,
          listingType: options.listingType,
          sort: options.sort,
          showNsfw: options.showNsfw,
          page: options.page,
          limit: options.limit,
          searchText: text,
        })
      : null,
    wants("Users") && !narrowed ? searchPersons(db, text, options) : null,
  ]);
  if (posts?.ok) results.posts = posts.value.posts;
  results.comments = comments ?? [];
  results.communities = communities ?? [];
  results.persons = persons ?? [];
  if (options.type === "Url") {
    const url = parseHttpUrl(text);
    if (url) {
      const page = await listPostViews(db, { ...postListing, url });
      if (page.ok) results.posts = page.value.posts;
    }
  }
  return results;
}

/**
 * Persons whose name or display name begins with the typed words. New and Old order by when
 * they joined; every other sort puts the most active (posts and comments) first.
 */
async function searchPersons(db: DbLike, text: string, options: SearchOptions): Promise<PersonSearchView[]> {
  let query = db
    .selectFrom("persons as p")
    .leftJoin("local_users as u", "u.person_id", "p.id")
    .where("p.deleted", "=", false)
    .where(matchesName(sql.ref("p.search_vector"), text))
    .select(PERSON_COLUMNS.map((column) => `p.${column}` as const))
    .select((eb) => eb.fn.coalesce("u.admin", eb.lit(false)).as("is_admin"));
  if (options.listingType === "Local") query = query.where("p.local", "=", true);
  if (options.viewer && !options.viewer.showBotAccounts) query = query.where("p.bot", "=", false);
  query =
    options.sort === "New"
      ? query.orderBy("p.published_at", "desc").orderBy("p.id", "desc")
      : options.sort === "Old"
        ? query.orderBy("p.published_at", "asc").orderBy("p.id", "asc")
        : query.orderBy(sql`p.post_count + p.comment_count`, "desc").orderBy("p.id", "desc");
  const rows = await query
    .limit(options.limit)
    .offset((options.page - 1) * options.limit)
    .execute();
  return rows.map(({ is_admin, ...person }) => ({ person: person satisfies PersonRow, isAdmin: Boolean(is_admin) }));
}
