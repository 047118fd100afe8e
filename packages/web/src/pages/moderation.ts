// Moderation pages: the report queue (/reports) for moderators and admins, the public modlog
// (/modlog and /c/{name}/modlog), and the admin page (/admin): site settings, registration
// applications, admins, site bans and the instance lists.
import type {
  CommentReportView,
  CommunityRow,
  FederationLists,
  ModlogEntryView,
  PersonRow,
  PostReportView,
  RegistrationApplicationRow,
  RegistrationMode,
  SiteRow,
} from "@plenum/core";
import { personLink, timeAgo } from "../format.ts";
import { type Html, html } from "../html.ts";
import { csrfField, errorList, layout, type PageContext } from "../layout.ts";
import { communityPath, personPath } from "./content.ts";
import { banForm, removeForm } from "./moderation-forms.ts";

const person = (p: PersonRow) =>
  personLink({ name: p.name, displayName: p.display_name, pronouns: p.pronouns, href: personPath(p) });

const community = (c: CommunityRow) => html`<a href="${communityPath(c)}">${c.title}</a>`;

const excerpt = (text: string, length = 300) =>
  [...text].length > length ? `${[...text].slice(0, length).join("")}…` : text;

// ---- The report queue ----

export interface ReportsPage {
  postReports: PostReportView[];
  commentReports: CommentReportView[];
  /** Resolved reports are listed too. */
  showResolved: boolean;
  isAdmin: boolean;
}

function resolveForm(ctx: PageContext, kind: "post" | "comment", reportId: string, resolved: boolean, back: string) {
  return html`<form class="inline-form" method="post" action="/reports/${kind}/${reportId}/resolve">${csrfField(ctx)}<input type="hidden" name="back" value="${back}"><input type="hidden" name="resolved" value="${resolved ? "false" : "true"}"><button type="submit"${resolved ? html` class="secondary"` : null}>${resolved ? "Reopen" : "Resolve"}</button></form>`;
}

function reportStatus(
  report: { resolved: boolean; published_at: Date },
  resolver: PersonRow | null,
  reporter: PersonRow,
) {
  return html`<p class="meta">Reported by ${person(reporter)} ${timeAgo(report.published_at)} · ${
    report.resolved
      ? html`<span class="badge resolved">resolved</span>${resolver ? html` by ${person(resolver)}` : null}`
      : html`<span class="badge">open</span>`
  }</p>`;
}

function postReportItem(ctx: PageContext, view: PostReportView, page: ReportsPage): Html {
  const back = ctx.path;
  const { report, post } = view;
  return html`<li class="report card" id="post-report-${report.id}">
<p class="title"><a href="/post/${post.id}">${post.title || report.original_post_name}</a>${post.removed ? html` <span class="badge">removed</span>` : null}${post.deleted ? html` <span class="badge">deleted</span>` : null}</p>
<p class="meta">Post by ${person(view.postCreator)} in ${community(view.community)}${view.creatorBannedFromCommunity ? html` <span class="badge">banned</span>` : null}</p>
${report.original_post_name !== post.title ? html`<p class="muted">Title when reported: ${report.original_post_name}</p>` : null}
${report.original_post_url ? html`<p class="muted">Link when reported: ${report.original_post_url}</p>` : null}
${report.original_post_body ? html`<blockquote class="muted">${excerpt(report.original_post_body)}</blockquote>` : null}
<p class="reason"><strong>Reason:</strong> ${report.reason}</p>
${reportStatus(report, view.resolver, view.creator)}
<div class="actions meta">
${resolveForm(ctx, "post", report.id, report.resolved, back)}
${removeForm(ctx, { kind: "post", id: post.id, removed: post.removed }, back)}
${banForm(ctx, { personId: view.postCreator.id, personName: view.postCreator.name, communityName: view.community.local ? view.community.name : null, banned: view.creatorBannedFromCommunity }, back)}
${page.isAdmin && view.community.local ? banForm(ctx, { personId: view.postCreator.id, personName: view.postCreator.name, communityName: null }, back) : null}
</div>
</li>`;
}

