// A post with its comment tree, a comment's own thread, and the fragments app.js inserts.
import type { CommentItemView, ModeratorView, PersonRow, PostView } from "@plenum/core";
import { renderMarkdown } from "@plenum/core";
import { domainOf, personLink, timeAgo } from "../format.ts";
import { type Html, html, trusted } from "../html.ts";
import { csrfField, layout, type PageContext } from "../layout.ts";
import {
  bannedBadge,
  buildTree,
  COMMENT_SORT_NAMES,
  type CommentTreeOptions,
  commentNode,
  commentTree,
  communityPath,
  personPath,
  replyForm,
  sortPicker,
  voteBox,
} from "./content.ts";
import { banForm, purgeForm, removeForm, reportForm } from "./moderation-forms.ts";

export interface PostPage extends ThreadReader {
  view: PostView;
  /** Whether the reader may see the post's content (deleted and removed posts hide it). */
  showContent: boolean;
  comments: CommentItemView[];
  commentSort: string;
  /** Link to the next page of top-level comments, if any. */
  nextHref: string | null;
  isAuthor: boolean;
  /** When showing one comment's thread: its id, with a link back to the whole post. */
  focusCommentId?: string;
  /** The first few who boosted the post (post.boost_count says how many did). */
  boosters?: PersonRow[];
}

/** "Boosted by 3 people: a, b and 1 more" (boosts come from Mastodon and its kin). */
function boostedBy(post: PostView["post"], boosters: PersonRow[]): Html | null {
  const count = post.boost_count;
  if (count === 0) return null;
  const links = boosters.map((p) =>
    personLink({ name: p.name, displayName: p.display_name, pronouns: p.pronouns, href: personPath(p) }),
  );
  const listed = links.flatMap((link, index) => (index === 0 ? [link] : [html`, `, link]));
  const more = count - boosters.length;
  return html`<p class="meta boosts">Boosted by ${count} ${count === 1 ? "person" : "people"}${listed.length > 0 ? html`: ${listed}` : null}${more > 0 && listed.length > 0 ? html` and ${more} more` : null}</p>`;
}

function modControls(ctx: PageContext, page: PostPage): Html | null {
  const { post } = page.view;
  const action = (path: string, field: string, value: boolean, label: string) =>
    html`<form method="post" action="/post/${post.id}/${path}">${csrfField(ctx)}<input type="hidden" name="${field}" value="${value ? "true" : "false"}"><button class="link" type="submit">${label}</button></form>`;
  const items = [
    page.canModerate && page.view.community.local
      ? action(
          "feature",
          "featured",
          !post.featured_community,
          post.featured_community ? "Unpin from community" : "Pin in community",
        )
      : null,
    page.isAdmin
      ? action(
          "feature_local",
          "featured",
          !post.featured_local,
          post.featured_local ? "Unpin from front page" : "Pin on front page",
        )
      : null,
    page.canModerate && page.view.community.local
      ? action("lock", "locked", !post.locked, post.locked ? "Unlock" : "Lock")
      : null,
    page.isAuthor ? action("delete", "deleted", !post.deleted, post.deleted ? "Restore" : "Delete") : null,
    ctx.viewer ? action("save", "save", !page.view.saved, page.view.saved ? "Unsave" : "Save") : null,
    ...postModTools(ctx, page),
  ].filter(Boolean);
  return items.length > 0 ? html`<div class="actions meta">${items}</div>` : null;
}

/** What a post's comments are shown with: the reader's powers there and the site's settings. */
export interface ThreadReader {
  moderators: ModeratorView[];
  downvotes: boolean;
  canModerate: boolean;
  isAdmin: boolean;
}

/**
 * How a post's comments are drawn, on its page and in the fragments app.js inserts (replies just
 * written, "more replies"), so both show the same badges and the same moderation forms.
 */
export function threadCommentOptions(view: PostView, reader: ThreadReader, back: string): CommentTreeOptions {
  return {
    postCreatorId: view.post.creator_id,
    moderatorIds: new Set(reader.moderators.map((m) => m.personId)),
    downvotes: reader.downvotes,
    locked: view.post.locked,
    back,
    canModerate: reader.canModerate,
    isAdmin: reader.isAdmin,
  };
}

