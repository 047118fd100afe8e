// A remote community's moderators, as its server lists them: the collection its Group names in
// attributedTo (FEP-1b12; Lemmy's /c/{name}/moderators, an OrderedCollection of Person URLs).
// Read whenever the Group is fetched, so the inbox can tell a moderator's Lock or removal from
// anybody else's (inbox/moderation.ts). Between fetches, the Add/Remove the community announces
// keep the list current.
import { getLogger } from "@logtape/logtape";
import { type CommunityRow, findPersonByApId, replaceRemoteModerators } from "@plenum/core";
import { fetchActor, persistActor } from "./actors.ts";
import type { PlenumContext } from "./context.ts";
import type { Json } from "./objects.ts";

const logger = getLogger(["plenum", "federation", "moderators"]);

/** Most moderators read from one collection (bounds the persons fetched for it; Lemmy
 *  communities rarely have more than a handful). */
export const MAX_SYNCED_MODERATORS = 50;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function memberIds(collection: Json): string[] {
  const items = collection.orderedItems ?? collection.items;
  const list = Array.isArray(items) ? items : items === undefined || items === null ? [] : [items];
  return list.flatMap((item) => {
    const id = typeof item === "string" ? item : isRecord(item) && typeof item.id === "string" ? item.id : null;
    return id && URL.canParse(id) ? [id] : [];
  });
}

/** Reads the community's moderators collection and stores its list; keeps the old one on failure. */
export async function syncRemoteModerators(ctx: PlenumContext, community: CommunityRow): Promise<void> {
  if (community.local || !community.moderators_url) return;
  let document: unknown;
  try {
    ({ document } = await ctx.documentLoader(community.moderators_url));
  } catch (error) {
    logger.debug("Moderators of {community} unavailable: {error}", { community: community.ap_id, error });
    return;
  }
  if (!isRecord(document) || document.id !== community.moderators_url) return;
  const personIds: string[] = [];
  for (const id of memberIds(document).slice(0, MAX_SYNCED_MODERATORS)) {
    const known = await findPersonByApId(ctx.data.db, id);
    if (known) {
      personIds.push(known.id);
      continue;
    }
    const actor = await fetchActor(ctx, id);
    if (!actor) continue;
    const persisted = await persistActor(ctx, actor);
    if (persisted?.kind === "person") personIds.push(persisted.row.id);
  }
  await replaceRemoteModerators(ctx.data.db, community.id, personIds);
}
