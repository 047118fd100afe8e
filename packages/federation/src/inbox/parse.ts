// Inbound activities about posts, comments and votes, read from their JSON as sent. Like Lemmy
// (which deserializes with serde), this reads the compact JSON form every implementation sends
// rather than JSON-LD: it is what Lemmy, Mastodon, Mbin and PieFed agree on, and it keeps the
// exact payload for announcing it onward. Pure: no I/O, no database. Shapes tolerated follow
// federation-wire-formats.md: one-or-many values, objects or URLs, contentMap without content,
// PeerTube's array attributedTo.
import type { Json } from "../objects.ts";

export const AS_PUBLIC_IRIS = new Set(["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"]);

/** Object types read as posts (Lemmy's Page and its kin); a Note too when it replies to nothing. */
export const POST_OBJECT_TYPES = new Set(["Page", "Article", "Video", "Event", "Question", "Note"]);

export interface ParsedPost {
  kind: "post";
  id: string;
  type: string;
  /** The Person in attributedTo. */
  author: string;
  /** A Group in attributedTo (PeerTube names its channel there). */
  attributedGroup: string | null;
  to: string[];
  cc: string[];
  audience: string | null;
  /** Hrefs of Mention tags (Mastodon names the community only there and in cc). */
  mentions: string[];
  title: string | null;
  /** HTML content (content, else the first contentMap value). */
  html: string | null;
  /** Markdown source (source with text/markdown, or content whose mediaType is Markdown). */
  markdown: string | null;
  link: string | null;
  image: string | null;
  sensitive: boolean;
  /** commentsEnabled, when given. */
  commentsEnabled: boolean | null;
  /** Language code (Lemmy's language.identifier, else the contentMap key). */
  language: string | null;
  published: Date | null;
  updated: Date | null;
}

export interface ParsedComment {
  kind: "comment";
  id: string;
  type: string;
  author: string;
  to: string[];
  cc: string[];
  audience: string | null;
  inReplyTo: string;
  html: string | null;
  markdown: string | null;
  language: string | null;
  published: Date | null;
  updated: Date | null;
}

export type ParsedObject = ParsedPost | ParsedComment;

interface ActivityBase {
  id: string;
  actor: string;
  audience: string | null;
  /** The activity exactly as received. */
  raw: Json;
}

export type ParsedActivity =
  | (ActivityBase & { type: "Create" | "Update"; object: ParsedObject })
  | (ActivityBase & { type: "Delete"; object: string; summary: string | null })
  | (ActivityBase & { type: "Like" | "Dislike"; object: string })
  | (ActivityBase & { type: "Undo"; object: ParsedActivity | string })
  | (ActivityBase & { type: "Announce"; object: ParsedActivity | ParsedPost | string })
  | (ActivityBase & { type: "Follow"; object: string })
  | ModerationActivity;

/** Moderation (federation-wire-formats.md §2.7); Delete with a summary is a removal too. */
export type ModerationActivity =
  /** Pin or moderator change: target is a featured or moderators collection. */
  | (ActivityBase & { type: "Add" | "Remove"; object: string; target: string })
  | (ActivityBase & { type: "Lock"; object: string; summary: string | null })
  /** A ban from the community (or site) named by target. */
  | (ActivityBase & {
      type: "Block";
      object: string;
      target: string;
      summary: string | null;
      expires: Date | null;
      removeData: boolean;
    })
  /** Update of a Group (a community's settings), told apart from Updates of posts and comments. */
  | (ActivityBase & { type: "UpdateGroup"; group: ParsedGroupSettings })
  /** A report: Lemmy's reason is summary, Mastodon's content; Mastodon lists several objects. */
  | (ActivityBase & { type: "Flag"; objects: string[]; to: string[]; summary: string | null });

/** The settings an Update(Group) may change; addresses and keys come only from fetching the Group. */
export interface ParsedGroupSettings {
  id: string;
  title: string | null;
  /** The description: HTML summary, and its Markdown source when given (Lemmy sends both). */
  html: string | null;
  markdown: string | null;
  icon: string | null;
  banner: string | null;
  sensitive: boolean;
  /** Lemmy's postingRestrictedToMods, when given. */
  postingRestrictedToMods: boolean | null;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (reason: string): ParseResult<never> => ({ ok: false, reason });

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An absolute http(s) URL, or null. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== "string" || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
}

/** The id a value names: a URL string, or an object's id. */
export function idOf(value: unknown): string | null {
  if (typeof value === "string") return httpUrl(value);
  if (isRecord(value)) return httpUrl(value.id);
  return null;
}

