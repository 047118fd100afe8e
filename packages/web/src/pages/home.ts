import { html } from "../html.ts";
import { layout, type PageContext } from "../layout.ts";

export interface HomeCommunity {
  name: string;
  title: string;
}

export function renderHomePage(ctx: PageContext, communities: HomeCommunity[]): string {
  return layout(
    ctx,
    { title: "Home" },
    html`<h1>${ctx.siteName}</h1>
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

export function renderNotFoundPage(ctx: PageContext, what: string): string {
  return layout(ctx, { title: "Not found" }, html`<section class="card"><h1>Not found</h1><p>${what}</p></section>`);
}
