// The modlog: every moderator and admin action, in one table (modlog), public per community and
// site-wide. Writers call recordModAction in the transaction of the action itself, so an action
// is never done without its entry. Readers get listModlog, which hydrates the rows an entry
// names (moderator, person, community, post, comment) in a few queries by primary key.
import { COMMENT_COLUMNS, COMMUNITY_COLUMNS, PERSON_COLUMNS, POST_COLUMNS } from "../db/columns.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommentRow, CommunityRow, ModlogAction, ModlogRow, PersonRow, PostRow } from "../db/schema.ts";

export const MODLOG_ACTIONS: readonly ModlogAction[] = [
  "ModRemovePost",
  "ModLockPost",
  "ModFeaturePost",
  "ModRemoveComment",
  "ModRemoveCommunity",
  "ModBanFromCommunity",
  "ModAddCommunity",
  "ModTransferCommunity",
  "ModAdd",
  "ModBan",
  "AdminPurgePerson",
  "AdminPurgeCommunity",
  "AdminPurgePost",
  "AdminPurgeComment",
];

/** Longest reason a moderator may give, in characters (Lemmy's limit for report and ban reasons). */
export const MAX_MOD_REASON_LENGTH = 1000;

export interface ModActionInput {
  action: ModlogAction;
  /** Who acted; null only for actions nobody took by hand. */
  modPersonId: string | null;
  /** The person acted on: banned, appointed, or the creator of what was removed. */
  otherPersonId?: string | null;
  communityId?: string | null;
  postId?: string | null;
  commentId?: string | null;
  reason?: string | null;
  expiresAt?: Date | null;
  /** The state set: removed, locked, featured, banned, added (false when the action undid it). */
  state?: boolean;
  /** ModFeaturePost: pinned in the community (true) or on the front page (false). */
  featuredCommunity?: boolean | null;
}

/** A blank reason is no reason. */
export function cleanReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

/** Writes one modlog entry; call it inside the transaction of the action. */
export async function recordModAction(db: DbLike, entry: ModActionInput): Promise<ModlogRow> {
  return db
    .insertInto("modlog")
    .values({
      action: entry.action,
      mod_person_id: entry.modPersonId,
      other_person_id: entry.otherPersonId ?? null,
      community_id: entry.communityId ?? null,
      post_id: entry.postId ?? null,
      comment_id: entry.commentId ?? null,
      reason: cleanReason(entry.reason),
      expires_at: entry.expiresAt ?? null,
      state: entry.state ?? true,
      featured_community: entry.featuredCommunity ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ModlogQuery {
  communityId?: string;
  /** Ignored when moderator names are hidden, so the filter cannot reveal who did what. */
  modPersonId?: string;
  otherPersonId?: string;
  postId?: string;
  commentId?: string;
  action?: ModlogAction;
  page: number;
  limit: number;
}

/** One entry with the rows it names; rows that no longer exist are null. */
export interface ModlogEntryView {
  entry: ModlogRow;
  /** Null when the moderator's name is hidden from the reader, or their account was purged. */
  moderator: PersonRow | null;
  otherPerson: PersonRow | null;
  community: CommunityRow | null;
  post: PostRow | null;
  comment: CommentRow | null;
}

/**
 * A page of the modlog, newest first: site-wide, or one community's (its entries carry its id).
 * With hideModNames, moderators are left out, as site.hide_modlog_mod_names asks for readers who
 * are not moderators.
 */
export async function listModlog(
  db: DbLike,
  query: ModlogQuery,
  options: { hideModNames: boolean },
): Promise<ModlogEntryView[]> {
  const rows = await db
    .selectFrom("modlog")
    .selectAll()
    .$if(query.communityId !== undefined, (qb) => qb.where("community_id", "=", query.communityId ?? "0"))
    .$if(query.modPersonId !== undefined && !options.hideModNames, (qb) =>
      qb.where("mod_person_id", "=", query.modPersonId ?? "0"),
    )
    .$if(query.otherPersonId !== undefined, (qb) => qb.where("other_person_id", "=", query.otherPersonId ?? "0"))
    .$if(query.postId !== undefined, (qb) => qb.where("post_id", "=", query.postId ?? "0"))
    .$if(query.commentId !== undefined, (qb) => qb.where("comment_id", "=", query.commentId ?? "0"))
    .$if(query.action !== undefined, (qb) => qb.where("action", "=", query.action ?? "ModAdd"))
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit)
    .offset((query.page - 1) * query.limit)
    .execute();
  return hydrateModlog(db, rows, options);
}

async function hydrateModlog(
  db: DbLike,
  rows: ModlogRow[],
  options: { hideModNames: boolean },
): Promise<ModlogEntryView[]> {
  if (rows.length === 0) return [];
  const ids = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const comments = await byId(
    ids(rows.map((r) => r.comment_id)),
    (list) =>
      db.selectFrom("comments").select(COMMENT_COLUMNS).where("id", "in", list).execute() as Promise<CommentRow[]>,
  );
  const posts = await byId(
    ids([...rows.map((r) => r.post_id), ...[...comments.values()].map((c) => c.post_id)]),
    (list) => db.selectFrom("posts").select(POST_COLUMNS).where("id", "in", list).execute() as Promise<PostRow[]>,
  );
  const [communities, persons] = await Promise.all([
    byId(
      ids([...rows.map((r) => r.community_id), ...[...posts.values()].map((p) => p.community_id)]),
      (list) =>
        db.selectFrom("communities").select(COMMUNITY_COLUMNS).where("id", "in", list).execute() as Promise<
          CommunityRow[]
        >,
    ),
    byId(
      ids([...rows.map((r) => (options.hideModNames ? null : r.mod_person_id)), ...rows.map((r) => r.other_person_id)]),
      (list) =>
        db.selectFrom("persons").select(PERSON_COLUMNS).where("id", "in", list).execute() as Promise<PersonRow[]>,
    ),
  ]);
  return rows.map((entry) => {
    const comment = entry.comment_id ? (comments.get(entry.comment_id) ?? null) : null;
    const post = posts.get(entry.post_id ?? comment?.post_id ?? "") ?? null;
    return {
      entry,
      moderator: options.hideModNames || !entry.mod_person_id ? null : (persons.get(entry.mod_person_id) ?? null),
      otherPerson: entry.other_person_id ? (persons.get(entry.other_person_id) ?? null) : null,
      community: communities.get(entry.community_id ?? post?.community_id ?? "") ?? null,
      post,
      comment,
    };
  });
}

async function byId<T extends { id: string }>(
  list: string[],
  load: (list: string[]) => Promise<T[]>,
): Promise<Map<string, T>> {
  if (list.length === 0) return new Map();
  return new Map((await load(list)).map((row) => [row.id, row]));
}

/** Runs a moderator's change and writes its modlog entry, in one transaction. */
export async function withModAction<T>(db: Db, entry: ModActionInput, change: (trx: DbLike) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const result = await change(trx);
    await recordModAction(trx, entry);
    return result;
  });
}
