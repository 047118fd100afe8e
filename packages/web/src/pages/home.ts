import { html } from "../html.ts";
import { layout } from "../layout.ts";

export interface HomeCommunity {
  name: string;
  title: string;
}

export function renderHomePage(siteName: string, communities: HomeCommunity[]): string {
  return layout(
    { title: "Home", siteName },
    html`<h1>${siteName}</h1>
<section>
<h2>Communities</h2>
${
  communities.length === 0
    ? html`<p>No communities yet. Create one with <code>npm run admin -- create-community</code>.</p>`
    : html`<ul>${communities.map((c) => html`<li><a href="/c/${c.name}">${c.title}</a> <span>!${c.name}</span></li>`)}</ul>`
}
</section>`,
  );
}

export function renderNotFoundPage(siteName: string, what: string): string {
  return layout({ title: "Not found", siteName }, html`<h1>Not found</h1><p>${what}</p>`);
}
