// Saved (bookmarked) posts and comments.
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { VoteTarget } from "./vote.service.ts";

const tables = {
  post: { saves: "post_saves", key: "post_id" },
  comment: { saves: "comment_saves", key: "comment_id" },
} as const;

/** Saves or unsaves an item for a person; idempotent either way. */
export async function setSaved(db: DbLike, target: VoteTarget, itemId: string, personId: string, saved: boolean) {
  const t = tables[target];
  if (saved) {
    await sql`
      insert into ${sql.table(t.saves)} (person_id, ${sql.ref(t.key)}) values (${personId}, ${itemId})
      on conflict do nothing`.execute(db);
  } else {
    await sql`delete from ${sql.table(t.saves)} where person_id = ${personId} and ${sql.ref(t.key)} = ${itemId}`.execute(
      db,
    );
  }
}
