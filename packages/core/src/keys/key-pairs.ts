// Key pairs of local actors: generated once when the actor is created and kept in
// actor_key_pairs, because RSA generation costs 0.5-1 s and a changed key breaks remote caches.
import type { DbLike } from "../db/connect.ts";
import type { KeyAlgorithm } from "../db/schema.ts";

/** The site (id 1) owns the instance actor's keys. */
export type KeyOwner = { personId: string } | { communityId: string } | { siteId: number };

export interface StoredKeyPair {
  algorithm: KeyAlgorithm;
  publicKey: JsonWebKey;
  privateKey: JsonWebKey;
}

const RSA_PARAMS: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  // 2048-bit RSA with SHA-256: what Mastodon and Lemmy use and verify (federation-wire-formats.md §5).
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

async function generate(algorithm: KeyAlgorithm): Promise<StoredKeyPair> {
  const pair = (await crypto.subtle.generateKey(algorithm === "Ed25519" ? { name: "Ed25519" } : RSA_PARAMS, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return {
    algorithm,
    publicKey: await crypto.subtle.exportKey("jwk", pair.publicKey),
    privateKey: await crypto.subtle.exportKey("jwk", pair.privateKey),
  };
}

/** Generates and stores an RSA and an Ed25519 key pair for a new local actor. */
export async function createKeyPairs(db: DbLike, owner: KeyOwner): Promise<void> {
  const pairs = await Promise.all([generate("RSASSA-PKCS1-v1_5"), generate("Ed25519")]);
  await db
    .insertInto("actor_key_pairs")
    .values(
      pairs.map((pair) => ({
        person_id: "personId" in owner ? owner.personId : null,
        community_id: "communityId" in owner ? owner.communityId : null,
        site_id: "siteId" in owner ? owner.siteId : null,
        algorithm: pair.algorithm,
        public_key: JSON.stringify(pair.publicKey),
        private_key: JSON.stringify(pair.privateKey),
      })),
    )
    // Two processes may create the site's keys at once (on first need); the first one stays.
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * The site's key pairs (its instance actor's), created on first need: sites that existed before
 * the instance actor have none yet.
 */
export async function ensureSiteKeyPairs(db: DbLike, siteId: number): Promise<StoredKeyPair[]> {
  const existing = await findKeyPairs(db, { siteId });
  if (existing.length > 0) return existing;
  await createKeyPairs(db, { siteId });
  return findKeyPairs(db, { siteId });
}

/** The stored key pairs of a local actor, RSA first (the key Lemmy and Mastodon verify with). */
export async function findKeyPairs(db: DbLike, owner: KeyOwner): Promise<StoredKeyPair[]> {
  const rows = await db
    .selectFrom("actor_key_pairs")
    .select(["algorithm", "public_key", "private_key"])
    .$if("personId" in owner, (q) => q.where("person_id", "=", (owner as { personId: string }).personId))
    .$if("communityId" in owner, (q) => q.where("community_id", "=", (owner as { communityId: string }).communityId))
    .$if("siteId" in owner, (q) => q.where("site_id", "=", (owner as { siteId: number }).siteId))
    .orderBy("algorithm", "desc")
    .execute();
  return rows.map((row) => ({ algorithm: row.algorithm, publicKey: row.public_key, privateKey: row.private_key }));
}
