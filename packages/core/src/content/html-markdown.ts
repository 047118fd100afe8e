// HTML to Markdown, for remote posts and comments that come without a Markdown source (Mastodon,
// Friendica, most microblogs). Plenum stores bodies as Markdown and renders them with
// renderMarkdown, so remote HTML is sanitised (sanitizeRemoteHtml) and then written as the
// Markdown that renders back to it. Only the sanitiser's allow-list needs handling; anything else
// has already been reduced to its text.
import { Parser } from "htmlparser2";
import { sanitizeRemoteHtml } from "./markdown.ts";

interface ElementNode {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
}
type Node = ElementNode | string;

const BLOCK_TAGS = new Set([
  "p",
  "div",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "ul",
  "ol",
  "hr",
  "table",
  "details",
]);
const VOID_TAGS = new Set(["br", "hr", "img"]);

function parse(html: string): ElementNode {
  const root: ElementNode = { tag: "#root", attrs: {}, children: [] };
  const stack: ElementNode[] = [root];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const node: ElementNode = { tag: name, attrs, children: [] };
        stack.at(-1)?.children.push(node);
        if (!VOID_TAGS.has(name)) stack.push(node);
      },
      ontext(text) {
        stack.at(-1)?.children.push(text);
      },
      onclosetag(name) {
        if (VOID_TAGS.has(name)) return;
        const index = stack.findLastIndex((node) => node.tag === name);
        if (index > 0) stack.length = index;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return root;
}

/** Escapes what Markdown would read as formatting in plain text. */
function escapeText(text: string): string {
  return text.replace(/([\\`*_[\]~])/g, "\\$1");
}

/** Escapes a block marker at the start of a paragraph's first line (#, >, -, +, 1.). */
function escapeLineStart(text: string): string {
  return text.replace(/^(\s*)([#>+-]|\d+\.)(?=\s|$)/, (_match, space: string, marker: string) =>
    marker.endsWith(".") ? `${space}${marker.slice(0, -1)}\\.` : `${space}\\${marker}`,
  );
}

/** A link destination: bare, or in angle brackets when it has spaces or brackets. */
function destination(url: string): string {
  return /[\s()<>]/.test(url) ? `<${url.replace(/[<>]/g, encodeURIComponent)}>` : url;
}

function textOf(node: Node): string {
  return typeof node === "string" ? node : node.children.map(textOf).join("");
}

function isBlock(node: Node): boolean {
  return typeof node !== "string" && BLOCK_TAGS.has(node.tag);
}

function inline(nodes: Node[]): string {
  return nodes.map(inlineNode).join("");
}

function wrap(marker: string, content: string): string {
  const trimmed = content.trim();
  return trimmed ? `${marker}${trimmed}${marker}` : "";
}

function inlineNode(node: Node): string {
  if (typeof node === "string") return escapeText(node.replace(/\s+/g, " "));
  switch (node.tag) {
    case "br":
      return "\\\n";
    case "strong":
    case "b":
      return wrap("**", inline(node.children));
    case "em":
    case "i":
      return wrap("*", inline(node.children));
    case "del":
    case "s":
      return wrap("~~", inline(node.children));
    case "code": {
      const code = textOf(node);
      const fence = code.includes("`") ? "``" : "`";
      return code ? `${fence}${fence.length > 1 ? " " : ""}${code}${fence.length > 1 ? " " : ""}${fence}` : "";
    }
    case "a": {
      const text = inline(node.children).trim();
      const href = node.attrs.href;
      if (!href) return text;
      return `[${text || escapeText(href)}](${destination(href)})`;
    }
    case "img": {
      const src = node.attrs.src;
      return src ? `![${escapeText(node.attrs.alt ?? "")}](${destination(src)})` : "";
    }
    default:
      // Blocks inside inline content (rare in sanitised HTML) lose their structure, not their text.
      return isBlock(node) ? ` ${inline(node.children)} ` : inline(node.children);
  }
}

function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 ? first : line === "" ? rest.trimEnd() : rest) + line)
    .join("\n");
}

function listBlock(node: ElementNode): string {
  const ordered = node.tag === "ol";
  let number = Number(node.attrs.start ?? 1) || 1;
  const items: string[] = [];
  for (const child of node.children) {
    if (typeof child === "string") continue;
    const marker = ordered ? `${number++}. ` : "- ";
    const content = blocks(child.tag === "li" ? child.children : [child]).join("\n\n");
    items.push(prefixLines(content, marker, " ".repeat(marker.length)));
  }
  return items.join("\n");
}

function block(node: Node): string {
  if (typeof node === "string") return escapeLineStart(inline([node]).trim());
  switch (node.tag) {
    case "h1":
    case "h2":
    case "h3":
    case "h4":
    case "h5":
    case "h6":
      return `${"#".repeat(Number(node.tag[1]))} ${inline(node.children).trim()}`;
    case "hr":
      return "---";
    case "pre": {
      const code = textOf(node).replace(/\n$/, "");
      const fence = code.includes("```") ? "~~~~" : "```";
      return `${fence}\n${code}\n${fence}`;
    }
    case "blockquote":
      return prefixLines(blocks(node.children).join("\n\n"), "> ", "> ");
    case "ul":
    case "ol":
      return listBlock(node);
    default:
      return blocks(node.children).join("\n\n");
  }
}

/** Renders nodes as Markdown blocks: runs of inline nodes become paragraphs. */
function blocks(nodes: Node[]): string[] {
  const out: string[] = [];
  let run: Node[] = [];
  const flush = () => {
    const text = escapeLineStart(
      inline(run)
        .replace(/[ \t]*\\\n[ \t]*/g, "\\\n")
        .trim(),
    );
    if (text) out.push(text);
    run = [];
  };
  for (const node of nodes) {
    if (isBlock(node)) {
      flush();
      const rendered = block(node);
      if (rendered.trim()) out.push(rendered);
    } else {
      run.push(node);
    }
  }
  flush();
  return out;
}

/** Sanitises remote HTML and writes it as Markdown (empty string for empty input). */
export function htmlToMarkdown(html: string | null | undefined): string {
  const safe = sanitizeRemoteHtml(html);
  if (!safe) return "";
  return blocks(parse(safe).children).join("\n\n");
}

/** The plain text of remote HTML, whitespace collapsed (for titles made from content). */
export function htmlToText(html: string | null | undefined): string[] {
  const safe = sanitizeRemoteHtml(html);
  if (!safe) return [];
  const lines: string[] = [];
  const walk = (nodes: Node[]) => {
    let line = "";
    for (const node of nodes) {
      if (typeof node === "string") line += node;
      else if (node.tag === "br") {
        lines.push(line);
        line = "";
      } else if (isBlock(node) || node.tag === "li") {
        lines.push(line);
        line = "";
        walk(node.children);
      } else line += textOf(node);
    }
    lines.push(line);
  };
  walk(parse(safe).children);
  return lines.map((line) => line.replace(/\s+/g, " ").trim()).filter((line) => line !== "");
}
