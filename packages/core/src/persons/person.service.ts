import { hash } from "@node-rs/argon2";
import type { Db } from "../db/connect.ts";
import type { PersonRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
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
  | { type: "email_taken" }
  | { type: "invalid_password"; reason: "too_short" | "too_long" };

export interface CreateUserInput {
  name: string;
  password: string;
  admin?: boolean;
  email?: string | null;
  showNsfw?: boolean;
  /** False while a registration application waits for an admin. */
  acceptedApplication?: boolean;
}

export function checkPasswordLength(password: string): "too_short" | "too_long" | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return "too_short";
  if (length > MAX_PASSWORD_LENGTH) return "too_long";
  return null;
}

export async function createLocalUser(
  db: Db,
  urls: LocalUrls,
  input: CreateUserInput,
): Promise<Result<PersonRow, CreateUserError>> {
  if (!ACTOR_NAME_PATTERN.test(input.name)) return err({ type: "invalid_name", name: input.name });
  const passwordProblem = checkPasswordLength(input.password);
  if (passwordProblem) return err({ type: "invalid_password", reason: passwordProblem });
  if (await findLocalPersonByName(db, input.name)) return err({ type: "name_taken", name: input.name });
  const email = input.email?.trim() || null;
  if (email && (await emailTaken(db, email))) return err({ type: "email_taken" });
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
          email,
          show_nsfw: input.showNsfw ?? false,
          accepted_application: input.acceptedApplication ?? true,
        })
        .execute();
      await createKeyPairs(trx, { personId: person.id });
      return person;
    });
    return ok(person);
  } catch (error) {
    if (isUniqueViolation(error)) {
      return (error as { constraint?: string }).constraint === "local_users_email_key"
        ? err({ type: "email_taken" })
        : err({ type: "name_taken", name: input.name });
    }
    throw error;
  }
}

async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db
    .selectFrom("local_users")
    .select("person_id")
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
    .executeTakeFirst();
  return row !== undefined;
}

/** PostgreSQL's unique_violation: a concurrent insert won the race. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

/**
 * A remote person asked to follow a local person. Persons here cannot be followed (as on Lemmy
 * 0.19), so nothing is stored; the Reject goes out through the events queue.
 */
export async function rejectPersonFollow(
  db: Db,
  personId: string,
  followerId: string,
  followActivityId: string,
): Promise<void> {
  await recordEvent(db, { type: "person_follow_rejected", personId, followerId, followActivityId });
  eventsCommitted();
}
