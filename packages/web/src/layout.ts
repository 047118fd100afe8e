import { SCRIPT, STYLESHEET } from "./assets.ts";
import { type Html, html } from "./html.ts";

/** Who is looking at the page, as the header shows it. */
export interface PageViewer {
  name: string;
  displayName: string | null;
  admin: boolean;
  /** Moderates at least one community (the header links to the report queue). */
  moderator?: boolean;
}

export interface PageContext {
  siteName: string;
  viewer: PageViewer | null;
  /** CSRF token for the forms on the page (the logout form in the header among them). */
  csrfToken: string;
  /** Current path, so login can bring the reader back. */
  path: string;
}

export interface LayoutOptions {
  title: string;
  /** Extra <head> elements, e.g. the ActivityPub alternate link. */
  head?: Html;
  sidebar?: Html;
}

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;

export function layout(ctx: PageContext, options: LayoutOptions, body: Html): string {
  const next = encodeURIComponent(ctx.path);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title} · ${ctx.siteName}</title>
<link rel="stylesheet" href="${STYLESHEET.path}">
<script src="${SCRIPT.path}" defer></script>
${options.head}
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="site">
<a class="brand" href="/">${ctx.siteName}</a>
<nav aria-label="Main">
<a href="/communities">Communities</a>
<a href="/search">Search</a>
<a href="/megathreads">Megathreads</a>
${ctx.viewer ? html`<a href="/submit">Submit</a><a href="/create_community">New community</a>` : null}
<a href="/modlog">Modlog</a>
${ctx.viewer?.moderator || ctx.viewer?.admin ? html`<a href="/reports">Reports</a>` : null}
${ctx.viewer?.admin ? html`<a href="/admin">Admin</a>` : null}
</nav>
<div class="me">
${
  ctx.viewer
    ? html`<a href="/u/${ctx.viewer.name}">${ctx.viewer.displayName || ctx.viewer.name}</a>
<a href="/settings">Settings</a>
<form method="post" action="/logout">${csrfField(ctx)}<button class="link" type="submit">Log out</button></form>`
    : html`<a href="/login?next=${next}">Log in</a> <a href="/register">Sign up</a>`
}
</div>
</header>
<main id="content"${options.sidebar ? html` class="with-sidebar"` : null}>
<div>
${body}
</div>
${options.sidebar ? html`<aside class="sidebar">${options.sidebar}</aside>` : null}
</main>
<footer class="site">Powered by Plenum</footer>
</body>
</html>
`.value;
}

/** A list of form errors, or nothing. */
export function errorList(errors: readonly string[]): Html | null {
  if (errors.length === 0) return null;
  return html`<div class="errors" role="alert"><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
}
