// Registration, login and passwords. Registration follows the site's mode: Open, Closed, or
// RequireApplication (the account exists but cannot log in until an admin approves).
import { hash, verify } from "@node-rs/argon2";
import type { Db, DbLike } from "../db/connect.ts";
import type { LocalUserRow, PersonRow, SiteRow } from "../db/schema.ts";
import { countLocalUsers } from "../persons/person.repository.ts";
import { checkPasswordLength, createLocalUser } from "../persons/person.service.ts";
import { err, ok, type Result } from "../result.ts";
import type { LocalUrls } from "../urls.ts";
import { revokeAllLoginTokens } from "./login-tokens.ts";

/** A local account: the person and its login data. */
export interface LocalAccount {
  person: PersonRow;
  localUser: LocalUserRow;
}

export async function findLocalAccount(db: DbLike, personId: string): Promise<LocalAccount | undefined> {
  const [person, localUser] = await Promise.all([
    db.selectFrom("persons").selectAll().where("id", "=", personId).executeTakeFirst(),
    db.selectFrom("local_users").selectAll().where("person_id", "=", personId).executeTakeFirst(),
  ]);
  return person && localUser ? { person, localUser } : undefined;
}

export type RegisterError =
  | { type: "registration_closed" }
  | { type: "registration_application_answer_required" }
  | { type: "passwords_do_not_match" }
  | { type: "invalid_password" }
  | { type: "invalid_name" }
  | { type: "user_already_exists" }
  | { type: "email_already_exists" };

export interface RegisterInput {
  username: string;
  password: string;
  passwordVerify: string;
  email?: string | null;
  showNsfw?: boolean;
  answer?: string | null;
}

export interface Registration {
  account: LocalAccount;
  /** True when an application now waits for an admin (no login until approved). */
  applicationCreated: boolean;
}

/**
 * Registers a local account. The first account of a new site becomes its admin (as Lemmy's
 * set-up does), and is never held for an application.
 */
export async function register(
  db: Db,
  urls: LocalUrls,
  site: SiteRow,
  input: RegisterInput,
): Promise<Result<Registration, RegisterError>> {
  const first = (await countLocalUsers(db)) === 0;
  if (!first && site.registration_mode === "Closed") return err({ type: "registration_closed" });
  const needsApplication = !first && site.registration_mode === "RequireApplication";
  const answer = input.answer?.trim() ?? "";
  if (needsApplication && answer === "") return err({ type: "registration_application_answer_required" });
  if (input.password !== input.passwordVerify) return err({ type: "passwords_do_not_match" });
  const created = await createLocalUser(db, urls, {
    name: input.username,
    password: input.password,
    email: input.email ?? null,
    admin: first,
    showNsfw: input.showNsfw ?? false,
    acceptedApplication: !needsApplication,
  });
  if (!created.ok) {
    switch (created.error.type) {
      case "invalid_name":
        return err({ type: "invalid_name" });
      case "name_taken":
        return err({ type: "user_already_exists" });
      case "email_taken":
        return err({ type: "email_already_exists" });
      case "invalid_password":
        return err({ type: "invalid_password" });
    }
  }
  if (needsApplication) {
    await db.insertInto("registration_applications").values({ person_id: created.value.id, answer }).execute();
  }
  const account = await findLocalAccount(db, created.value.id);
  if (!account) throw new Error("a registered account disappeared");
  return ok({ account, applicationCreated: needsApplication });
}

export type LoginError =
  | { type: "incorrect_login" }
  | { type: "registration_application_is_pending" }
  | { type: "registration_denied"; reason: string | null }
  | { type: "deleted" };

/** Checks a name-or-email and password; the same error for an unknown name and a wrong password. */
export async function authenticate(
  db: Db,
  usernameOrEmail: string,
  password: string,
): Promise<Result<LocalAccount, LoginError>> {
  const needle = usernameOrEmail.trim().toLowerCase();
  const row = await db
    .selectFrom("local_users as u")
    .innerJoin("persons as p", "p.id", "u.person_id")
    .where((eb) => eb.or([eb(eb.fn("lower", ["p.name"]), "=", needle), eb(eb.fn("lower", ["u.email"]), "=", needle)]))
    .select(["u.person_id", "u.password_hash"])
    .executeTakeFirst();
  // Verify against a real hash even when the name is unknown, so timing does not reveal which names exist.
  const passwordHash = row?.password_hash ?? UNKNOWN_USER_HASH;
  const valid = await verify(passwordHash, password).catch(() => false);
  if (!row || !valid) return err({ type: "incorrect_login" });
  const account = await findLocalAccount(db, row.person_id);
  if (!account) return err({ type: "incorrect_login" });
  if (account.person.deleted) return err({ type: "deleted" });
  if (!account.localUser.accepted_application) {
    const application = await db
      .selectFrom("registration_applications")
      .select(["admin_id", "deny_reason"])
      .where("person_id", "=", account.person.id)
      .executeTakeFirst();
    if (application?.admin_id) return err({ type: "registration_denied", reason: application.deny_reason });
    return err({ type: "registration_application_is_pending" });
  }
  return ok(account);
}

/** A valid argon2id hash of a random password nobody knows. */
const UNKNOWN_USER_HASH = await hash(crypto.randomUUID());

export type ChangePasswordError =
  | { type: "incorrect_login" }
  | { type: "passwords_do_not_match" }
  | { type: "invalid_password" };

/** Changes a password and ends every existing login of the account (the caller issues a new one). */
export async function changePassword(
  db: Db,
  personId: string,
  input: { oldPassword: string; newPassword: string; newPasswordVerify: string },
): Promise<Result<void, ChangePasswordError>> {
  if (input.newPassword !== input.newPasswordVerify) return err({ type: "passwords_do_not_match" });
  if (checkPasswordLength(input.newPassword)) return err({ type: "invalid_password" });
  const account = await findLocalAccount(db, personId);
  if (!account || !(await verify(account.localUser.password_hash, input.oldPassword).catch(() => false))) {
    return err({ type: "incorrect_login" });
  }
  const passwordHash = await hash(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("local_users")
      .set({ password_hash: passwordHash })
      .where("person_id", "=", personId)
      .execute();
    await revokeAllLoginTokens(trx, personId);
  });
  return ok(undefined);
}
