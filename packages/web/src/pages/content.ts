// Posts and comments as the feed, community, post and profile pages show them.
import {
  COMMENT_SORTS,
  type CommentItemView,
  type CommunityRow,
  type PersonRow,
  type PersonSummaryRow,
  type PostView,
  renderMarkdown,
  SORT_TYPES,
} from "@plenum/core";
import { domainOf, personLink, timeAgo } from "../format.ts";
import { type Html, html, trusted } from "../html.ts";
import { csrfField, type PageContext } from "../layout.ts";
import { commentModTools } from "./moderation-forms.ts";

/** Where a person's page is: /u/name for local persons, /u/name@host for remote ones. */
export function personPath(person: Pick<PersonRow, "local" | "name" | "ap_id">): string {
  return person.local ? `/u/${person.name}` : `/u/${person.name}@${new URL(person.ap_id).host}`;
}

export function communityPath(community: Pick<CommunityRow, "local" | "name" | "ap_id">): string {
  return community.local ? `/c/${community.name}` : `/c/${community.name}@${new URL(community.ap_id).host}`;
}

export function communityHandle(community: Pick<CommunityRow, "name" | "ap_id">): string {
  return `!${community.name}@${new URL(community.ap_id).host}`;
}

const personParts = (person: PersonSummaryRow) => ({
  name: person.name,
  displayName: person.display_name,
  pronouns: person.pronouns,
  href: personPath(person),
});

/** Up/down buttons as forms: they work without JavaScript; app.js makes them update in place. */
export function voteBox(
  ctx: PageContext,
  target: { kind: "post" | "comment"; id: string; score: number; myVote: number },
  downvotesEnabled: boolean,
  back: string,
): Html {
  const button = (value: 1 | -1, label: string, symbol: string, cls: string) =>
    html`<form class="vote" method="post" action="/${target.kind}/${target.id}/vote">
${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
<input type="hidden" name="score" value="${target.myVote === value ? 0 : value}">
<button type="submit" class="${cls}" data-value="${value}" aria-pressed="${target.myVote === value ? "true" : "false"}" aria-label="${label}"${ctx.viewer ? null : html` disabled`}>${symbol}</button>
</form>`;
  return html`<div class="votes">
${button(1, "Upvote", "▲", "up")}
<span class="score" aria-label="score">${target.score}</span>
${downvotesEnabled ? button(-1, "Downvote", "▼", "down") : null}
</div>`;
}

/**
 * The "banned" badge after a creator's name, as Lemmy's UI shows it: for a site ban in force, or a
 * ban from the community the post or comment is in.
 */
export function bannedBadge(view: { creatorBanned: boolean; creatorBannedFromCommunity: boolean }): Html | null {
  if (view.creatorBanned) return html` <span class="badge" title="Banned from the site">banned</span>`;
  if (view.creatorBannedFromCommunity)
    return html` <span class="badge" title="Banned from this community">banned</span>`;
  return null;
}

/** One post in a list: votes, title with link domain, community, author, time, comments. */
export function postItem(
  ctx: PageContext,
  view: PostView,
  options: { showCommunity: boolean; downvotes: boolean; back: string },
): Html {
  const { post } = view;
  const pinned = options.showCommunity ? post.featured_local : post.featured_community || post.featured_local;
  const link = post.url ?? `/post/${post.id}`;
  return html`<li class="post">
${voteBox(ctx, { kind: "post", id: post.id, score: post.score, myVote: view.myVote }, options.downvotes, options.back)}
<div>
${post.thumbnail_url ? html`<img class="thumb" src="${post.thumbnail_url}" alt="" loading="lazy">` : null}
<div class="title">${pinned ? html`<span class="pinned">Pinned</span> ` : null}<a href="${link}"${post.url ? html` rel="nofollow noopener ugc"` : null}>${post.title}</a>
${post.url ? html` <span class="domain">(${domainOf(post.url)})</span>` : null}${post.nsfw ? html` <span class="badge">NSFW</span>` : null}${post.locked ? html` <span class="badge">Locked</span>` : null}</div>
<div class="meta">by ${personLink(personParts(view.creator))}${bannedBadge(view)}${options.showCommunity ? html` in <a href="${communityPath(view.community)}">${view.community.title}</a>` : null} · ${timeAgo(post.published_at)} · <a href="/post/${post.id}">${post.comment_count} ${post.comment_count === 1 ? "comment" : "comments"}</a></div>
</div>
</li>`;
}

export function postList(
  ctx: PageContext,
  posts: PostView[],
  options: { showCommunity: boolean; downvotes: boolean; back: string },
): Html {
  if (posts.length === 0) return html`<p class="muted">No posts here yet.</p>`;
  return html`<ol class="posts">${posts.map((view) => postItem(ctx, view, options))}</ol>`;
}

/** Sort names for people, in the order the picker shows them. */
export const POST_SORTS: readonly string[] = SORT_TYPES;

/**
 * A sort menu: a GET form that works without JavaScript (choose, then Sort); app.js submits it
 * as soon as the choice changes.
 */
export function sortPicker(
  current: string,
  sorts: readonly string[],
  action: string,
  hidden: Record<string, string> = {},
  label = "Sort",
): Html {
  return html`<form class="sort" method="get" action="${action}">
${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<label class="inline">${label} <select name="sort" data-autosubmit>
${sorts.map((sort) => html`<option value="${sort}"${sort === current ? html` selected` : null}>${SORT_LABELS[sort] ?? sort}</option>`)}
</select></label>
<button type="submit" class="secondary">Sort</button>
</form>`;
}