function commentReportItem(ctx: PageContext, view: CommentReportView, page: ReportsPage): Html {
  const back = ctx.path;
  const { report, comment } = view;
  return html`<li class="report card" id="comment-report-${report.id}">
<p class="title">Comment on <a href="/comment/${comment.id}">${view.post.title}</a>${comment.removed ? html` <span class="badge">removed</span>` : null}${comment.deleted ? html` <span class="badge">deleted</span>` : null}</p>
<p class="meta">Comment by ${person(view.commentCreator)} in ${community(view.community)}${view.creatorBannedFromCommunity ? html` <span class="badge">banned</span>` : null}</p>
<blockquote>${excerpt(report.original_comment_text)}</blockquote>
<p class="reason"><strong>Reason:</strong> ${report.reason}</p>
${reportStatus(report, view.resolver, view.creator)}
<div class="actions meta">
${resolveForm(ctx, "comment", report.id, report.resolved, back)}
${removeForm(ctx, { kind: "comment", id: comment.id, removed: comment.removed }, back)}
${banForm(ctx, { personId: view.commentCreator.id, personName: view.commentCreator.name, communityName: view.community.local ? view.community.name : null, banned: view.creatorBannedFromCommunity }, back)}
${page.isAdmin ? banForm(ctx, { personId: view.commentCreator.id, personName: view.commentCreator.name, communityName: null }, back) : null}
</div>
</li>`;
}

export function renderReportsPage(ctx: PageContext, page: ReportsPage): string {
  return layout(
    ctx,
    { title: "Reports" },
    html`<section class="card">
<h1>Reports</h1>
<p class="muted">Reports about posts and comments in the communities you moderate${page.isAdmin ? " (as an admin: every community)" : ""}. Only moderators and admins see who reported what.</p>
<nav class="tabs" aria-label="Which reports">
<a href="/reports"${page.showResolved ? null : html` aria-current="page"`}>Open</a>
<a href="/reports?all=1"${page.showResolved ? html` aria-current="page"` : null}>All</a>
<a href="/modlog">Modlog</a>
</nav>
</section>
<section aria-labelledby="post-reports"><h2 id="post-reports">Posts</h2>
${page.postReports.length === 0 ? html`<p class="muted">No reports here.</p>` : html`<ol class="reports">${page.postReports.map((view) => postReportItem(ctx, view, page))}</ol>`}
</section>
<section aria-labelledby="comment-reports"><h2 id="comment-reports">Comments</h2>
${page.commentReports.length === 0 ? html`<p class="muted">No reports here.</p>` : html`<ol class="reports">${page.commentReports.map((view) => commentReportItem(ctx, view, page))}</ol>`}
</section>`,
  );
}

// ---- The modlog ----

export interface ModlogPage {
  /** The community whose log this is; null for the site's. */
  community: CommunityRow | null;
  entries: ModlogEntryView[];
  nextHref: string | null;
  /** Moderators' names are hidden from this reader (site.hide_modlog_mod_names). */
  namesHidden: boolean;
}

const until = (date: Date | null) =>
  date ? html` until ${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : null;

const postLink = (view: ModlogEntryView) =>
  view.post ? html`<a href="/post/${view.post.id}">${view.post.title}</a>` : html`a post`;

/** What happened, in a sentence (after the moderator's name). */
function describe(view: ModlogEntryView): Html {
  const e = view.entry;
  const other = view.otherPerson ? person(view.otherPerson) : html`someone`;
  const where = view.community ? html` in ${community(view.community)}` : null;
  switch (e.action) {
    case "ModRemovePost":
      return html`${e.state ? "removed" : "restored"} the post ${postLink(view)}${where}`;
    case "ModLockPost":
      return html`${e.state ? "locked" : "unlocked"} the post ${postLink(view)}${where}`;
    case "ModFeaturePost":
      return e.featured_community === false
        ? html`${e.state ? "pinned" : "unpinned"} the post ${postLink(view)} on the front page`
        : html`${e.state ? "pinned" : "unpinned"} the post ${postLink(view)}${where}`;
    case "ModRemoveComment":
      return html`${e.state ? "removed" : "restored"} ${view.comment ? html`<a href="/comment/${view.comment.id}">a comment</a>` : "a comment"} by ${other} on ${postLink(view)}${where}`;
    case "ModRemoveCommunity":
      return html`${e.state ? "removed" : "restored"} the community ${view.community ? community(view.community) : "?"}`;
    case "ModBanFromCommunity":
      return html`${e.state ? "banned" : "unbanned"} ${other} from ${view.community ? community(view.community) : "a community"}${e.state ? until(e.expires_at) : null}`;
    case "ModBan":
      return html`${e.state ? "banned" : "unbanned"} ${other} from the site${e.state ? until(e.expires_at) : null}`;
    case "ModAddCommunity":
      return e.state
        ? html`made ${other} a moderator of ${view.community ? community(view.community) : "a community"}`
        : html`removed ${other} as moderator of ${view.community ? community(view.community) : "a community"}`;
    case "ModTransferCommunity":
      return html`handed ${view.community ? community(view.community) : "a community"} to ${other} as top moderator`;
    case "ModAdd":
      return e.state ? html`made ${other} an admin` : html`removed ${other} as admin`;
    case "AdminPurgePerson":
      return html`purged a person`;
    case "AdminPurgeCommunity":
      return html`purged a community`;
    case "AdminPurgePost":
      return html`purged a post${where}`;
    case "AdminPurgeComment":
      return html`purged a comment on ${postLink(view)}${where}`;
  }
}

export function renderModlogPage(ctx: PageContext, page: ModlogPage): string {
  const title = page.community ? `Modlog of ${page.community.title}` : "Modlog";
  return layout(
    ctx,
    { title },
    html`<section class="card">
