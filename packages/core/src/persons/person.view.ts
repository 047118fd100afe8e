import type { DbLike } from "../db/connect.ts";
import type { CommunityRow, PersonRow } from "../db/schema.ts";

export interface PersonProfileView {
  person: PersonRow;
  isAdmin: boolean;
  /** Communities this person moderates. */
  moderates: CommunityRow[];
}

/** A person by id, or by name: `name` for a local person, `name@host` for a remote one. */
export async function findPersonByIdOrName(
  db: DbLike,
  by: { id?: string; name?: string },
): Promise<PersonRow | undefined> {
  if (by.id) return db.selectFrom("persons").selectAll().where("id", "=", by.id).executeTakeFirst();
  if (!by.name) return undefined;
  const [name, host] = by.name.replace(/^@/, "").split("@");
  if (!name) return undefined;
  let query = db
    .selectFrom("persons as p")
    .selectAll("p")
    .where((eb) => eb(eb.fn("lower", ["p.name"]), "=", name.toLowerCase()));
  query = host
    ? query.innerJoin("instances as i", "i.id", "p.instance_id").where("i.host", "=", host.toLowerCase())
    : query.where("p.local", "=", true);
  return query.executeTakeFirst();
}

export async function getPersonProfile(db: DbLike, person: PersonRow): Promise<PersonProfileView> {
  const [admin, moderates] = await Promise.all([
    db.selectFrom("local_users").select("admin").where("person_id", "=", person.id).executeTakeFirst(),
    db
      .selectFrom("community_moderators as m")
      .innerJoin("communities as c", "c.id", "m.community_id")
      .where("m.person_id", "=", person.id)
      .orderBy("m.created_at")
      .selectAll("c")
      .execute(),
  ]);
  return { person, isAdmin: admin?.admin ?? false, moderates };
}
