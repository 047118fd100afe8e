// Search: one form, results by kind.
import type { SearchResults } from "@plenum/core";
import { renderMarkdown } from "@plenum/core";
import { personLink, timeAgo } from "../format.ts";
import { html, trusted } from "../html.ts";
import { layout, type PageContext } from "../layout.ts";
import { communityHandle, communityPath, personPath, postList } from "./content.ts";

export interface SearchPage {
  query: string;
  type: string;
  types: readonly string[];
  results: SearchResults | null;
  downvotes: boolean;
}

export function renderSearchPage(ctx: PageContext, page: SearchPage): string {
  const r = page.results;
  const empty = r && r.posts.length + r.comments.length + r.communities.length + r.persons.length === 0;
  return layout(
    ctx,
    { title: page.query ? `Search: ${page.query}` : "Search" },
    html`<section class="card">
<h1>Search</h1>
<form class="sort" method="get" action="/search" role="search">
<label class="inline">Words <input type="search" name="q" value="${page.query}" required></label>
<label class="inline">In <select name="type">${page.types.map((t) => html`<option${t === page.type ? html` selected` : null}>${t}</option>`)}</select></label>
<button type="submit">Search</button>
</form>
${empty ? html`<p class="muted">Nothing found.</p>` : null}
</section>
${
  r && r.communities.length > 0
    ? html`<section class="card"><h2>Communities</h2><ul>${r.communities.map(
        (v) =>
          html`<li><a href="${communityPath(v.community)}">${v.community.title}</a> <span class="muted">${communityHandle(v.community)} · ${v.counts.subscribers} subscribers</span></li>`,
      )}</ul></section>`
    : null
}
${r && r.posts.length > 0 ? html`<section class="card"><h2>Posts</h2>${postList(ctx, r.posts, { showCommunity: true, downvotes: page.downvotes, back: ctx.path })}</section>` : null}
${
  r && r.comments.length > 0
    ? html`<section class="card"><h2>Comments</h2><ul class="comments">${r.comments.map(
        (c) =>
          html`<li class="comment"><p class="meta">${personLink({ name: c.creator.name, displayName: c.creator.display_name, pronouns: c.creator.pronouns, href: personPath(c.creator) })} on <a href="/post/${c.post.id}">${c.post.title}</a> · ${timeAgo(c.comment.published_at)} · <a href="/comment/${c.comment.id}">link</a></p><div class="body">${trusted(renderMarkdown(c.comment.body))}</div></li>`,
      )}</ul></section>`
    : null
}
${
  r && r.persons.length > 0
    ? html`<section class="card"><h2>People</h2><ul>${r.persons.map(
        (p) =>
          html`<li>${personLink({ name: p.person.name, displayName: p.person.display_name, pronouns: p.person.pronouns, href: personPath(p.person) })} <span class="muted">@${p.person.name}@${new URL(p.person.ap_id).host}</span></li>`,
      )}</ul></section>`
    : null
}`,
  );
}
