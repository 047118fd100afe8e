// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// When each instance's software (NodeInfo software.name, in instances.software) was last asked
// for: the outbound bridge sends microblog servers (Mastodon and kin) less than threadiverse ones
// (docs/federation.md, "What microblog users see"). Null: never asked. Set even when the answer
// was unusable, so an instance without NodeInfo is asked again only at the next daily refresh.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table instances add column software_checked_at timestamptz`.execute(db);
}
