// The schema's history, in order. Every migration here is frozen once applied (forward-only).
import type { Migration } from "kysely/migration";
import * as init from "./migrations/2026-11-28T0000_init.ts";
import * as accountsContent from "./migrations/2026-11-28T0100_accounts_content.ts";

export const migrations: Record<string, Migration> = {
  "2026-11-28T0000_init": init,
  "2026-11-28T0100_accounts_content": accountsContent,
};
