// Posts and comments as ActivityPub objects, in Lemmy's shapes (federation-wire-formats.md §2.4,
// §2.5): a post is a Page, a comment a Note, a deleted one a Tombstone. The JSON is written here
// rather than through Fedify's vocabulary because Lemmy reads terms Fedify does not model
// (commentsEnabled, stickied, language, distinguished); Fedify still routes, negotiates and
// serves it (raw.ts).
import {
  type CommentObjectView,
  hostOf,
  languageById,
  type PersonRow,
  type PostObjectView,
  renderMarkdown,
  UNDETERMINED_LANGUAGE_ID,
} from "@plenum/core";

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/** A JSON object as sent or received. */
export type Json = Record<string, unknown>;

/**
 * The JSON-LD context of everything Plenum writes itself: ActivityStreams (which Mastodon
 * requires), the security vocabulary, and the Lemmy terms of its former inline context.
 */
export const PLENUM_CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  "https://w3id.org/security/v1",
  {
    lemmy: "https://join-lemmy.org/ns#",
    pt: "https://joinpeertube.org/ns#",
    sc: "http://schema.org/",
    sensitive: "as:sensitive",
    stickied: "lemmy:stickied",
    distinguished: "lemmy:distinguished",
    commentsEnabled: "pt:commentsEnabled",
    postingRestrictedToMods: "lemmy:postingRestrictedToMods",
    language: "sc:inLanguage",
    identifier: "sc:identifier",
  },
];

/** A top-level document: the same JSON with the context first. */
export function withContext(json: Json): Json {
  return { "@context": PLENUM_CONTEXT, ...json };
}

const iso = (date: Date) => date.toISOString();

/** Lemmy's `language` object, or nothing for an undetermined language. */
function languageOf(languageId: number): Json | undefined {
  if (languageId === UNDETERMINED_LANGUAGE_ID) return undefined;
  const language = languageById(languageId);
  return language ? { identifier: language.code, name: language.name } : undefined;
}

/** HTML content with its Markdown source, as Lemmy sends both. */
function contentOf(markdown: string | null): Json {
  if (!markdown) return {};
  return {
    content: renderMarkdown(markdown),
    mediaType: "text/html",
    source: { content: markdown, mediaType: "text/markdown" },
  };
}

/** `@name@host`, the name a Mention tag shows. */
export function handleOf(person: PersonRow): string {
  return `@${person.name}@${hostOf(person.ap_id)}`;
}

/** Removes undefined members, so absent fields are left out rather than sent as null. */
function compact(json: Json): Json {
  return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

/** A post as a Page (no @context: see withContext). */
export function toPageJson({ post, creator, community }: PostObjectView): Json {
  return compact({
    id: post.ap_id,
    type: "Page",
    attributedTo: creator.ap_id,
    to: [community.ap_id, AS_PUBLIC],
    cc: [],
    audience: community.ap_id,
    name: post.title,
    ...contentOf(post.body),
    // Lemmy reads the link from the first attachment; Mastodon makes its preview card from it.
    attachment: post.url ? [{ type: "Link", href: post.url }] : [],
    image: post.thumbnail_url ? { type: "Image", url: post.thumbnail_url } : undefined,
    sensitive: post.nsfw,
    commentsEnabled: !post.locked,
    stickied: post.featured_community,
    language: languageOf(post.language_id),
    published: iso(post.published_at),
    updated: post.updated_at ? iso(post.updated_at) : undefined,
  });
}

/** A comment as a Note replying to its parent comment or its post (no @context). */
export function toNoteJson(view: CommentObjectView): Json {
  const { comment, creator, post, community, parent, parentCreator } = view;
  return compact({
    id: comment.ap_id,
    type: "Note",
    attributedTo: creator.ap_id,
    to: [community.ap_id, AS_PUBLIC],
    cc: [parentCreator.ap_id],
    audience: community.ap_id,
    inReplyTo: parent?.ap_id ?? post.ap_id,
    ...contentOf(comment.body),
    tag: [{ type: "Mention", href: parentCreator.ap_id, name: handleOf(parentCreator) }],
    distinguished: comment.distinguished,
    language: languageOf(comment.language_id),
    published: iso(comment.published_at),
    updated: comment.updated_at ? iso(comment.updated_at) : undefined,
  });
}

/** What a deleted or removed post or comment is served as. */
export function toTombstoneJson(id: string, formerType: "Page" | "Note"): Json {
  return { id, type: "Tombstone", formerType };
}

/** Whether readers elsewhere may still see a post or comment. */
export function isGone(item: { deleted: boolean; removed: boolean }): boolean {
  return item.deleted || item.removed;
}
