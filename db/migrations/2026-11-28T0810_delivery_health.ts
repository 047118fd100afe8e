// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Delivery health per receiving server (docs/federation.md, "Delivery"): what the worker saw when
// it delivered there, and whether the server is dead (deliveries skipped until the next probe).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // Keyed by the inbox URL's host (with its port), as deliveries are: a receiving server may have
  // no row in instances yet (nothing of it stored) and still be delivered to.
  await sql`
    create table delivery_health (
      host text primary key,
      last_success_at timestamptz,
      last_failure_at timestamptz,
      last_error text,
      failing_since timestamptz,
      consecutive_failures integer not null default 0,
      total_successes bigint not null default 0,
      total_failures bigint not null default 0,
      skipped_deliveries bigint not null default 0,
      dead_since timestamptz,
      next_probe_at timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);
  // Enqueueing checks the few dead hosts among a delivery's targets.
  await sql`create index delivery_health_dead_idx on delivery_health (host) where dead_since is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table delivery_health`.execute(db);
}
