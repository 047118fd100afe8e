// Posts written here: create, edit, delete and restore, votes, saves, and the moderators'
// feature and lock. Error types are Lemmy's error codes, so the API hands them on unchanged.
import type { LocalAccount } from "../accounts/account.service.ts";
import { findCommunityById } from "../communities/community.repository.ts";
import { canModerate } from "../communities/community.service.ts";
import { languageById, UNDETERMINED_LANGUAGE_ID } from "../content/languages.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { CommunityRow, PersonRow, PostRow, PostUpdate, SiteRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { jobsCommitted, recordJob } from "../jobs/jobs.ts";
import { parseHttpUrl } from "../links/http-url.ts";
import { type BanError, checkBan } from "../moderation/bans.ts";
import { cleanReason, withModAction } from "../moderation/modlog.ts";
import { err, ok, type Result } from "../result.ts";
import type { LocalUrls } from "../urls.ts";
import { setSaved } from "../votes/save.service.ts";
import { castVote, type VoteScore, type VoteTally } from "../votes/vote.service.ts";
import { addToPostCounters, findPostById, insertPost, updatePost } from "./post.repository.ts";

/** Longest post title, in characters after trimming (Lemmy's limit). */
export const MAX_POST_TITLE_LENGTH = 200;
/** Longest post body, in characters (Lemmy's POST_BODY_MAX_LENGTH). */
export const MAX_POST_BODY_LENGTH = 50_000;
/** Longest image description, in characters (Lemmy's alt text limit). */
export const MAX_ALT_TEXT_LENGTH = 1500;

export type PostContentError =
  | { type: "invalid_post_title" }
  | { type: "invalid_url"; field: "url" | "custom_thumbnail" }
  | { type: "invalid_body_field" }
  | { type: "alt_text_length_overflow" }
  | { type: "language_not_allowed" };

/**
 * Post fields as a caller gives them: undefined leaves a field alone (on edit); an empty string
 * clears url, body, alt_text and custom_thumbnail, as in Lemmy.
 */
export interface PostContentInput {
  title?: string;
  url?: string;
  body?: string;
  altText?: string;
  customThumbnail?: string;
  nsfw?: boolean;
  languageId?: number;
}

const characters = (text: string) => [...text].length;

function checkPostContent(input: PostContentInput): Result<PostUpdate, PostContentError> {
  const changes: PostUpdate = {};
  if (input.title !== undefined) {
    const title = input.title.trim();
    // Lemmy refuses line breaks in titles as well as empty and long ones.
    if (title.length === 0 || characters(title) > MAX_POST_TITLE_LENGTH || /[\r\n]/.test(title)) {
      return err({ type: "invalid_post_title" });
    }
    changes.title = title;
  }
  if (input.url !== undefined) {
    if (input.url.trim() === "") changes.url = null;
    else {
      const url = parseHttpUrl(input.url);
      if (!url) return err({ type: "invalid_url", field: "url" });
      changes.url = url;
    }
  }
  if (input.customThumbnail !== undefined) {
    if (input.customThumbnail.trim() === "") changes.thumbnail_url = null;
    else {
      const thumbnail = parseHttpUrl(input.customThumbnail);
      if (!thumbnail) return err({ type: "invalid_url", field: "custom_thumbnail" });
      changes.thumbnail_url = thumbnail;
    }
  }
  if (input.body !== undefined) {
    if (characters(input.body) > MAX_POST_BODY_LENGTH) return err({ type: "invalid_body_field" });
    changes.body = input.body.trim() === "" ? null : input.body;
  }
  if (input.altText !== undefined) {
    if (characters(input.altText) > MAX_ALT_TEXT_LENGTH) return err({ type: "alt_text_length_overflow" });
    changes.alt_text = input.altText.trim() === "" ? null : input.altText;
  }
  if (input.languageId !== undefined) {
    if (!languageById(input.languageId)) return err({ type: "language_not_allowed" });
    changes.language_id = input.languageId;
  }
  if (input.nsfw !== undefined) changes.nsfw = input.nsfw;
  return ok(changes);
}