<h1>${title}</h1>
<p class="muted">Every action of ${page.community ? "this community's" : "this site's"} moderators and admins, newest first.${page.namesHidden ? " This site does not show who took them." : ""}${page.community ? html` <a href="/modlog">The whole site's modlog</a>.` : null}</p>
${
  page.entries.length === 0
    ? html`<p class="muted">Nothing here yet.</p>`
    : html`<ol class="modlog">${page.entries.map(
        (view) =>
          html`<li class="modlog-entry" data-action="${view.entry.action}"><span class="meta">${timeAgo(view.entry.published_at)}</span> ${view.moderator ? person(view.moderator) : html`<span class="muted">${page.namesHidden ? "A moderator" : "Someone"}</span>`} ${describe(view)}${view.entry.reason ? html`<span class="reason"> — ${view.entry.reason}</span>` : null}</li>`,
      )}</ol>`
}
${page.nextHref ? html`<nav class="pagination"><a href="${page.nextHref}" rel="next">Older →</a></nav>` : null}
</section>`,
  );
}

// ---- The admin page ----

export interface AdminSiteForm {
  name: string;
  description: string;
  sidebar: string;
  registrationMode: RegistrationMode;
  applicationQuestion: string;
  enableDownvotes: boolean;
  enableNsfw: boolean;
  communityCreationAdminOnly: boolean;
  hideModlogModNames: boolean;
  /** One per line. */
  pronouns: string;
  /** One per line. */
  taglines: string;
}

export interface AdminPage {
  form: AdminSiteForm;
  errors: string[];
  notice: string | null;
  applications: { application: RegistrationApplicationRow; person: PersonRow }[];
  admins: PersonRow[];
  banned: { person: PersonRow; ban: { reason: string | null; expiresAt: Date | null } }[];
  lists: FederationLists;
}

const checkbox = (name: string, label: string, on: boolean) =>
  html`<label class="check"><input type="checkbox" name="${name}" value="true"${on ? html` checked` : null}> ${label}</label>`;

export function siteFormFrom(site: SiteRow, taglines: readonly string[]): AdminSiteForm {
  return {
    name: site.name,
    description: site.description ?? "",
    sidebar: site.sidebar ?? "",
    registrationMode: site.registration_mode,
    applicationQuestion: site.application_question ?? "",
    enableDownvotes: site.enable_downvotes,
    enableNsfw: site.enable_nsfw,
    communityCreationAdminOnly: site.community_creation_admin_only,
    hideModlogModNames: site.hide_modlog_mod_names,
    pronouns: site.pronouns.join("\n"),
    taglines: taglines.join("\n"),
  };
}

export function renderAdminPage(ctx: PageContext, page: AdminPage): string {
  const f = page.form;
  const modes = [
    ["Open", "Open: anyone can sign up"],
    ["RequireApplication", "Applications: an admin approves each new account"],
    ["Closed", "Closed: no new accounts"],
  ] as const;
  return layout(
    ctx,
    { title: "Admin" },
    html`<section class="card">
