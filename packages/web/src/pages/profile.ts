// A person's page: name with pronouns, bio, their posts and comments.
import type { CommentItemView, PersonRow, PostView } from "@plenum/core";
import { renderMarkdown } from "@plenum/core";
import { personLink, timeAgo } from "../format.ts";
import { html, trusted } from "../html.ts";
import { layout, type PageContext } from "../layout.ts";
import { personPath, postList } from "./content.ts";

export interface ProfilePage {
  person: PersonRow;
  isAdmin: boolean;
  posts: PostView[];
  comments: CommentItemView[];
  downvotes: boolean;
}

export function renderProfilePage(ctx: PageContext, page: ProfilePage): string {
  const { person } = page;
  return layout(
    ctx,
    {
      title: person.display_name ?? person.name,
      head: html`<link rel="alternate" type="application/activity+json" href="${person.ap_id}">`,
    },
    html`<section class="card">
<h1>${personLink({ name: person.name, displayName: person.display_name, pronouns: person.pronouns, href: personPath(person) })}</h1>
<p class="muted">@${person.name}@${new URL(person.ap_id).host}${page.isAdmin ? html` <span class="badge">admin</span>` : null}${person.bot ? html` <span class="badge">bot</span>` : null} · joined ${timeAgo(person.published_at)} · ${person.post_count} posts · ${person.comment_count} comments</p>
${person.bio ? html`<div class="body">${trusted(renderMarkdown(person.bio))}</div>` : null}
</section>
<section class="card"><h2>Posts</h2>${postList(ctx, page.posts, { showCommunity: true, downvotes: page.downvotes, back: ctx.path })}</section>
<section class="card"><h2>Comments</h2>
${
  page.comments.length === 0
    ? html`<p class="muted">No comments yet.</p>`
    : html`<ul class="comments">${page.comments.map(
        (c) =>
          html`<li class="comment"><p class="meta">on <a href="/post/${c.post.id}">${c.post.title}</a> · ${timeAgo(c.comment.published_at)} · ${c.comment.score} ${Math.abs(c.comment.score) === 1 ? "point" : "points"} · <a href="/comment/${c.comment.id}">link</a></p><div class="body">${trusted(renderMarkdown(c.comment.body))}</div></li>`,
      )}</ul>`
}
</section>`,
  );
}
