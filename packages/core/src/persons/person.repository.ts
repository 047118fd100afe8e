import type { DbLike } from "../db/connect.ts";
import type { NewPerson, PersonRow } from "../db/schema.ts";

export async function findPersonById(db: DbLike, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom("persons").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findPersonByApId(db: DbLike, apId: string): Promise<PersonRow | undefined> {
  return db.selectFrom("persons").selectAll().where("ap_id", "=", apId).executeTakeFirst();
}

export async function findLocalPersonByName(db: DbLike, name: string): Promise<PersonRow | undefined> {
  return db
    .selectFrom("persons")
    .selectAll()
    .where("local", "=", true)
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
    .executeTakeFirst();
}

export async function insertPerson(db: DbLike, person: NewPerson): Promise<PersonRow> {
  return db.insertInto("persons").values(person).returningAll().executeTakeFirstOrThrow();
}

/** Inserts or refreshes a remote person, keyed by its ActivityPub id. */
export async function upsertRemotePerson(db: DbLike, person: Omit<NewPerson, "local">): Promise<PersonRow> {
  const { ap_id: _apId, ...updatable } = person;
  return db
    .insertInto("persons")
    .values({ ...person, local: false })
    .onConflict((oc) => oc.column("ap_id").doUpdateSet(updatable))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function countLocalUsers(db: DbLike): Promise<number> {
  const row = await db
    .selectFrom("local_users")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
