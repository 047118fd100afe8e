// Login tokens: JWTs signed with the site's secret (HS256), as Lemmy 0.19 issues them, and
// recorded by hash so that logging out (or changing the password) really ends them.
import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import type { DbLike } from "../db/connect.ts";

export interface TokenContext {
  /** The site's JWT secret (site.jwt_secret). */
  secret: string;
  /** Issuer claim: the instance's host, as Lemmy sets it. */
  issuer: string;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function issueLoginToken(
  db: DbLike,
  context: TokenContext,
  personId: string,
  client: { ip?: string | null; userAgent?: string | null } = {},
): Promise<string> {
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(personId)
    .setIssuer(context.issuer)
    .setIssuedAt()
    // Unique per login even within one second, so each has its own row.
    .setJti(crypto.randomUUID())
    .sign(keyOf(context.secret));
  await db
    .insertInto("login_tokens")
    .values({
      token_hash: hashToken(token),
      person_id: personId,
      ip: client.ip ?? null,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return token;
}

/** The person a token logs in, or null when it is malformed, forged, or logged out. */
export async function verifyLoginToken(db: DbLike, context: TokenContext, token: string): Promise<string | null> {
  let subject: string | undefined;
  try {
    const { payload } = await jwtVerify(token, keyOf(context.secret), {
      algorithms: ["HS256"],
      issuer: context.issuer,
    });
    subject = payload.sub;
  } catch {
    return null;
  }
  if (!subject) return null;
  const row = await db
    .selectFrom("login_tokens")
    .select("person_id")
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  return row && row.person_id === subject ? row.person_id : null;
}

export async function revokeLoginToken(db: DbLike, token: string): Promise<void> {
  await db.deleteFrom("login_tokens").where("token_hash", "=", hashToken(token)).execute();
}

export async function revokeAllLoginTokens(db: DbLike, personId: string): Promise<void> {
  await db.deleteFrom("login_tokens").where("person_id", "=", personId).execute();
}
