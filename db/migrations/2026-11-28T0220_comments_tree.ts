// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Indexes for reading comment trees a page at a time (docs/architecture.md, "Comment trees").
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // The top-level comments of a post, in publication order: a page of them by New or Old is an
  // index range scan, and the other sorts rank only this post's top-level comments.
  await sql`create index comments_roots_idx on comments (post_id, published_at, id) where parent_id is null`.execute(
    db,
  );
  // The same for the direct replies of one comment (tree continuation by parent_id); it also
  // answers every lookup the plain parent index served, so that one goes.
  await sql`create index comments_children_idx on comments (parent_id, published_at, id) where parent_id is not null`.execute(
    db,
  );
  await sql`drop index comments_parent_idx`.execute(db);
  // Site-wide and community comment lists by New or Old.
  await sql`create index comments_published_idx on comments (published_at, id)`.execute(db);
  // score, upvotes and downvotes stay unindexed on purpose: votes then update comment rows in
  // place (HOT updates) instead of touching every index of the table.
}
