// Read views for publishing posts to other servers (ActivityPub objects, the community outbox
// and featured collections): each post with the rows its wire form names, its creator and
// community. Rows only: the mapping to Page lives in packages/federation.
import type { DbLike } from "../db/connect.ts";
import type { CommunityRow, PersonRow, PostRow } from "../db/schema.ts";

export interface PostObjectView {
  post: PostRow;
  creator: PersonRow;
  community: CommunityRow;
}

/** How many posts a community outbox lists: Lemmy's outbox holds the last 20. */
export const OUTBOX_POST_LIMIT = 20;

/** Persons by id, for views that name several. */
export async function personsById(db: DbLike, ids: readonly string[]): Promise<Map<string, PersonRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("persons")
    .selectAll()
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

async function withParties(db: DbLike, posts: PostRow[], community?: CommunityRow): Promise<PostObjectView[]> {
  const creators = await personsById(
    db,
    posts.map((post) => post.creator_id),
  );
  const views: PostObjectView[] = [];
  for (const post of posts) {
    const creator = creators.get(post.creator_id);
    const owner =
      community ??
      (await db.selectFrom("communities").selectAll().where("id", "=", post.community_id).executeTakeFirst());
    if (creator && owner) views.push({ post, creator, community: owner });
  }
  return views;
}

/** A post with its creator and community, deleted and removed ones included (callers decide). */
export async function getPostObjectView(db: DbLike, postId: string): Promise<PostObjectView | undefined> {
  const post = await db.selectFrom("posts").selectAll().where("id", "=", postId).executeTakeFirst();
  if (!post) return undefined;
  return (await withParties(db, [post]))[0];
}

/** The newest visible posts of a community, newest first (its outbox). */
export async function listRecentPostObjects(
  db: DbLike,
  community: CommunityRow,
  limit: number = OUTBOX_POST_LIMIT,
): Promise<PostObjectView[]> {
  const posts = await db
    .selectFrom("posts")
    .selectAll()
    .where("community_id", "=", community.id)
    .where("deleted", "=", false)
    .where("removed", "=", false)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return withParties(db, posts, community);
}

/** The visible posts pinned in a community, newest first (its featured collection). */
export async function listFeaturedPostObjects(db: DbLike, community: CommunityRow): Promise<PostObjectView[]> {
  const posts = await db
    .selectFrom("posts")
    .selectAll()
    .where("community_id", "=", community.id)
    .where("featured_community", "=", true)
    .where("deleted", "=", false)
    .where("removed", "=", false)
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return withParties(db, posts, community);
}
