// The stylesheet and script, served from memory under content-hashed names so browsers cache
// them for a year and still pick up every change.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export interface Asset {
  /** URL path with the content hash, e.g. /assets/style.1a2b3c4d.css */
  path: string;
  contentType: string;
  body: Buffer;
}

function load(file: string, contentType: string): Asset {
  const body = readFileSync(new URL(`../assets/${file}`, import.meta.url));
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 10);
  const dot = file.lastIndexOf(".");
  return { path: `/assets/${file.slice(0, dot)}.${hash}${file.slice(dot)}`, contentType, body };
}

export const STYLESHEET = load("style.css", "text/css; charset=utf-8");
export const SCRIPT = load("app.js", "text/javascript; charset=utf-8");
export const ASSETS: readonly Asset[] = [STYLESHEET, SCRIPT];
