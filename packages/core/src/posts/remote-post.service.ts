// Posts from other servers: created or updated from their ActivityPub form, deleted and restored
// by their authors. packages/federation checks who may do what (hosts, authorship, community);
// this keeps the rows and counters right and makes every call safe to repeat.
import type { Db } from "../db/connect.ts";
import type { PostRow, PostUpdate } from "../db/schema.ts";
import { hasTombstone } from "../remote/inbound.repository.ts";
import { addToPostCounters, updatePost } from "./post.repository.ts";
import { MAX_POST_BODY_LENGTH, MAX_POST_TITLE_LENGTH } from "./post.service.ts";

/** A remote post as the federation layer read it (Markdown body, checked URLs). */
export interface RemotePostInput {
  apId: string;
  instanceId: string;
  communityId: string;
  creatorId: string;
  title: string;
  url: string | null;
  /** Markdown. */
  body: string | null;
  thumbnailUrl: string | null;
  nsfw: boolean;
  languageId: number;
  /** Comments closed (commentsEnabled: false); undefined leaves the stored value alone. */
  locked?: boolean;
  publishedAt: Date;
  updatedAt: Date | null;
}

export type RemoteWriteOutcome = "created" | "updated" | "unchanged";

export type RemotePostResult =
  | { ok: true; outcome: RemoteWriteOutcome; post: PostRow }
  | { ok: false; reason: "deleted_before_arrival" | "local_object" | "not_the_creator" };

/** At most `max` characters (code points), so a long body is cut rather than refused. */
export function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length > max ? characters.slice(0, max).join("") : text;
}

/** A title as Lemmy accepts it: one line, trimmed, at most 200 characters. */
export function normalizeTitle(title: string): string {
  return truncate(title.replace(/\s+/g, " ").trim(), MAX_POST_TITLE_LENGTH).trim();
}

/**
 * Creates a remote post, or updates it when the incoming version is newer than the stored one
 * (last writer wins on updated-or-published, as Lemmy does): a Create and an Update are applied
 * alike, so an Update that arrives first creates the post and a late Create changes nothing.
 * A new post counts for its creator and community and gets its creator's upvote, as Lemmy
 * records on receipt. Refused: ids deleted before they arrived (tombstones), our own posts, and
 * a different creator for a known post.
 */
export async function upsertRemotePost(db: Db, input: RemotePostInput): Promise<RemotePostResult> {
  const title = normalizeTitle(input.title);
  const body = input.body === null ? null : truncate(input.body, MAX_POST_BODY_LENGTH);
  return db.transaction().execute(async (trx): Promise<RemotePostResult> => {
    if (await hasTombstone(trx, input.apId)) return { ok: false, reason: "deleted_before_arrival" };
    const existing = await trx
      .selectFrom("posts")
      .selectAll()
      .where("ap_id", "=", input.apId)
      .forUpdate()
      .executeTakeFirst();
    if (!existing) {
      const inserted = await trx
        .insertInto("posts")
        .values({
          ap_id: input.apId,
          local: false,
          instance_id: input.instanceId,
          community_id: input.communityId,
          creator_id: input.creatorId,
          title,
          url: input.url,
          body,
          thumbnail_url: input.thumbnailUrl,
          nsfw: input.nsfw,
          language_id: input.languageId,
          locked: input.locked ?? false,
          published_at: input.publishedAt,
          updated_at: input.updatedAt,
          score: 1,
          upvotes: 1,
        })
        // A concurrent delivery of the same post inserted it first: nothing to do.
        .onConflict((oc) => oc.column("ap_id").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) {
        const post = await trx
          .selectFrom("posts")
          .selectAll()
          .where("ap_id", "=", input.apId)
          .executeTakeFirstOrThrow();
        return { ok: true, outcome: "unchanged", post };
      }
      await trx
        .insertInto("post_votes")
        .values({ post_id: inserted.id, person_id: input.creatorId, score: 1 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await addToPostCounters(trx, inserted, 1);
      return { ok: true, outcome: "created", post: inserted };
    }
    if (existing.local) return { ok: false, reason: "local_object" };
    if (existing.creator_id !== input.creatorId) return { ok: false, reason: "not_the_creator" };
    const incoming = input.updatedAt ?? input.publishedAt;
    const stored = existing.updated_at ?? existing.published_at;
    if (incoming.getTime() <= stored.getTime()) return { ok: true, outcome: "unchanged", post: existing };
    const changes: PostUpdate = {
      title,
      url: input.url,
      body,
      thumbnail_url: input.thumbnailUrl,
      nsfw: input.nsfw,
      language_id: input.languageId,
      updated_at: input.updatedAt ?? incoming,
      ...(input.locked === undefined ? {} : { locked: input.locked }),
    };
    if (input.url !== existing.url) {
      changes.embed_title = null;
      changes.embed_description = null;
      changes.embed_video_url = null;
      changes.url_content_type = null;
    }
    return { ok: true, outcome: "updated", post: await updatePost(trx, existing.id, changes) };
  });
}

/**
 * A remote author deletes (or restores) their post. Counters move only when the state changes,
 * so a repeated Delete does nothing. Returns the post, or undefined if unknown.
 */
export async function setRemotePostDeleted(db: Db, postId: string, deleted: boolean): Promise<PostRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable("posts")
      .set({ deleted })
      .where("id", "=", postId)
      .where("deleted", "=", !deleted)
      .returningAll()
      .executeTakeFirst();
    if (!changed) return trx.selectFrom("posts").selectAll().where("id", "=", postId).executeTakeFirst();
    if (!changed.removed) await addToPostCounters(trx, changed, deleted ? -1 : 1);
    return changed;
  });
}
