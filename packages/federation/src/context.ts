import type { Context, Federation } from "@fedify/fedify";
import type { Db, LocalUrls } from "@plenum/core";

/** What every Fedify callback gets as ctx.data. */
export interface FederationContextData {
  db: Db;
  urls: LocalUrls;
}

export type PlenumFederation = Federation<FederationContextData>;
export type PlenumContext = Context<FederationContextData>;
