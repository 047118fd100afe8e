import type { Context, Federation } from "@fedify/fedify";
import type { Db, LocalUrls } from "@plenum/core";
import type { LoaderOptions } from "./loader.ts";

/** What every Fedify callback gets as ctx.data. */
export interface FederationContextData {
  db: Db;
  urls: LocalUrls;
  /** Bounds and identity of fetches made outside Fedify's loaders (NodeInfo; nodeinfo.ts). */
  remoteFetch: LoaderOptions;
}

export type PlenumFederation = Federation<FederationContextData>;
export type PlenumContext = Context<FederationContextData>;