export type CreatePostError =
  | PostContentError
  | { type: "couldnt_find_community" }
  | { type: "only_mods_can_post_in_community" }
  | BanError;

/**
 * A local member posts to a community, local or remote. In one transaction: the post (its ap_id
 * needs the generated id, so it is set right after the insert), the author's automatic upvote
 * (score 1, as on Lemmy), the post counters of author and community, a link-preview job if there
 * is a URL, and the post_created event that federates it.
 */
export async function createPost(
  db: Db,
  urls: LocalUrls,
  actor: LocalAccount,
  input: PostContentInput & { communityId: string; title: string },
): Promise<Result<PostRow, CreatePostError>> {
  const checked = checkPostContent(input);
  if (!checked.ok) return checked;
  const content = checked.value;
  const community = await findCommunityById(db, input.communityId);
  if (!community || community.deleted || community.removed) return err({ type: "couldnt_find_community" });
  const ban = await checkBan(db, actor.person.id, { communityId: community.id });
  if (ban) return err(ban);
  if (community.posting_restricted_to_mods && !(await canModerate(db, actor, community.id))) {
    return err({ type: "only_mods_can_post_in_community" });
  }
  const post = await db
    .transaction()
    .execute((trx) =>
      insertLocalPost(trx, urls, community, actor.person, { ...content, title: content.title ?? input.title }),
    );
  if (post.url) jobsCommitted();
  eventsCommitted();
  return ok(post);
}

/**
 * The writes of createPost, inside the caller's transaction (the megathread scheduler creates its
 * posts in the transaction that claims the slot): the post, its ap_id, the author's upvote, the
 * counters, a link-preview job if there is a URL, and the post_created event. The content must be
 * checked already; after the commit, call eventsCommitted() (and jobsCommitted() with a URL).
 */
export async function insertLocalPost(
  trx: DbLike,
  urls: LocalUrls,
  community: Pick<CommunityRow, "id">,
  creator: Pick<PersonRow, "id" | "instance_id">,
  content: PostUpdate & { title: string },
): Promise<PostRow> {
  const inserted = await insertPost(trx, {
    // A unique placeholder until the id exists; replaced before the transaction commits.
    ap_id: `${urls.origin}/post/pending-${crypto.randomUUID()}`,
    local: true,
    // The post lives on this instance, whichever instance its community lives on.
    instance_id: creator.instance_id,
    community_id: community.id,
    creator_id: creator.id,
    title: content.title,
    url: content.url ?? null,
    body: content.body ?? null,
    alt_text: content.alt_text ?? null,
    thumbnail_url: content.thumbnail_url ?? null,
    nsfw: content.nsfw ?? false,
    language_id: content.language_id ?? UNDETERMINED_LANGUAGE_ID,
    score: 1,
    upvotes: 1,
  });
  const post = await updatePost(trx, inserted.id, { ap_id: urls.post(inserted.id) });
  await trx.insertInto("post_votes").values({ post_id: post.id, person_id: creator.id, score: 1 }).execute();
  await addToPostCounters(trx, post, 1);
  if (post.url) await recordJob(trx, { type: "fetch_link_metadata", postId: post.id, url: post.url });
  await recordEvent(trx, {
    type: "post_created",
    communityId: community.id,
    personId: creator.id,
    postId: post.id,
  });
  return post;
}

export type EditPostError =
  | PostContentError
  | { type: "couldnt_find_post" }
  | { type: "no_post_edit_allowed" }
  | BanError;

/**
 * The author changes a post. A new URL clears the old link's preview (keeping a thumbnail given
 * in the same edit) and fetches the new one.
 */
