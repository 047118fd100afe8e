// The admin command line: `npm run admin -- <command> ...`. Each command is a function over a
// Runtime so tests can run them without spawning processes.
import { parseArgs } from "node:util";
import {
  createLocalCommunity,
  createLocalUser,
  exhaustiveCheck,
  findLocalPersonByName,
  followCommunity,
} from "@plenum/core";
import { resolveCommunity } from "@plenum/federation";
import type { Runtime } from "./runtime.ts";

export const ADMIN_USAGE = `Usage: npm run admin -- <command>

Commands:
  create-user <name> --password <password> [--admin]
  create-community <name> --title "<title>" --mod <user> [--description "<text>"]
  follow <user> <community>     community as !name@host, @name@host or its URL
`;

export type AdminOutcome = { ok: true; message: string } | { ok: false; message: string };

export async function runAdminCommand(runtime: Runtime, argv: string[]): Promise<AdminOutcome> {
  const [command, ...rest] = argv;
  const { db, urls } = runtime.contextData;
  switch (command) {
    case "create-user": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { password: { type: "string" }, admin: { type: "boolean", default: false } },
      });
      const name = positionals[0];
      if (!name || !values.password) return { ok: false, message: ADMIN_USAGE };
      const result = await createLocalUser(db, urls, { name, password: values.password, admin: values.admin });
      if (result.ok) {
        return { ok: true, message: `Created ${values.admin ? "admin" : "user"} ${name}: ${result.value.ap_id}` };
      }
      switch (result.error.type) {
        case "invalid_name":
          return { ok: false, message: `Invalid name "${name}": use 3-20 characters of a-z, 0-9 and _.` };
        case "name_taken":
          return { ok: false, message: `A user called ${name} already exists.` };
        case "email_taken":
          return { ok: false, message: "That email address is already in use." };
        case "invalid_password":
          return {
            ok: false,
            message: `The password is ${result.error.reason === "too_short" ? "too short (at least 10 characters)" : "too long (at most 60 characters)"}.`,
          };
        default:
          return exhaustiveCheck(result.error);
      }
    }
    case "create-community": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { title: { type: "string" }, mod: { type: "string" }, description: { type: "string" } },
      });
      const name = positionals[0];
      if (!name || !values.title || !values.mod) return { ok: false, message: ADMIN_USAGE };
      const result = await createLocalCommunity(db, urls, {
        name,
        title: values.title,
        description: values.description ?? null,
        moderatorName: values.mod,
      });
      if (result.ok) return { ok: true, message: `Created community ${name}: ${result.value.ap_id}` };
      switch (result.error.type) {
        case "invalid_name":
          return { ok: false, message: `Invalid community name "${name}": use 3-20 characters of a-z, 0-9 and _.` };
        case "invalid_title":
          return { ok: false, message: "The title must be 1-100 characters." };
        case "name_taken":
          return { ok: false, message: `A community called ${name} already exists.` };
        case "moderator_not_found":
          return { ok: false, message: `There is no local user called ${values.mod}.` };
        default:
          return exhaustiveCheck(result.error);
      }
    }
    case "follow": {
      const [userName, query] = rest;
      if (!userName || !query) return { ok: false, message: ADMIN_USAGE };
      const person = await findLocalPersonByName(db, userName);
      if (!person) return { ok: false, message: `There is no local user called ${userName}.` };
      const context = runtime.federation.createContext(new URL(runtime.config.origin), runtime.contextData);
      const community = await resolveCommunity(context, query);
      if (!community.ok) return { ok: false, message: `Could not find a community at ${query}.` };
      const follow = await followCommunity(db, urls, person.id, community.value.id);
      if (!follow.ok) return { ok: false, message: `Could not follow: ${follow.error.type}` };
      return { ok: true, message: `${userName} follows ${community.value.ap_id} (${follow.value.state}).` };
    }
    default:
      return { ok: false, message: ADMIN_USAGE };
  }
}
