import type { InboxContext } from "@fedify/fedify";
import { Follow, type Undo } from "@fedify/vocab";
import type { FederationContextData } from "../context.ts";
import { onFollowUndone } from "./follow.ts";

/** Undo is one activity type wrapping many; dispatch on what it undoes. */
export async function onUndone(ctx: InboxContext<FederationContextData>, undo: Undo): Promise<void> {
  // Same-origin embedded objects are used as sent; Fedify refetches cross-origin ones.
  const object = await undo.getObject(ctx).catch(() => null);
  if (object instanceof Follow) await onFollowUndone(ctx, undo, object);
}