/** Sort names as people read them. */
const SORT_LABELS: Record<string, string> = {
  Active: "Active",
  Hot: "Hot",
  Scaled: "Scaled",
  Controversial: "Controversial",
  New: "New",
  Old: "Old",
  NewComments: "New comments",
  MostComments: "Most comments",
  TopHour: "Top: hour",
  TopSixHour: "Top: 6 hours",
  TopTwelveHour: "Top: 12 hours",
  TopDay: "Top: day",
  TopWeek: "Top: week",
  TopMonth: "Top: month",
  TopThreeMonths: "Top: 3 months",
  TopSixMonths: "Top: 6 months",
  TopNineMonths: "Top: 9 months",
  TopYear: "Top: year",
  TopAll: "Top: all time",
  Top: "Top",
};

export interface CommentTreeOptions {
  postCreatorId: string;
  /** Person ids of the community's moderators (for the badge). */
  moderatorIds: ReadonlySet<string>;
  downvotes: boolean;
  locked: boolean;
  back: string;
  /** The reader moderates the community: remove, restore and ban forms on each comment. */
  canModerate?: boolean;
  /** The reader is an admin: purge forms too. */
  isAdmin?: boolean;
}

interface Node {
  view: CommentItemView;
  children: Node[];
}

/** Builds the tree from a flat page (every comment after its parent, as listCommentThread gives). */
export function buildTree(views: CommentItemView[]): Node[] {
  const byId = new Map<string, Node>();
  const roots: Node[] = [];
  for (const view of views) {
    const node = { view, children: [] };
    byId.set(view.comment.id, node);
    const parent = view.comment.parent_id ? byId.get(view.comment.parent_id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** " · 2 boosts" on a comment's line (boosts come from Mastodon and its kin), nothing without. */
function boosts(count: number): Html | null {
  return count > 0 ? html` · ${count} ${count === 1 ? "boost" : "boosts"}` : null;
}

function commentHeader(view: CommentItemView, options: CommentTreeOptions): Html {
  const badges = [
    view.creator.id === options.postCreatorId ? html`<span class="badge" title="Original poster">OP</span>` : null,
    options.moderatorIds.has(view.creator.id) ? html`<span class="badge" title="Moderator">mod</span>` : null,
    view.creatorIsAdmin ? html`<span class="badge" title="Admin">admin</span>` : null,
    bannedBadge(view),
  ];
  return html`<span class="meta">${personLink(personParts(view.creator))}${badges} · ${timeAgo(view.comment.published_at)} · ${view.comment.score} ${Math.abs(view.comment.score) === 1 ? "point" : "points"}${view.comment.updated_at ? html` · edited` : null}${boosts(view.comment.boost_count)}</span>`;
}

export function commentNode(ctx: PageContext, node: Node, options: CommentTreeOptions): Html {
  const { comment } = node.view;
  // Replies not on the page are reported where they hang: below a visible child they are that
  // child's to report, the rest (cut by depth or by the page's budget) are this comment's.
  const missing = hiddenBelow(node) - node.children.reduce((sum, child) => sum + hiddenBelow(child), 0);
  return html`<li class="comment" id="comment-${comment.id}">
<details open>
<summary>${commentHeader(node.view, options)} <span class="muted collapsed-note">(collapsed)</span></summary>
<div class="body">${comment.deleted ? html`<p class="muted">deleted by author</p>` : comment.removed ? html`<p class="muted">removed by moderator</p>` : trusted(renderMarkdown(comment.body))}</div>
<div class="actions">
${voteBox(ctx, { kind: "comment", id: comment.id, score: comment.score, myVote: node.view.myVote ?? 0 }, options.downvotes, options.back)}
<a href="/comment/${comment.id}">link</a>
${ctx.viewer && !options.locked && !comment.deleted && !comment.removed ? replyForm(ctx, { action: `/comment/${comment.id}/reply`, back: options.back, label: "Reply" }) : null}
${commentModTools(ctx, node.view, options, options.back)}
</div>
<ul class="comments">${node.children.map((child) => commentNode(ctx, child, options))}${
    missing > 0
      ? html`<li><a class="load-more" href="/comment/${comment.id}" data-fragment="/comment/${comment.id}/replies">${missing} more ${missing === 1 ? "reply" : "replies"}</a></li>`
      : null
  }</ul>
</details>
</li>`;
}

function countDescendants(node: Node): number {
  return node.children.reduce((sum, child) => sum + 1 + countDescendants(child), 0);
}

/** Descendants of a comment that are not on the page. */
function hiddenBelow(node: Node): number {
  return node.view.comment.child_count - countDescendants(node);
}

export function commentTree(ctx: PageContext, views: CommentItemView[], options: CommentTreeOptions): Html {
  return html`<ul class="comments">${buildTree(views).map((node) => commentNode(ctx, node, options))}</ul>`;
}

export function replyForm(
  ctx: PageContext,
  options: { action: string; back: string; label: string; open?: boolean },
): Html {
  const form = html`<form class="reply stack" method="post" action="${options.action}">
${csrfField(ctx)}<input type="hidden" name="back" value="${options.back}">
<label>Your comment (Markdown) <textarea name="content" required maxlength="10000"></textarea></label>
<div><button type="submit">${options.label}</button></div>
</form>`;
  return options.open ? form : html`<details class="reply-box"><summary>${options.label}</summary>${form}</details>`;
}

export const COMMENT_SORT_NAMES: readonly string[] = COMMENT_SORTS;
