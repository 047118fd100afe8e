// Fedify routes every local actor through one dispatcher at "/{+identifier}", so the identifier
// carries the kind as its first path segment: "c/lobby" is the community at /c/lobby and
// "u/alice" the person at /u/alice (Lemmy's URL scheme; docs/decisions/0004-actor-urls.md).
import { ACTOR_NAME_PATTERN } from "@plenum/core";

export type ActorRef = { kind: "community"; name: string } | { kind: "person"; name: string };

export function parseActorIdentifier(identifier: string): ActorRef | null {
  const slash = identifier.indexOf("/");
  if (slash < 0) return null;
  const prefix = identifier.slice(0, slash);
  const name = identifier.slice(slash + 1);
  if (!ACTOR_NAME_PATTERN.test(name)) return null;
  if (prefix === "c") return { kind: "community", name };
  if (prefix === "u") return { kind: "person", name };
  return null;
}

export const communityIdentifier = (name: string) => `c/${name}`;
export const personIdentifier = (name: string) => `u/${name}`;
