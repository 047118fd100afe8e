// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Sent activities (docs/federation.md, "Activities at their ids"): every public activity Plenum
// delivers, as sent, so that servers that fetch an activity by its id (Mastodon re-fetches the
// activity a community's Announce wraps) get it. Kept for a week (core: sent-activity.repository.ts).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sent_activities (
      ap_id text primary key,
      activity jsonb not null,
      sent_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index sent_activities_sent_at_idx on sent_activities (sent_at)`.execute(db);
}
