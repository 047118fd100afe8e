// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Indexes for post and community listings across communities (the front page).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // New/Old and the Top* time windows on All and Local, keyset-paginated by (published, id).
  await sql`create index posts_published_idx on posts (published_at desc, id desc)`.execute(db);
  // Communities a person moderates (ModeratorView listings, creator_is_moderator).
  await sql`create index community_moderators_person_idx on community_moderators (person_id)`.execute(db);
}