export function renderPostPage(ctx: PageContext, page: PostPage): string {
  const { post, creator, community } = page.view;
  const base = page.focusCommentId ? `/comment/${page.focusCommentId}` : `/post/${post.id}`;
  const options = threadCommentOptions(page.view, page, ctx.path);
  return layout(
    ctx,
    {
      title: page.showContent ? post.title : "Deleted post",
      head: html`<link rel="alternate" type="application/activity+json" href="${post.ap_id}">`,
    },
    html`<article class="card post-full">
<div class="post">
${voteBox(ctx, { kind: "post", id: post.id, score: post.score, myVote: page.view.myVote }, page.downvotes, ctx.path)}
<div>
<h1>${page.showContent ? post.title : post.removed ? "(removed by moderator)" : "(deleted)"}</h1>
${post.url && page.showContent ? html`<p><a href="${post.url}" rel="nofollow noopener ugc">${post.url}</a> <span class="domain">(${domainOf(post.url)})</span></p>` : null}
${post.thumbnail_url && page.showContent ? html`<img class="thumb" src="${post.thumbnail_url}" alt="${post.alt_text ?? ""}">` : null}
${post.embed_title && page.showContent ? html`<p class="muted"><strong>${post.embed_title}</strong>${post.embed_description ? html` — ${post.embed_description}` : null}</p>` : null}
<p class="meta">by ${personLink({ name: creator.name, displayName: creator.display_name, pronouns: creator.pronouns, href: personPath(creator) })}${bannedBadge(page.view)} in <a href="${communityPath(community)}">${community.title}</a> · ${timeAgo(post.published_at)}${post.updated_at ? html` · edited ${timeAgo(post.updated_at)}` : null}${post.featured_community || post.featured_local ? html` · <span class="pinned">Pinned</span>` : null}${post.locked ? html` · <span class="badge">Locked</span>` : null}</p>
${post.body && page.showContent ? html`<div class="body">${trusted(renderMarkdown(post.body))}</div>` : null}
${boostedBy(post, page.boosters ?? [])}
${modControls(ctx, page)}
</div>
</div>
</article>
<section class="card" id="comments">
<h2>${post.comment_count} ${post.comment_count === 1 ? "comment" : "comments"}</h2>
${page.focusCommentId ? html`<p><a href="/post/${post.id}">← All comments</a></p>` : null}
${sortPicker(page.commentSort, COMMENT_SORT_NAMES, base, {}, "Comments sorted by")}
${
  !ctx.viewer
    ? html`<p class="muted"><a href="/login?next=${encodeURIComponent(ctx.path)}">Log in</a> to comment.</p>`
    : post.locked
      ? html`<p class="muted">This post is locked: no new comments.</p>`
      : page.focusCommentId
        ? null
        : replyForm(ctx, { action: `/post/${post.id}/comment`, back: ctx.path, label: "Comment", open: true })
}
${commentTree(ctx, page.comments, options)}
${page.nextHref ? html`<nav class="pagination"><a href="${page.nextHref}" rel="next">More comments →</a></nav>` : null}
</section>`,
  );
}

/**
 * Comments as app.js inserts them (no page around them): the replies below a comment for "more
 * replies" (skipFirst: the continued comment comes first in `views`), or a reply just written.
 * They are drawn as on the post's page (threadCommentOptions), back to the post.
 */
export function renderCommentFragment(
  ctx: PageContext,
  views: CommentItemView[],
  thread: { view: PostView; reader: ThreadReader },
  skipFirst: boolean,
): string {
  const options = threadCommentOptions(thread.view, thread.reader, `/post/${thread.view.post.id}`);
  const roots = buildTree(views);
  // The continued comment itself comes first; only its replies are new to the reader.
  const nodes = skipFirst ? (roots[0]?.children ?? []) : roots;
  return html`${nodes.map((node) => commentNode(ctx, node, options))}`.value;
}

/** Report for members (not on their own post), remove, restore and ban for moderators, purge for admins. */
function postModTools(ctx: PageContext, page: PostPage): (Html | null)[] {
  if (!ctx.viewer) return [];
  const { post, creator, community } = page.view;
  const back = ctx.path;
  return [
    page.isAuthor || post.deleted ? null : reportForm(ctx, { kind: "post", id: post.id }, back),
    page.canModerate ? removeForm(ctx, { kind: "post", id: post.id, removed: post.removed }, back) : null,
    page.canModerate && !page.isAuthor && community.local
      ? banForm(
          ctx,
          {
            personId: creator.id,
            personName: creator.name,
            communityName: community.name,
            banned: page.view.creatorBannedFromCommunity,
          },
          back,
        )
      : null,
    page.isAdmin ? purgeForm(ctx, { kind: "post", id: post.id }, back) : null,
  ];
}
