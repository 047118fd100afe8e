import type { InboxContext } from "@fedify/fedify";
import { Follow, type Undo } from "@fedify/vocab";
import type { FederationContextData } from "../context.ts";
import { onContentActivity, receivedJson } from "./content.ts";
import { onFollowUndone } from "./follow.ts";

/** Undo is one activity type wrapping many; dispatch on what it undoes. */
export async function onUndone(ctx: InboxContext<FederationContextData>, undo: Undo): Promise<void> {
  const json = (await receivedJson(ctx, undo)) as { object?: unknown };
  const inner = json.object;
  const innerType = typeof inner === "object" && inner !== null ? (inner as { type?: unknown }).type : undefined;
  if (innerType === "Follow") {
    // Same-origin embedded objects are used as sent; Fedify refetches cross-origin ones.
    const object = await undo.getObject(ctx).catch(() => null);
    if (object instanceof Follow) {
      await onFollowUndone(ctx, undo, object);
      return;
    }
  }
  // Undo of anything else (a vote, a Delete, a Lock, a ban, a boost): receive.ts's applyUndo.
  await onContentActivity(ctx, undo);
}
