// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// The site's own key pair, for its instance actor (Lemmy's site, an Application at https://host/;
// docs/federation.md, "Actors"): key pairs now belong to a person, a community or the site.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table actor_key_pairs add column site_id integer references site(id) on delete cascade`.execute(db);
  // The init migration's unnamed check, which allowed only a person or a community.
  await sql`alter table actor_key_pairs drop constraint actor_key_pairs_check`.execute(db);
  await sql`
    alter table actor_key_pairs add constraint actor_key_pairs_one_owner
      check (num_nonnulls(person_id, community_id, site_id) = 1)`.execute(db);
  await sql`create unique index actor_key_pairs_site_key on actor_key_pairs (site_id, algorithm) where site_id is not null`.execute(
    db,
  );
}
