// Link previews: the title, description, image and video of a linked page, from its OpenGraph
// tags (falling back to Twitter cards, then <title> and <meta name="description">), as Lemmy
// shows them under a post's link. Parsing is pure (parseLinkMetadata, unit-tested); fetching
// goes through fetchPublicPage and its bounds.
import { Parser } from "htmlparser2";
import { err, ok, type Result } from "../result.ts";
import { parseHttpUrl } from "./http-url.ts";
import { fetchPublicPage, type PublicFetchError } from "./public-fetch.ts";

/** Longest stored title, in characters (a post title's limit; pages rarely need more). */
export const MAX_EMBED_TITLE_LENGTH = 200;
/** Longest stored description, in characters: enough for any OpenGraph description in practice. */
export const MAX_EMBED_DESCRIPTION_LENGTH = 1000;

export interface LinkMetadata {
  title: string | null;
  description: string | null;
  /** Absolute http(s) URL of the preview image. */
  image: string | null;
  /** Absolute http(s) URL of an embeddable video. */
  embedVideoUrl: string | null;
  /** The media type the server gave (`text/html`), null when it gave none. */
  contentType: string | null;
}

/** Which tag supplies which field, in order of preference (first found wins within a key). */
const TITLE_KEYS = ["og:title", "twitter:title"];
const DESCRIPTION_KEYS = ["og:description", "twitter:description", "description"];
const IMAGE_KEYS = ["og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"];
const VIDEO_KEYS = ["og:video:secure_url", "og:video:url", "og:video"];
const WANTED = new Set([...TITLE_KEYS, ...DESCRIPTION_KEYS, ...IMAGE_KEYS, ...VIDEO_KEYS]);

/**
 * Extracts link metadata from an HTML document (or its first part: only the <head> is read).
 * Relative image and video URLs are resolved against pageUrl; anything not http(s) is dropped.
 */
export function parseLinkMetadata(html: string, pageUrl: string): Omit<LinkMetadata, "contentType"> {
  const found = new Map<string, string>();
  let titleText: string | null = null;
  let inTitle = false;
  let titleBuffer = "";
  /** Depth inside <svg>/<math>, whose <title> elements are not the page's. */
  let foreignDepth = 0;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === "body") {
          done = true;
          return;
        }
        if (name === "svg" || name === "math") foreignDepth += 1;
        if (name === "title" && foreignDepth === 0 && titleText === null) {
          inTitle = true;
          titleBuffer = "";
        }
        if (name === "meta") {
          const key = (attributes.property ?? attributes.name ?? "").trim().toLowerCase();
          const content = attributes.content;
          if (WANTED.has(key) && content !== undefined && clean(content) !== "" && !found.has(key)) {
            found.set(key, content);
          }
        }
      },
      ontext(text) {
        if (inTitle) titleBuffer += text;
      },
      onclosetag(name) {
        if (done) return;
        if (name === "svg" || name === "math") foreignDepth = Math.max(0, foreignDepth - 1);
        if (name === "title" && inTitle) {
          inTitle = false;
          titleText = titleBuffer;
        }
        if (name === "head") done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const first = (keys: string[]) => {
    for (const key of keys) {
      const value = found.get(key);
      if (value !== undefined) return value;
    }
    return null;
  };
  const absolute = (value: string | null) => {
    if (value === null) return null;
    try {
      return parseHttpUrl(new URL(value.trim(), pageUrl).href);
    } catch {
      return null;
    }
  };
  return {
    title: truncate(clean(first(TITLE_KEYS) ?? titleText ?? ""), MAX_EMBED_TITLE_LENGTH),
    description: truncate(clean(first(DESCRIPTION_KEYS) ?? ""), MAX_EMBED_DESCRIPTION_LENGTH),
    image: absolute(first(IMAGE_KEYS)),
    embedVideoUrl: absolute(first(VIDEO_KEYS)),
  };
}

function clean(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function truncate(text: string, max: number): string | null {
  if (text === "") return null;
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}

/**
 * Decodes an HTML body: the charset from Content-Type, else from a <meta> in the first 1024
 * bytes (the HTML standard's prescan window), else a BOM, else UTF-8.
 */
export function decodeHtml(body: Uint8Array, headerCharset: string | null): string {
  const head = new TextDecoder("latin1").decode(body.subarray(0, 1024));
  const declared =
    headerCharset ??
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1] ??
    (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? "utf-8" : null) ??
    "utf-8";
  try {
    return new TextDecoder(declared).decode(body);
  } catch {
    // An unknown label: fall back to UTF-8 (the decoder replaces invalid bytes).
    return new TextDecoder("utf-8").decode(body);
  }
}

export interface LinkMetadataOptions {
  allowPrivateAddress: boolean;
  userAgent: string;
}

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);

/**
 * Fetches a page and extracts its metadata. Non-HTML links (images, PDFs) give only their
 * content type; their bodies are not read.
 */
export async function fetchLinkMetadata(
  url: string,
  options: LinkMetadataOptions,
): Promise<Result<LinkMetadata, PublicFetchError>> {
  const fetched = await fetchPublicPage(url, {
    allowPrivateAddress: options.allowPrivateAddress,
    userAgent: options.userAgent,
    readBody: (mediaType) => mediaType === null || HTML_TYPES.has(mediaType),
    stopAfter: "</head>",
  });
  if (!fetched.ok) return err(fetched.error);
  const page = fetched.value;
  if (page.mediaType !== null && !HTML_TYPES.has(page.mediaType)) {
    return ok({ title: null, description: null, image: null, embedVideoUrl: null, contentType: page.mediaType });
  }
  const parsed = parseLinkMetadata(decodeHtml(page.body, page.charset), page.url);
  return ok({ ...parsed, contentType: page.mediaType });
}
