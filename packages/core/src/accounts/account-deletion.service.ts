// Account deletion (Lemmy's deleteAccount) and its federated counterpart, a remote person's
// Delete of themselves. As on Lemmy, the person stays as a row marked deleted with its profile
// cleared (posts and comments keep an author), and their content goes too when asked
// (delete_content; removeData on the wire).
import { verify } from "@node-rs/argon2";
import { setRemoteCommentDeleted } from "../comments/remote-comment.service.ts";
import type { Db } from "../db/connect.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { setRemotePostDeleted } from "../posts/remote-post.service.ts";
import { err, ok, type Result } from "../result.ts";
import { findLocalAccount } from "./account.service.ts";
import { revokeAllLoginTokens } from "./login-tokens.ts";

export type DeleteAccountError = { type: "incorrect_login" };

/** Marks every post and comment of the person deleted (counters move as for one deletion each). */
async function deletePersonContent(db: Db, personId: string): Promise<void> {
  const posts = await db
    .selectFrom("posts")
    .select("id")
    .where("creator_id", "=", personId)
    .where("deleted", "=", false)
    .execute();
  for (const post of posts) await setRemotePostDeleted(db, post.id, true);
  const comments = await db
    .selectFrom("comments")
    .select("id")
    .where("creator_id", "=", personId)
    .where("deleted", "=", false)
    .execute();
  for (const comment of comments) await setRemoteCommentDeleted(db, comment.id, true);
}

/** The person as a deleted account leaves it: marked deleted, profile cleared (Lemmy's shape). */
function deletedProfile() {
  return {
    deleted: true,
    display_name: null,
    bio: null,
    avatar_url: null,
    banner_url: null,
    pronouns: [] as string[],
    updated_at: new Date(),
  };
}

/**
 * A local person deletes their own account, confirming with their password: every login ends,
 * and servers that know them are sent Delete(Person) (event person_deleted). With deleteContent,
 * their posts and comments are deleted first (a crash in between leaves an account that can
 * simply be deleted again).
 */
export async function deleteAccount(
  db: Db,
  personId: string,
  input: { password: string; deleteContent: boolean },
): Promise<Result<void, DeleteAccountError>> {
  const account = await findLocalAccount(db, personId);
  if (!account || account.person.deleted) return err({ type: "incorrect_login" });
  if (!(await verify(account.localUser.password_hash, input.password).catch(() => false))) {
    return err({ type: "incorrect_login" });
  }
  if (input.deleteContent) await deletePersonContent(db, personId);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("persons").set(deletedProfile()).where("id", "=", personId).execute();
    await revokeAllLoginTokens(trx, personId);
    await recordEvent(trx, { type: "person_deleted", personId, removeData: input.deleteContent });
  });
  eventsCommitted();
  return ok(undefined);
}

/**
 * A remote person deleted themselves (an inbound Delete(Person)): marked deleted here, with their
 * content when they asked for it (removeData). Repeating it changes nothing more.
 */
export async function applyRemotePersonDeletion(db: Db, personId: string, removeData: boolean): Promise<void> {
  if (removeData) await deletePersonContent(db, personId);
  await db.updateTable("persons").set(deletedProfile()).where("id", "=", personId).where("local", "=", false).execute();
}