export async function editPost(
  db: Db,
  actor: LocalAccount,
  postId: string,
  input: PostContentInput,
): Promise<Result<PostRow, EditPostError>> {
  const post = await findPostById(db, postId);
  if (!post) return err({ type: "couldnt_find_post" });
  if (post.creator_id !== actor.person.id) return err({ type: "no_post_edit_allowed" });
  const ban = await checkBan(db, actor.person.id, { communityId: post.community_id });
  if (ban) return err(ban);
  const checked = checkPostContent(input);
  if (!checked.ok) return checked;
  const changes: PostUpdate = { ...checked.value, updated_at: new Date() };
  const urlChanged = changes.url !== undefined && changes.url !== post.url;
  if (urlChanged) {
    changes.embed_title = null;
    changes.embed_description = null;
    changes.embed_video_url = null;
    changes.url_content_type = null;
    if (input.customThumbnail === undefined) changes.thumbnail_url = null;
  }
  const updated = await db.transaction().execute(async (trx) => {
    const updated = await updatePost(trx, postId, changes);
    if (urlChanged && updated.url) {
      await recordJob(trx, { type: "fetch_link_metadata", postId, url: updated.url });
    }
    await recordEvent(trx, {
      type: "post_updated",
      communityId: updated.community_id,
      personId: actor.person.id,
      postId,
    });
    return updated;
  });
  if (urlChanged && updated.url) jobsCommitted();
  eventsCommitted();
  return ok(updated);
}

export type PostActionError = { type: "couldnt_find_post" };

/**
 * The author deletes a post or restores it. Deleted posts leave listings and the post counters;
 * they can still be read by id. Asking for the state a post already has changes nothing.
 */
export async function setPostDeleted(
  db: Db,
  actor: LocalAccount,
  postId: string,
  deleted: boolean,
): Promise<Result<PostRow, PostActionError | { type: "no_post_edit_allowed" }>> {
  const post = await findPostById(db, postId);
  if (!post) return err({ type: "couldnt_find_post" });
  if (post.creator_id !== actor.person.id) return err({ type: "no_post_edit_allowed" });
  const updated = await db.transaction().execute(async (trx) => {
    // The condition on the old state makes a concurrent repeat a no-op, so counters move once.
    const changed = await trx
      .updateTable("posts")
      .set({ deleted })
      .where("id", "=", postId)
      .where("deleted", "=", !deleted)
      .returningAll()
      .executeTakeFirst();
    if (!changed) return post;
    if (!changed.removed) await addToPostCounters(trx, changed, deleted ? -1 : 1);
    await recordEvent(trx, {
      type: "post_deleted",
      communityId: changed.community_id,
      personId: actor.person.id,
      postId,
      deleted,
    });
    return changed;
  });
  eventsCommitted();
  return ok(updated);
}

export type VotePostError = PostActionError | { type: "downvotes_are_disabled" } | BanError;

/**
 * A vote on a post (1, -1, or 0 to take it back). Posts that are deleted or removed, or whose
 * community is, cannot be voted on; they answer couldnt_find_post, as Lemmy does.
 */
export async function votePost(
  db: Db,
  site: SiteRow,
  actor: LocalAccount,
  postId: string,
  score: VoteScore,
): Promise<Result<VoteTally, VotePostError>> {
  const post = await findPostById(db, postId);
  if (!post || post.deleted || post.removed) return err({ type: "couldnt_find_post" });
  const community = await findCommunityById(db, post.community_id);
  if (!community || community.deleted || community.removed) return err({ type: "couldnt_find_post" });
  const ban = await checkBan(db, actor.person.id, { communityId: community.id });
  if (ban) return err(ban);
  const tally = await castVote(db, {
    target: "post",
    itemId: postId,
    personId: actor.person.id,
    score,
    downvotesEnabled: site.enable_downvotes,
    onChange: (trx, previous) =>
      recordEvent(trx, {
        type: "vote_cast",
        communityId: post.community_id,
        personId: actor.person.id,
        target: "post",
        itemId: postId,
        score,
        previous,
      }),
  });
  eventsCommitted();
  return tally.ok ? tally : err(tally.error);
}

/** Saves a post for the actor or takes it off their list; any post that exists can be saved. */
export async function savePost(
  db: Db,
  actor: LocalAccount,
  postId: string,
  save: boolean,
): Promise<Result<void, PostActionError>> {
  const post = await findPostById(db, postId);
  if (!post) return err({ type: "couldnt_find_post" });
  await setSaved(db, "post", postId, actor.person.id, save);
  return ok(undefined);
}

