// Posts and comments as ActivityPub objects, in Lemmy's shapes (federation-wire-formats.md §2.4,
// §2.5): a post is a Page, a comment a Note, a deleted one a Tombstone. The JSON is written here
// rather than through Fedify's vocabulary because Lemmy reads terms Fedify does not model
// (commentsEnabled, stickied, language, distinguished); Fedify still routes, negotiates and
// serves it (raw.ts).
import {
  type CommentObjectView,
  type CommunityRow,
  hostOf,
  languageById,
  markdownToText,
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
export function handleOf(actor: { name: string; ap_id: string }): string {
  return `@${actor.name}@${hostOf(actor.ap_id)}`;
}

/**
 * A Mention of the community, on every post and comment. Mastodon copies a post's mentions into
 * replies, so a reply written there reaches the Group (and is announced) instead of only the
 * author; Lemmy 1.0 does the same (features-and-ranking.md §4.4; Lemmy PR #6409).
 */
function communityMention(community: CommunityRow): Json {
  return { type: "Mention", href: community.ap_id, name: handleOf(community) };
}

/** Characters of a post's `summary`, the plain-text excerpt of its body that Mastodon shows under
 *  the title (it drops a Page's `content`; federation-wire-formats.md §3.4). 500 is Mastodon's
 *  own status length, so the excerpt reads like a status there. */
export const SUMMARY_MAX_CHARS = 500;

/** The body's plain text, cut at a word boundary within SUMMARY_MAX_CHARS (with "…" when cut). */
export function excerptOf(markdown: string | null): string | undefined {
  // markdownToText keeps &, < and > escaped, which is what an ActivityStreams summary (HTML) wants.
  const text = markdownToText(markdown);
  if (text === "") return undefined;
  if (text.length <= SUMMARY_MAX_CHARS) return text;
  let cut = text.slice(0, SUMMARY_MAX_CHARS - 1);
  const space = cut.lastIndexOf(" ");
  if (space > SUMMARY_MAX_CHARS / 2) cut = cut.slice(0, space);
  // Never end inside an entity (&amp;): drop an unterminated one.
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  return `${cut.trimEnd()}…`;
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
    // What Mastodon shows of a Page: the title, this excerpt and a link to `url` (not `content`).
    // Lemmy and PieFed do not read a Page's summary (as a Note's, it would be a content warning).
    summary: excerptOf(post.body),
    // The post's web page (its id). Lemmy since 0.18 reads the link only from the attachment.
    url: post.ap_id,
    // Lemmy reads the link from the first attachment; Mastodon makes its preview card from it.
    attachment: post.url ? [{ type: "Link", href: post.url }] : [],
    image: post.thumbnail_url ? { type: "Image", url: post.thumbnail_url } : undefined,
    // #community makes the post findable by hashtag on microblogs, as Lemmy's Pages do.
    tag: [{ type: "Hashtag", href: community.ap_id, name: `#${community.name}` }, communityMention(community)],
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
    tag: [{ type: "Mention", href: parentCreator.ap_id, name: handleOf(parentCreator) }, communityMention(community)],
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
