import { type Html, html } from "./html.ts";

export interface LayoutOptions {
  title: string;
  siteName: string;
  /** Extra <head> elements, e.g. the ActivityPub alternate link. */
  head?: Html;
}

export function layout(options: LayoutOptions, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title} · ${options.siteName}</title>
${options.head}
</head>
<body>
<header><a href="/">${options.siteName}</a></header>
<main>
${body}
</main>
</body>
</html>
`.value;
}