<h1>Admin</h1>
<nav class="tabs" aria-label="Sections"><a href="#settings">Settings</a><a href="#applications">Applications (${page.applications.length})</a><a href="#admins">Admins</a><a href="#bans">Bans</a><a href="#instances">Instances</a><a href="/admin/delivery">Delivery</a><a href="/reports">Reports</a><a href="/modlog">Modlog</a></nav>
${page.notice ? html`<p class="notice" role="status">${page.notice}</p>` : null}
${errorList(page.errors)}
</section>
<section class="card" id="settings">
<h2>Site settings</h2>
<form class="stack" method="post" action="/admin/site">
${csrfField(ctx)}
<label>Name <input type="text" name="name" value="${f.name}" required maxlength="20"></label>
<label>Description (one line) <input type="text" name="description" value="${f.description}" maxlength="150"></label>
<label>Sidebar (Markdown) <textarea name="sidebar">${f.sidebar}</textarea></label>
<label>Registration <select name="registration_mode">${modes.map(([value, label]) => html`<option value="${value}"${f.registrationMode === value ? html` selected` : null}>${label}</option>`)}</select></label>
<label>Question for applicants <textarea name="application_question">${f.applicationQuestion}</textarea></label>
${checkbox("enable_downvotes", "Allow downvotes", f.enableDownvotes)}
${checkbox("enable_nsfw", "Allow NSFW content", f.enableNsfw)}
${checkbox("community_creation_admin_only", "Only admins create communities", f.communityCreationAdminOnly)}
${checkbox("hide_modlog_mod_names", "Hide moderators' names in the modlog from everyone but moderators", f.hideModlogModNames)}
<label>Pronouns members can choose, one per line <textarea name="pronouns">${f.pronouns}</textarea></label>
<label>Taglines (Markdown), one per line: one is shown at random atop pages <textarea name="taglines">${f.taglines}</textarea></label>
<div><button type="submit">Save settings</button></div>
</form>
</section>
<section class="card" id="applications">
<h2>Registration applications</h2>
${
  page.applications.length === 0
    ? html`<p class="muted">No applications are waiting.</p>`
    : html`<ol class="applications">${page.applications.map(
        ({ application, person: p }) => html`<li class="application">
<p>${person(p)} <span class="meta">applied ${timeAgo(application.published_at)}</span></p>
<blockquote>${application.answer}</blockquote>
<div class="actions">
<form class="inline-form" method="post" action="/admin/applications/${application.id}">${csrfField(ctx)}<input type="hidden" name="approve" value="true"><button type="submit">Approve</button></form>
<form class="inline-form" method="post" action="/admin/applications/${application.id}">${csrfField(ctx)}<input type="hidden" name="approve" value="false"><label class="inline">Reason <input type="text" name="deny_reason" maxlength="1000"></label> <button type="submit" class="secondary">Deny</button></form>
</div>
</li>`,
      )}</ol>`
}
</section>
<section class="card" id="admins">
<h2>Admins</h2>
<ul>${page.admins.map(
      (admin) =>
        html`<li>${person(admin)} <form class="inline-form" method="post" action="/admin/admins">${csrfField(ctx)}<input type="hidden" name="person_id" value="${admin.id}"><input type="hidden" name="added" value="false"><button type="submit" class="link">Remove as admin</button></form></li>`,
    )}</ul>
<form class="inline-form" method="post" action="/admin/admins">${csrfField(ctx)}<input type="hidden" name="added" value="true"><label class="inline">Make an admin: <input type="text" name="name" required pattern="[A-Za-z0-9_]{3,20}" placeholder="name"></label> <button type="submit">Add</button></form>
</section>
<section class="card" id="bans">
<h2>Banned from the site</h2>
${
  page.banned.length === 0
    ? html`<p class="muted">Nobody is banned.</p>`
    : html`<ul>${page.banned.map(
        ({ person: p, ban }) =>
          html`<li>${person(p)}${ban.expiresAt ? html` <span class="meta">until ${ban.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span>` : html` <span class="meta">for good</span>`}${ban.reason ? html` — ${ban.reason}` : null} ${banForm(ctx, { personId: p.id, personName: p.name, communityName: null, banned: true }, "/admin#bans")}</li>`,
      )}</ul>`
}
<form class="stack" method="post" action="/admin/ban">
${csrfField(ctx)}<input type="hidden" name="back" value="/admin#bans"><input type="hidden" name="ban" value="true">
<label>Ban someone: name <input type="text" name="name" required></label>
<label>Reason (public, in the modlog) <input type="text" name="reason" maxlength="1000"></label>
<label>For how many days? <input type="number" name="days" min="1" max="36500"><span class="muted">Leave empty to ban for good.</span></label>
<label class="check"><input type="checkbox" name="remove_data" value="true"> Also remove all their posts and comments</label>
<div><button type="submit">Ban from the site</button></div>
</form>
</section>
<section class="card" id="instances">
<h2>Instances</h2>
<p class="muted">Which servers this one federates with. With an allow list, only those; never those on the block list. Host names, one per line.</p>
<form class="stack" method="post" action="/admin/federation">
${csrfField(ctx)}
<label>Allowed instances <textarea name="allowed_instances">${page.lists.allowed.map((i) => i.host).join("\n")}</textarea></label>
<label>Blocked instances <textarea name="blocked_instances">${page.lists.blocked.map((i) => i.host).join("\n")}</textarea></label>
<div><button type="submit">Save instance lists</button></div>
</form>
</section>`,
  );
}
