// Markdown to safe HTML. The Markdown source is what we store and federate as `source`; this
// rendering is for pages and for ActivityPub `content`. markdown-it does the parsing with raw
// HTML turned off, sanitize-html then enforces an allow-list, so even a parser bug cannot let
// scripts, styles or javascript: links through.
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "s",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "span",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title"],
    ol: ["start"],
    th: ["style"],
    td: ["style"],
    code: ["class"],
  },
  allowedStyles: { th: { "text-align": [/^(left|right|center)$/] }, td: { "text-align": [/^(left|right|center)$/] } },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  // User links must not pass ranking credit or window.opener to where they lead.
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "nofollow noopener ugc" } }),
  },
};

/** Renders Markdown to sanitised HTML (empty string for empty input). */
export function renderMarkdown(source: string | null | undefined): string {
  if (!source) return "";
  return sanitizeHtml(markdown.render(source), SANITIZE);
}

/** Sanitises HTML that came from elsewhere (remote content) with the same allow-list. */
export function sanitizeRemoteHtml(html: string | null | undefined): string {
  if (!html) return "";
  return sanitizeHtml(html, SANITIZE);
}

/** Plain text of rendered Markdown, for excerpts and search. */
export function markdownToText(source: string | null | undefined): string {
  if (!source) return "";
  return sanitizeHtml(markdown.render(source), { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, " ").trim();
}
