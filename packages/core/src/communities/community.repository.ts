import type { DbLike } from "../db/connect.ts";
import type { CommunityFollowRow, CommunityRow, CommunityUpdate, FollowState, NewCommunity } from "../db/schema.ts";

export async function findCommunityById(db: DbLike, id: string): Promise<CommunityRow | undefined> {
  return db.selectFrom("communities").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findCommunityByApId(db: DbLike, apId: string): Promise<CommunityRow | undefined> {
  return db.selectFrom("communities").selectAll().where("ap_id", "=", apId).executeTakeFirst();
}

export async function findLocalCommunityByName(db: DbLike, name: string): Promise<CommunityRow | undefined> {
  return db
    .selectFrom("communities")
    .selectAll()
    .where("local", "=", true)
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
    .executeTakeFirst();
}

export async function insertCommunity(db: DbLike, community: NewCommunity): Promise<CommunityRow> {
  return db.insertInto("communities").values(community).returningAll().executeTakeFirstOrThrow();
}

/** Inserts or refreshes a remote community, keyed by its ActivityPub id. */
export async function upsertRemoteCommunity(db: DbLike, community: Omit<NewCommunity, "local">): Promise<CommunityRow> {
  const { ap_id: _apId, ...updatable } = community;
  return db
    .insertInto("communities")
    .values({ ...community, local: false })
    .onConflict((oc) => oc.column("ap_id").doUpdateSet(updatable))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function addModerator(db: DbLike, communityId: string, personId: string): Promise<void> {
  await db
    .insertInto("community_moderators")
    .values({ community_id: communityId, person_id: personId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findFollow(
  db: DbLike,
  communityId: string,
  personId: string,
): Promise<CommunityFollowRow | undefined> {
  return db
    .selectFrom("community_follows")
    .selectAll()
    .where("community_id", "=", communityId)
    .where("person_id", "=", personId)
    .executeTakeFirst();
}

/** Records a follow, or updates its state and activity id if the pair already exists. */
export async function upsertFollow(
  db: DbLike,
  follow: { communityId: string; personId: string; state: FollowState; followActivityId: string | null },
): Promise<CommunityFollowRow> {
  const acceptedAt = follow.state === "accepted" ? new Date() : null;
  return db
    .insertInto("community_follows")
    .values({
      community_id: follow.communityId,
      person_id: follow.personId,
      state: follow.state,
      follow_activity_id: follow.followActivityId,
      accepted_at: acceptedAt,
    })
    .onConflict((oc) =>
      oc.columns(["community_id", "person_id"]).doUpdateSet({
        state: follow.state,
        follow_activity_id: follow.followActivityId,
        accepted_at: acceptedAt,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteFollow(db: DbLike, communityId: string, personId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("community_follows")
    .where("community_id", "=", communityId)
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function updateCommunity(db: DbLike, id: string, changes: CommunityUpdate): Promise<CommunityRow> {
  return db.updateTable("communities").set(changes).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

/** A community by name: `name` for a local one, `name@host` (or `!name@host`) for any instance's. */
export async function findCommunityByName(db: DbLike, qualifiedName: string): Promise<CommunityRow | undefined> {
  const [name, host] = qualifiedName.replace(/^[!@]/, "").split("@");
  if (!name) return undefined;
  let query = db
    .selectFrom("communities as c")
    .selectAll("c")
    .where((eb) => eb(eb.fn("lower", ["c.name"]), "=", name.toLowerCase()));
  query = host
    ? query.innerJoin("instances as i", "i.id", "c.instance_id").where("i.host", "=", host.toLowerCase())
    : query.where("c.local", "=", true);
  return query.executeTakeFirst();
}

export async function removeModerator(db: DbLike, communityId: string, personId: string): Promise<void> {
  await db
    .deleteFrom("community_moderators")
    .where("community_id", "=", communityId)
    .where("person_id", "=", personId)
    .execute();
}

export async function isModerator(db: DbLike, communityId: string, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom("community_moderators")
    .select("person_id")
    .where("community_id", "=", communityId)
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return row !== undefined;
}
