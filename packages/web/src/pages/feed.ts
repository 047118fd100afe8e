// The front page (feed tabs and sorts) and a community's page.
import type { CommunityView, ModeratorView, PostView } from "@plenum/core";
import { renderMarkdown } from "@plenum/core";
import { type Html, html, trusted } from "../html.ts";
import { csrfField, layout, type PageContext } from "../layout.ts";
import { communityHandle, POST_SORTS, postList, sortPicker } from "./content.ts";

export interface SiteSidebar {
  name: string;
  description: string | null;
  /** Markdown. */
  sidebar: string | null;
  /** One of the site's taglines (Markdown), picked at random per page view. */
  tagline: string | null;
  counts: { users: number; communities: number; posts: number };
}

function siteSidebar(site: SiteSidebar): Html {
  return html`<section class="card">
<h2>${site.name}</h2>
${site.tagline ? html`<div class="tagline body">${trusted(renderMarkdown(site.tagline))}</div>` : null}
${site.description ? html`<p>${site.description}</p>` : null}
${site.sidebar ? html`<div class="body">${trusted(renderMarkdown(site.sidebar))}</div>` : null}
<p class="muted">${site.counts.users} members · ${site.counts.communities} communities · ${site.counts.posts} posts</p>
</section>`;
}

export interface FrontPage {
  listing: string;
  listings: readonly string[];
  sort: string;
  posts: PostView[];
  nextHref: string | null;
  downvotes: boolean;
  site: SiteSidebar;
}

export function renderFrontPage(ctx: PageContext, page: FrontPage): string {
  const href = (listing: string, sort: string) => `/?type=${listing}&sort=${sort}`;
  return layout(
    ctx,
    {
      title: page.listing === "Subscribed" ? "Subscribed" : page.site.name,
      sidebar: siteSidebar(page.site),
      head: html`<link rel="alternate" type="application/rss+xml" title="All posts" href="/feeds/all.xml">`,
    },
    html`<section class="card">
<nav class="tabs" aria-label="Feed">${page.listings.map(
      (listing) =>
        html`<a href="${href(listing, page.sort)}"${listing === page.listing ? html` aria-current="true"` : null}>${listing}</a>`,
    )}</nav>
${sortPicker(page.sort, POST_SORTS, "/", { type: page.listing })}
${postList(ctx, page.posts, { showCommunity: true, downvotes: page.downvotes, back: ctx.path })}
${page.nextHref ? html`<nav class="pagination"><a href="${page.nextHref}" rel="next">Next page →</a></nav>` : null}
</section>`,
  );
}

export interface CommunityPage {
  view: CommunityView;
  moderators: ModeratorView[];
  sort: string;
  posts: PostView[];
  nextHref: string | null;
  downvotes: boolean;
  canModerate: boolean;
}

export function renderCommunityPage(ctx: PageContext, page: CommunityPage): string {
  const { community, counts, subscribed } = page.view;
  const base = `/c/${community.local ? community.name : `${community.name}@${new URL(community.ap_id).host}`}`;
  const sidebar = html`<section class="card">
<h2>About</h2>
${community.sidebar || community.description ? html`<div class="body">${trusted(renderMarkdown(community.sidebar ?? community.description))}</div>` : html`<p class="muted">No description yet.</p>`}
<p class="muted">${counts.subscribers} ${counts.subscribers === 1 ? "subscriber" : "subscribers"} · ${counts.posts} posts · ${counts.usersActiveMonth} active this month</p>
</section>
<section class="card moderators">
<h2>Moderators</h2>
<ul>${page.moderators.map((m) => html`<li><a href="${m.local ? `/u/${m.name}` : m.apId}">${m.displayName ?? m.name}</a></li>`)}</ul>
<p><a href="${base}/megathreads">Megathreads and spaces to hang out</a> · <a href="${base}/modlog">Modlog</a>${page.canModerate && community.local ? html` · <a href="${base}/edit">Edit community</a>` : null}</p>
</section>`;
  const followLabel =
    subscribed === "Subscribed"
      ? "Unsubscribe"
      : subscribed === "Pending"
        ? "Subscription pending (cancel)"
        : "Subscribe";
  return layout(
    ctx,
    {
      title: community.title,
      head: html`<link rel="alternate" type="application/activity+json" href="${community.ap_id}">
<link rel="alternate" type="application/rss+xml" title="${community.title}" href="/feeds${base}.xml">`,
      sidebar,
    },
    html`<section class="card community">
<h1>${community.title}</h1>
<p class="handle muted">${communityHandle(community)}${community.nsfw ? html` <span class="badge">NSFW</span>` : null}</p>
${
  ctx.viewer
    ? html`<form method="post" action="${base}/follow">${csrfField(ctx)}<input type="hidden" name="follow" value="${subscribed === "NotSubscribed" ? "true" : "false"}"><button type="submit"${subscribed === "NotSubscribed" ? null : html` class="secondary"`}>${followLabel}</button></form>
<p><a class="button" href="/submit?community=${community.id}">Submit a post</a></p>`
    : null
}
</section>
<section class="card">
${sortPicker(page.sort, POST_SORTS, base)}
${postList(ctx, page.posts, { showCommunity: false, downvotes: page.downvotes, back: ctx.path })}
${page.nextHref ? html`<nav class="pagination"><a href="${page.nextHref}" rel="next">Next page →</a></nav>` : null}
</section>`,
  );
}

export interface CommunitiesPage {
  communities: CommunityView[];
  nextHref: string | null;
}

export function renderCommunitiesPage(ctx: PageContext, page: CommunitiesPage): string {
  return layout(
    ctx,
    { title: "Communities" },
    html`<section class="card">
<h1>Communities</h1>
${ctx.viewer ? html`<p><a class="button" href="/create_community">Create a community</a></p>` : null}
${
  page.communities.length === 0
    ? html`<p class="muted">No communities yet.</p>`
    : html`<ul class="posts">${page.communities.map(
        (
          view,
        ) => html`<li class="card"><a href="/c/${view.community.local ? view.community.name : `${view.community.name}@${new URL(view.community.ap_id).host}`}"><strong>${view.community.title}</strong></a>
<span class="muted">${communityHandle(view.community)} · ${view.counts.subscribers} subscribers · ${view.counts.posts} posts${view.subscribed === "Subscribed" ? " · subscribed" : ""}</span></li>`,
      )}</ul>`
}
${page.nextHref ? html`<nav class="pagination"><a href="${page.nextHref}" rel="next">Next page →</a></nav>` : null}
</section>`,
  );
}
