import { hash } from "@node-rs/argon2";
import type { Db } from "../db/connect.ts";
import type { PersonRow } from "../db/schema.ts";
import { ensureInstance } from "../instances/instance.repository.ts";
import { createKeyPairs } from "../keys/key-pairs.ts";
import { err, ok, type Result } from "../result.ts";
import { hostOf, type LocalUrls } from "../urls.ts";
import { findLocalPersonByName, insertPerson } from "./person.repository.ts";

/** Lemmy's rule for actor names: 3-20 of a-z, 0-9 and _ (features-and-ranking.md §1). */
export const ACTOR_NAME_PATTERN = /^[a-z0-9_]{3,20}$/;
/** Minimum password length in characters (Lemmy requires 10). */
export const MIN_PASSWORD_LENGTH = 10;
/** Maximum password length in characters (Lemmy's limit; bounds hashing cost). */
export const MAX_PASSWORD_LENGTH = 60;

export type CreateUserError =
  | { type: "invalid_name"; name: string }
  | { type: "name_taken"; name: string }
  | { type: "invalid_password"; reason: "too_short" | "too_long" };

export interface CreateUserInput {
  name: string;
  password: string;
  admin?: boolean;
  email?: string | null;
}

export async function createLocalUser(
  db: Db,
  urls: LocalUrls,
  input: CreateUserInput,
): Promise<Result<PersonRow, CreateUserError>> {
  if (!ACTOR_NAME_PATTERN.test(input.name)) return err({ type: "invalid_name", name: input.name });
  if (input.password.length < MIN_PASSWORD_LENGTH) return err({ type: "invalid_password", reason: "too_short" });
  if (input.password.length > MAX_PASSWORD_LENGTH) return err({ type: "invalid_password", reason: "too_long" });
  if (await findLocalPersonByName(db, input.name)) return err({ type: "name_taken", name: input.name });
  const passwordHash = await hash(input.password);
  const apId = urls.person(input.name);
  try {
    const person = await db.transaction().execute(async (trx) => {
      const instanceId = await ensureInstance(trx, hostOf(urls.origin));
      const person = await insertPerson(trx, {
        ap_id: apId,
        local: true,
        instance_id: instanceId,
        name: input.name,
        inbox_url: urls.inbox(apId),
        shared_inbox_url: urls.sharedInbox(),
        outbox_url: urls.outbox(apId),
        followers_url: urls.followers(apId),
      });
      await trx
        .insertInto("local_users")
        .values({
          person_id: person.id,
          password_hash: passwordHash,
          admin: input.admin ?? false,
          email: input.email ?? null,
        })
        .execute();
      await createKeyPairs(trx, { personId: person.id });
      return person;
    });
    return ok(person);
  } catch (error) {
    if (isUniqueViolation(error)) return err({ type: "name_taken", name: input.name });
    throw error;
  }
}

/** PostgreSQL's unique_violation: a concurrent insert won the race. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
