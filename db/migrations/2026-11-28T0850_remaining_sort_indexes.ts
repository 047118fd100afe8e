// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// An index for each post sort that still sorted its rows: Old, NewComments and MostComments,
// across communities and within one, each in the sort's exact order (post.sort.ts, postOrderKeys),
// as 2026-11-28T0400 gave the other sorts.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const sortKeys: Record<string, string> = {
    // Oldest first; the featured flag still puts pinned posts first (descending), which no
    // backward scan of the New index gives.
    old: "published_at asc, id asc",
    // Lemmy 0.19 counts a post's publication as its first comment time.
    new_comments: "coalesce(newest_comment_at, published_at) desc, id desc",
    most_comments: "comment_count desc, published_at desc, id desc",
  };
  for (const [name, keys] of Object.entries(sortKeys)) {
    await sql`create index ${sql.raw(`posts_featured_local_${name}_idx`)}
      on posts (featured_local desc, ${sql.raw(keys)})`.execute(db);
    await sql`create index ${sql.raw(`posts_community_featured_${name}_idx`)}
      on posts (community_id, featured_community desc, ${sql.raw(keys)})`.execute(db);
  }
}