function many(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A one-or-many list of ids (URLs or objects with ids); entries that are neither are dropped. */
function ids(value: unknown): string[] {
  return many(value).flatMap((entry) => {
    if (typeof entry === "string" && AS_PUBLIC_IRIS.has(entry)) return [entry];
    const id = idOf(entry);
    return id ? [id] : [];
  });
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The first value of a language map ({"en": "…"}), with its key. */
function firstOfMap(value: unknown): { key: string; text: string } | null {
  if (!isRecord(value)) return null;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === "string") return { key, text: entry };
  }
  return null;
}

function date(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function typeOf(json: Json): string | null {
  const type = many(json.type).find((entry) => typeof entry === "string");
  return typeof type === "string" ? type : null;
}

/** Author and group from attributedTo: a URL, an object, or PeerTube's [{Person}, {Group}]. */
function attribution(value: unknown): { author: string | null; group: string | null } {
  let author: string | null = null;
  let group: string | null = null;
  for (const entry of many(value)) {
    const id = idOf(entry);
    if (!id) continue;
    const type = isRecord(entry) ? typeOf(entry) : null;
    if (type === "Group" || type === "Organization") group ??= id;
    else author ??= id;
  }
  return { author, group };
}

/** Lemmy's link: the first attachment (Link.href, Image or Document url). */
function linkOf(json: Json, type: string, id: string): string | null {
  const first = many(json.attachment)[0];
  if (isRecord(first)) {
    const href = httpUrl(first.href);
    if (href) return href;
    const url = isRecord(first.url) ? httpUrl(first.url.href) : httpUrl(first.url);
    if (url) return url;
  }
  // lotide and older Lemmy put a Page's link in `url` (a Note's `url` is its own web page).
  const url = type === "Page" ? httpUrl(json.url) : null;
  if (url && url !== id) return url;
  // A Video without attachment links to itself (Lemmy does the same for PeerTube).
  return type === "Video" ? id : null;
}

function imageOf(value: unknown): string | null {
  const last = many(value).at(-1);
  if (typeof last === "string") return httpUrl(last);
  if (isRecord(last)) return isRecord(last.url) ? httpUrl(last.url.href) : httpUrl(last.url);
  return null;
}

function contentOf(json: Json): { html: string | null; markdown: string | null; mapLanguage: string | null } {
  const map = firstOfMap(json.contentMap);
  const content = text(json.content) ?? map?.text ?? null;
  const source = isRecord(json.source) ? json.source : null;
  const sourceMarkdown =
    source && typeof source.content === "string" && source.mediaType === "text/markdown" ? source.content : null;
  // PeerTube sends Markdown as content itself.
  const contentIsMarkdown = json.mediaType === "text/markdown";
  return {
    html: contentIsMarkdown ? null : content,
    markdown: sourceMarkdown ?? (contentIsMarkdown ? content : null),
    mapLanguage: map?.key ?? null,
  };
}

function languageOf(json: Json, mapLanguage: string | null): string | null {
  if (isRecord(json.language) && typeof json.language.identifier === "string") return json.language.identifier;
  return mapLanguage;
}

/** A Page, Note (or kin) as a post or comment. */
export function parseObject(value: unknown): ParseResult<ParsedObject> {
  if (!isRecord(value)) return fail("object_not_embedded");
  const type = typeOf(value);
  if (type === null) return fail("object_without_type");
  if (type === "Tombstone") return fail("object_is_tombstone");
  if (!POST_OBJECT_TYPES.has(type)) return fail(`unsupported_object_type:${type}`);
  const id = httpUrl(value.id);
  if (!id) return fail("object_without_id");
  const { author, group } = attribution(value.attributedTo);
  if (!author) return fail("object_without_author");
  const { html, markdown, mapLanguage } = contentOf(value);
  const common = {
    id,
    type,
    author,
    to: ids(value.to),
    cc: ids(value.cc),
    audience: idOf(many(value.audience)[0]),
    html,
    markdown,
    language: languageOf(value, mapLanguage),
    published: date(value.published),
    updated: date(value.updated),
  };
  const inReplyTo = value.inReplyTo;
  if (inReplyTo !== undefined && inReplyTo !== null) {
    const parent = idOf(many(inReplyTo)[0]);
    if (!parent) return fail("invalid_in_reply_to");
    // Lemmy reads only Notes as comments; a Page that replies to something is neither.
    if (type !== "Note") return fail(`reply_of_type:${type}`);
    return ok({ kind: "comment", ...common, inReplyTo: parent });
  }
  const name = text(value.name) ?? firstOfMap(value.nameMap)?.text ?? null;
  return ok({
    kind: "post",
    ...common,
    attributedGroup: group,
    mentions: many(value.tag).flatMap((tag) =>
      isRecord(tag) && tag.type === "Mention" && httpUrl(tag.href) ? [httpUrl(tag.href) as string] : [],
    ),
    title: name,
    link: linkOf(value, type, id),
    image: imageOf(value.image),
    sensitive: value.sensitive === true,
    commentsEnabled: typeof value.commentsEnabled === "boolean" ? value.commentsEnabled : null,
  });
}

/** A Group's settings, from an Update(Group) (Lemmy's community JSON). */
function parseGroupSettings(value: Json): ParseResult<ParsedGroupSettings> {
  const id = httpUrl(value.id);
  if (!id) return fail("group_without_id");
  const { html, markdown } = contentOf({ content: value.summary, source: value.source });
  const title = text(value.name)?.trim() || null;
  return ok({
    id,
    title,
    html,
    markdown,
    icon: imageOf(value.icon),
    banner: imageOf(value.image),
    // Fedify writes the term out as "as:sensitive".
    sensitive: value.sensitive === true || value["as:sensitive"] === true,
    postingRestrictedToMods: typeof value.postingRestrictedToMods === "boolean" ? value.postingRestrictedToMods : null,
  });
}

const ACTIVITY_TYPES = new Set([
  "Create",
  "Update",
  "Delete",
  "Like",
  "Dislike",
  "Undo",
  "Announce",
  "Follow",
  "Add",
  "Remove",
  "Lock",
  "Block",
  "Flag",
]);

/** How deep activities may nest (Announce(Undo(Like)) is 3). */
const MAX_NESTING = 3;

/** An activity about posts, comments or votes, from its JSON as received. */
export function parseActivity(value: unknown, depth = 0): ParseResult<ParsedActivity> {
  if (!isRecord(value)) return fail("not_an_object");
  if (depth >= MAX_NESTING) return fail("nested_too_deep");
  const type = typeOf(value);
  const id = httpUrl(value.id);
  if (!type) return fail("activity_without_type");
  if (!ACTIVITY_TYPES.has(type)) return fail(`unsupported_activity_type:${type}`);
  if (!id) return fail("activity_without_id");
  const actors = many(value.actor).map(idOf);
  const actor = actors[0];
  if (actors.length !== 1 || !actor) return fail("activity_without_single_actor");
  const base = { id, actor, audience: idOf(many(value.audience)[0]), raw: value };
  switch (type) {
    case "Create":
    case "Update": {
      if (type === "Update" && isRecord(value.object) && typeOf(value.object) === "Group") {
        const group = parseGroupSettings(value.object);
        return group.ok ? ok({ ...base, type: "UpdateGroup", group: group.value }) : group;
      }
      const object = parseObject(value.object);
      return object.ok ? ok({ ...base, type, object: object.value }) : object;
    }
    case "Delete": {
      const object = idOf(value.object);
      if (!object) return fail("delete_without_object");
      return ok({ ...base, type, object, summary: text(value.summary) });
    }
    case "Like":
    case "Dislike": {
      const object = idOf(value.object);
      if (!object) return fail("vote_without_object");
      return ok({ ...base, type, object });
    }
    case "Follow": {
      const object = idOf(value.object);
      return object ? ok({ ...base, type, object }) : fail("follow_without_object");
    }
    case "Add":
    case "Remove": {
      const object = idOf(value.object);
      const target = idOf(value.target);
      if (!object || !target) return fail("collection_change_without_object_or_target");
      return ok({ ...base, type, object, target });
    }
    case "Lock": {
      const object = idOf(value.object);
      return object ? ok({ ...base, type, object, summary: text(value.summary) }) : fail("lock_without_object");
    }
    case "Block": {
      const object = idOf(value.object);
      const target = idOf(value.target);
      if (!object || !target) return fail("block_without_object_or_target");
      const summary = text(value.summary);
      const expires = date(value.expires) ?? date(value.endTime);
      return ok({ ...base, type, object, target, summary, expires, removeData: value.removeData === true });
    }
    case "Flag": {
      // Mastodon lists the reported account first, then the statuses.
      const objects = many(value.object).flatMap((entry) => idOf(entry) ?? []);
      if (objects.length === 0) return fail("flag_without_object");
      return ok({ ...base, type, objects, to: ids(value.to), summary: text(value.summary) ?? text(value.content) });
    }
    case "Undo":
    case "Announce": {
      if (typeof value.object === "string") {
        const object = httpUrl(value.object);
        return object ? ok({ ...base, type, object }) : fail("invalid_object");
      }
      if (!isRecord(value.object)) return fail("invalid_object");
      const innerType = typeOf(value.object);
      // Lemmy announces a post a second time as the bare Page (federation-wire-formats.md §2.8).
      if (type === "Announce" && innerType && POST_OBJECT_TYPES.has(innerType)) {
        const object = parseObject(value.object);
        if (!object.ok) return object;
        if (object.value.kind !== "post") return fail("announced_object_is_a_comment");
        return ok({ ...base, type, object: object.value });
      }
      const inner = parseActivity(value.object, depth + 1);
      return inner.ok ? ok({ ...base, type, object: inner.value }) : fail(`inner:${inner.reason}`);
    }
    default:
      return fail(`unsupported_activity_type:${type}`);
  }
}
