// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Inbound federation of posts, comments and votes (docs/federation.md): the ids of activities
// already applied, tombstones of objects deleted before they arrived, and lookups of votes by
// their activity id (an Undo may name the vote it undoes by id alone).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // Every activity applied from another server, by id: a repeated delivery (a retry, the same
  // activity again inside a community's Announce, a replay) changes nothing a second time.
  await sql`
    create table received_activities (
      ap_id text primary key,
      received_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index received_activities_received_idx on received_activities (received_at)`.execute(db);

  // Objects deleted by their author before we had them: a Create or Update arriving late (or
  // replayed) for one of these ids is refused, as Mastodon does with its tombstones.
  await sql`
    create table tombstones (
      ap_id text primary key,
      deleted_by text not null,
      deleted_at timestamptz not null default now()
    )`.execute(db);
  // Both tables are purged by age (packages/core/src/remote/inbound.repository.ts).
  await sql`create index tombstones_deleted_idx on tombstones (deleted_at)`.execute(db);

  await sql`create index post_votes_ap_id_idx on post_votes (ap_id) where ap_id is not null`.execute(db);
  await sql`create index comment_votes_ap_id_idx on comment_votes (ap_id) where ap_id is not null`.execute(db);
}