export type FeatureType = "Community" | "Local";

export type ModeratePostError =
  | PostActionError
  | { type: "not_a_mod_or_admin" }
  | { type: "not_an_admin" }
  | { type: "object_not_local" };

/**
 * Pins a post: in its community (moderators and admins; shown first on the community's page) or
 * on this instance's front page (admins; shown first in All, Local and Subscribed).
 */
export async function featurePost(
  db: Db,
  actor: LocalAccount,
  input: { postId: string; featured: boolean; featureType: FeatureType },
): Promise<Result<PostRow, ModeratePostError>> {
  const post = await findPostById(db, input.postId);
  if (!post) return err({ type: "couldnt_find_post" });
  if (input.featureType === "Local") {
    if (!actor.localUser.admin) return err({ type: "not_an_admin" });
    const entry = { ...featureLogEntry(actor, post, input.featured), featuredCommunity: false };
    return ok(await withModAction(db, entry, (trx) => updatePost(trx, post.id, { featured_local: input.featured })));
  }
  const community = await findCommunityById(db, post.community_id);
  if (!community) return err({ type: "couldnt_find_post" });
  // In a remote community the pin is sent to it; its own moderators' list decides there.
  if (!(await canModerate(db, actor, post.community_id))) return err({ type: "not_a_mod_or_admin" });
  const entry = { ...featureLogEntry(actor, post, input.featured), featuredCommunity: true };
  const updated = await withModAction(db, entry, async (trx) => {
    await recordEvent(trx, {
      type: "moderation_action",
      communityId: post.community_id,
      actorId: actor.person.id,
      action: { kind: "feature", postId: post.id, featured: input.featured },
    });
    return updatePost(trx, post.id, { featured_community: input.featured });
  });
  eventsCommitted();
  return ok(updated);
}

/** Locks a post against new comments, or unlocks it (moderators and admins of its community). */
export async function lockPost(
  db: Db,
  actor: LocalAccount,
  postId: string,
  locked: boolean,
  reason: string | null = null,
): Promise<Result<PostRow, ModeratePostError>> {
  const post = await findPostById(db, postId);
  if (!post) return err({ type: "couldnt_find_post" });
  if (!(await canModerate(db, actor, post.community_id))) return err({ type: "not_a_mod_or_admin" });
  const entry = { ...featureLogEntry(actor, post, locked), action: "ModLockPost" as const, reason };
  const updated = await withModAction(db, entry, async (trx) => {
    await recordEvent(trx, {
      type: "moderation_action",
      communityId: post.community_id,
      actorId: actor.person.id,
      action: { kind: "lock", postId: post.id, locked, reason: cleanReason(reason) },
    });
    return updatePost(trx, post.id, { locked });
  });
  eventsCommitted();
  return ok(updated);
}

/** The modlog entry of a pin or lock (moderation/modlog.ts). */
function featureLogEntry(actor: LocalAccount, post: PostRow, state: boolean) {
  return {
    action: "ModFeaturePost" as const,
    modPersonId: actor.person.id,
    otherPersonId: post.creator_id,
    communityId: post.community_id,
    postId: post.id,
    state,
  };
}

/**
 * Whether a reader may see a post's content: anyone while it is visible; once deleted or removed,
 * only its author, the community's moderators and admins (others get the post without it).
 */
export async function canSeePostContent(db: Db, reader: LocalAccount | null, post: PostRow): Promise<boolean> {
  if (!post.deleted && !post.removed) return true;
  if (!reader) return false;
  return post.creator_id === reader.person.id || (await canModerate(db, reader, post.community_id));
}

/** The post with its title, link, body and preview blanked (for readers who may not see them). */
export function withoutPostContent(post: PostRow): PostRow {
  return {
    ...post,
    title: "",
    url: null,
    body: null,
    alt_text: null,
    embed_title: null,
    embed_description: null,
    embed_video_url: null,
    thumbnail_url: null,
    url_content_type: null,
  };
}
