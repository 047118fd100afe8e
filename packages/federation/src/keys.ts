import { importJwk } from "@fedify/fedify";
import type { StoredKeyPair } from "@plenum/core";

/** Turns stored JWK pairs into the CryptoKeyPairs Fedify signs and publishes with. */
export async function toCryptoKeyPairs(pairs: StoredKeyPair[]): Promise<CryptoKeyPair[]> {
  return Promise.all(
    pairs.map(async (pair) => ({
      privateKey: await importJwk(pair.privateKey, "private"),
      publicKey: await importJwk(pair.publicKey, "public"),
    })),
  );
}
