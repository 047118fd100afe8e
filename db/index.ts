// The schema's history, in order. Every migration here is frozen once applied (forward-only).
import type { Migration } from "kysely/migration";
import * as init from "./migrations/2026-11-28T0000_init.ts";
import * as accountsContent from "./migrations/2026-11-28T0100_accounts_content.ts";
import * as commentsTree from "./migrations/2026-11-28T0220_comments_tree.ts";
import * as postListing from "./migrations/2026-11-28T0300_post_listing.ts";
import * as rankingSearch from "./migrations/2026-11-28T0400_ranking_search.ts";
import * as federatedContent from "./migrations/2026-11-28T0500_federated_content.ts";
import * as megathreads from "./migrations/2026-11-28T0600_megathreads.ts";
import * as moderation from "./migrations/2026-11-28T0700_moderation.ts";
import * as deliveryHealth from "./migrations/2026-11-28T0810_delivery_health.ts";
import * as instanceSoftware from "./migrations/2026-11-28T0820_instance_software.ts";
import * as boosts from "./migrations/2026-11-28T0830_boosts.ts";
import * as remainingSortIndexes from "./migrations/2026-11-28T0850_remaining_sort_indexes.ts";
import * as sentActivities from "./migrations/2026-11-28T0870_sent_activities.ts";
import * as siteKeys from "./migrations/2026-11-28T0890_site_keys.ts";

export const migrations: Record<string, Migration> = {
  "2026-11-28T0000_init": init,
  "2026-11-28T0100_accounts_content": accountsContent,
  "2026-11-28T0220_comments_tree": commentsTree,
  "2026-11-28T0300_post_listing": postListing,
  "2026-11-28T0400_ranking_search": rankingSearch,
  "2026-11-28T0500_federated_content": federatedContent,
  "2026-11-28T0600_megathreads": megathreads,
  "2026-11-28T0700_moderation": moderation,
  "2026-11-28T0810_delivery_health": deliveryHealth,
  "2026-11-28T0820_instance_software": instanceSoftware,
  "2026-11-28T0830_boosts": boosts,
  "2026-11-28T0850_remaining_sort_indexes": remainingSortIndexes,
  "2026-11-28T0870_sent_activities": sentActivities,
  "2026-11-28T0890_site_keys": siteKeys,
};

/** The replaceable SQL functions, re-applied after the migrations on every run (see the file). */
export const functionsSqlUrl = new URL("./functions.sql", import.meta.url);
