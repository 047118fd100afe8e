// Blocks a person sets for themselves (Lemmy's blockPerson and blockCommunity): their listings
// leave out the blocked person's posts and comments, or the blocked community's (post.view.ts,
// comment.view.ts). Blocks are private: nothing federates and the blocked side is not told.
import type { LocalAccount } from "../accounts/account.service.ts";
import { unfollowCommunity } from "../communities/community.service.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommunityRow, PersonRow } from "../db/schema.ts";
import { err, ok, type Result } from "../result.ts";

export type BlockPersonError =
  | { type: "couldnt_find_person" }
  | { type: "cant_block_yourself" }
  | { type: "cant_block_admin" };

/**
 * The actor blocks (block = true) or unblocks a person. As on Lemmy, nobody can block
 * themselves or a local admin (admins must be able to reach everyone). Idempotent.
 */
export async function blockPerson(
  db: Db,
  actor: LocalAccount,
  targetId: string,
  block: boolean,
): Promise<Result<PersonRow, BlockPersonError>> {
  const target = await db.selectFrom("persons").selectAll().where("id", "=", targetId).executeTakeFirst();
  if (!target) return err({ type: "couldnt_find_person" });
  if (target.id === actor.person.id) return err({ type: "cant_block_yourself" });
  if (!block) {
    await db
      .deleteFrom("person_blocks")
      .where("person_id", "=", actor.person.id)
      .where("target_id", "=", target.id)
      .execute();
    return ok(target);
  }
  const admin = await db
    .selectFrom("local_users")
    .select("admin")
    .where("person_id", "=", target.id)
    .executeTakeFirst();
  if (admin?.admin) return err({ type: "cant_block_admin" });
  await db
    .insertInto("person_blocks")
    .values({ person_id: actor.person.id, target_id: target.id })
    .onConflict((oc) => oc.columns(["person_id", "target_id"]).doNothing())
    .execute();
  return ok(target);
}

export type BlockCommunityError = { type: "couldnt_find_community" };

/**
 * The actor blocks or unblocks a community. Blocking also ends the actor's follow of it, as on
 * Lemmy (for a remote community an Undo Follow goes out). Idempotent.
 */
export async function blockCommunity(
  db: Db,
  actor: LocalAccount,
  communityId: string,
  block: boolean,
): Promise<Result<CommunityRow, BlockCommunityError>> {
  const community = await db.selectFrom("communities").selectAll().where("id", "=", communityId).executeTakeFirst();
  if (!community) return err({ type: "couldnt_find_community" });
  if (!block) {
    await db
      .deleteFrom("community_blocks")
      .where("person_id", "=", actor.person.id)
      .where("community_id", "=", community.id)
      .execute();
    return ok(community);
  }
  await db
    .insertInto("community_blocks")
    .values({ person_id: actor.person.id, community_id: community.id })
    .onConflict((oc) => oc.columns(["person_id", "community_id"]).doNothing())
    .execute();
  await unfollowCommunity(db, actor.person.id, community.id);
  return ok(community);
}

/** The persons someone blocks, by name (getSite's my_user.person_blocks). */
export async function listBlockedPersons(db: DbLike, personId: string): Promise<PersonRow[]> {
  return db
    .selectFrom("person_blocks as b")
    .innerJoin("persons as p", "p.id", "b.target_id")
    .where("b.person_id", "=", personId)
    .orderBy("p.name")
    .orderBy("p.id")
    .selectAll("p")
    .execute();
}

/** The communities someone blocks, by name (getSite's my_user.community_blocks). */
export async function listBlockedCommunities(db: DbLike, personId: string): Promise<CommunityRow[]> {
  return db
    .selectFrom("community_blocks as b")
    .innerJoin("communities as c", "c.id", "b.community_id")
    .where("b.person_id", "=", personId)
    .orderBy("c.name")
    .orderBy("c.id")
    .selectAll("c")
    .execute();
}
