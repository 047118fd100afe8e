// "Megathreads and spaces to hang out": the site's and each community's megathreads (current
// threads, upcoming slots with who reserved them, past threads), a slot's page where its holder
// writes the thread ahead, and the moderators' form for a series.
import type { CommunityRow, MegathreadSeriesView, MegathreadSlotView, PersonRow } from "@plenum/core";
import { WEEKDAY_NAMES } from "@plenum/core";
import { personLink, timeAgo } from "../format.ts";
import { type Html, html } from "../html.ts";
import { csrfField, errorList, layout, type PageContext } from "../layout.ts";
import { communityPath, personPath } from "./content.ts";

const person = (p: PersonRow) =>
  personLink({ name: p.name, displayName: p.display_name, pronouns: p.pronouns, href: personPath(p) });

/** Where a community's megathreads page is. */
export const megathreadsPath = (community: CommunityRow) => `${communityPath(community)}/megathreads`;

/**
 * A slot's time as its series' members read it: "Monday 2026-12-07 09:00 (Europe/Berlin)". Not a
 * <time datetime> element: app.js turns those into "… ago", which suits only past times.
 */
function when(view: MegathreadSlotView): Html {
  const at = view.slot.occurs_at.toISOString();
  return html`<span class="when" data-at="${at}" title="${at.replace("T", " ").slice(0, 16)} UTC">${WEEKDAY_NAMES[view.local.weekday]} ${view.local.date} ${view.local.time}</span> <span class="muted">(${view.series.time_zone})</span>`;
}

export interface MegathreadsPage {
  /** The community whose page this is; null for the site's page. */
  community: CommunityRow | null;
  series: MegathreadSeriesView[];
  upcoming: MegathreadSlotView[];
  past: MegathreadSlotView[];
  /** Communities (ids) whose megathreads the viewer may run. */
  moderates: ReadonlySet<string>;
  /** Series (ids) in which the viewer holds a slot already (one at a time). */
  holding: ReadonlySet<string>;
  errors: string[];
}

/** The little forms on a slot: reserve, release, assign, refuse; by who is looking. */
function slotActions(ctx: PageContext, view: MegathreadSlotView, page: MegathreadsPage, back: string): Html | null {
  if (!ctx.viewer) {
    return view.slot.status === "open"
      ? html`<a href="/login?next=${encodeURIComponent(back)}">Log in to reserve</a>`
      : null;
  }
  const form = (action: string, label: string, fields: Html | null = null, secondary = false) =>
    html`<form class="inline-form" method="post" action="/megathreads/slot/${view.slot.id}/${action}">${csrfField(ctx)}<input type="hidden" name="back" value="${back}">${fields}<button type="submit"${secondary ? html` class="secondary"` : null}>${label}</button></form>`;
  const mine = view.holder?.name === ctx.viewer.name && view.holder.local;
  const moderator = page.moderates.has(view.community.id);
  const items: (Html | null)[] = [];
  if (view.slot.status === "open" && !page.holding.has(view.series.id)) items.push(form("reserve", "Reserve"));
  if (mine) {
    items.push(html`<a class="button" href="/megathreads/slot/${view.slot.id}">Write your thread</a>`);
    items.push(form("release", "Release", null, true));
  }
  if (moderator) {
    if (view.slot.status === "reserved" && !mine) items.push(form("release", "Release", null, true));
    if (view.slot.status !== "refused") {
      items.push(html`<details class="assign"><summary>Assign…</summary><form class="stack" method="post" action="/megathreads/slot/${view.slot.id}/assign">${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
<label>Member's name <input type="text" name="name" required pattern="[a-z0-9_]{3,20}"></label>
<div><button type="submit">Assign</button></div></form></details>`);
    }
    items.push(
      form(
        "refuse",
        view.slot.status === "refused" ? "Allow" : "Refuse",
        html`<input type="hidden" name="refused" value="${view.slot.status === "refused" ? "false" : "true"}">`,
        true,
      ),
    );
  }
  return items.length > 0 ? html`<div class="actions meta">${items}</div>` : null;
}

function holderText(view: MegathreadSlotView): Html {
  switch (view.slot.status) {
    case "reserved":
      return view.holder ? html`reserved by ${person(view.holder)}` : html`reserved`;
    case "refused":
      return html`<span class="badge">no thread</span>`;
    default:
      return html`<span class="muted">open: the community posts it unless someone reserves it</span>`;
  }
}

function upcomingList(ctx: PageContext, page: MegathreadsPage, back: string): Html {
  if (page.upcoming.length === 0) return html`<p class="muted">Nothing scheduled.</p>`;
  return html`<ol class="posts slots">${page.upcoming.map(
    (view) => html`<li class="post slot" id="slot-${view.slot.id}" data-status="${view.slot.status}">
<div class="slot-day" aria-hidden="true"><strong>${view.local.date.slice(8)}</strong><br><span class="muted">${WEEKDAY_NAMES[view.local.weekday]?.slice(0, 3)}</span></div>
<div>
<div class="title">${when(view)}</div>
<div class="meta">${view.title}${page.community ? null : html` · in <a href="${megathreadsPath(view.community)}">${view.community.title}</a>`} · <span class="holder">${holderText(view)}</span></div>
${slotActions(ctx, view, page, back)}
</div>
</li>`,
  )}</ol>`;
}

/** The narrow first column of a thread's line: its number in the series. */
function number(view: MegathreadSlotView | null): Html {
  const sequence = view?.slot.sequence;
  return html`<div class="slot-day">${sequence ? html`<strong title="Thread number ${sequence} of the series">#${sequence}</strong>` : html`<span class="muted">–</span>`}</div>`;
}

function threadLine(view: MegathreadSlotView, showCommunity: boolean): Html {
  const post = view.post;
  if (!post || post.deleted || post.removed)
    return html`<span class="muted">(deleted thread of ${view.local.date})</span>`;
  const pinned = post.featured_community || post.featured_local;
  return html`${pinned ? html`<span class="pinned">Pinned</span> ` : null}<a href="/post/${post.id}">${post.title}</a>${post.locked ? html` <span class="badge">Locked</span>` : null}
<div class="meta">${view.author ? html`by ${person(view.author)} · ` : null}${showCommunity ? html`in <a href="${megathreadsPath(view.community)}">${view.community.title}</a> · ` : null}${timeAgo(post.published_at)} · ${post.comment_count} ${post.comment_count === 1 ? "comment" : "comments"}</div>`;
}

export function renderMegathreadsPage(ctx: PageContext, page: MegathreadsPage): string {
  const back = page.community ? megathreadsPath(page.community) : "/megathreads";
  const title = page.community
    ? `Megathreads and spaces to hang out in ${page.community.title}`
    : "Megathreads and spaces to hang out";
  const canCreate = page.community?.local === true && page.moderates.has(page.community.id);
  return layout(
    ctx,
    { title },
    html`<section class="card megathreads">
<h1>${title}</h1>
${page.community ? html`<p><a href="${communityPath(page.community)}">← ${page.community.title}</a> · <a href="/megathreads">All megathreads</a></p>` : null}
${errorList(page.errors)}
${canCreate && page.community ? html`<p><a class="button" href="${megathreadsPath(page.community)}/new">New megathread series</a></p>` : null}
</section>
<section class="card current">
<h2>Current megathreads</h2>
${
  page.series.length === 0
    ? html`<p class="muted">No megathreads yet.</p>`
    : html`<ul class="posts">${page.series.map(
        (view) => html`<li class="post series" id="series-${view.series.id}">
${number(view.current)}
<div>
<div class="title">${view.current ? threadLine(view.current, page.community === null) : html`${view.series.title_pattern} <span class="muted">(no thread yet)</span>`}</div>
<div class="meta">${view.series.active ? view.schedule : html`<span class="badge">paused</span> ${view.schedule}`}${page.community ? null : html` · <a href="${megathreadsPath(view.community)}">${view.community.title}</a>`}${page.moderates.has(view.community.id) ? html` · <a href="/megathreads/series/${view.series.id}/edit">Edit series</a>` : null}</div>
</div>
</li>`,
      )}</ul>`
}
</section>
<section class="card upcoming">
<h2>Upcoming</h2>
<p class="muted">Reserve a spot to post that thread yourself: you can write it ahead, and it goes up at its time, pinned.</p>
${upcomingList(ctx, page, back)}
</section>
<section class="card past">
<h2>Past threads</h2>
${
  page.past.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<ul class="posts">${page.past.map((view) => html`<li class="post">${number(view)}<div><div class="title">${threadLine(view, page.community === null)}</div></div></li>`)}</ul>`
}
</section>`,
  );
}

export interface SlotPage {
  view: MegathreadSlotView;
  /** The holder writes their thread. */
  canEdit: boolean;
  titleSuffix: string;
  body: string;
  errors: string[];
  saved: boolean;
}

export function renderSlotPage(ctx: PageContext, page: SlotPage): string {
  const { view } = page;
  const back = megathreadsPath(view.community);
  return layout(
    ctx,
    { title: `Megathread slot: ${view.local.date}` },
    html`<section class="card">
<h1>${view.title}</h1>
<p>${when(view)} in <a href="${back}">${view.community.title}</a> · ${holderText(view)}</p>
${view.post ? html`<p>Posted: <a href="/post/${view.post.id}">${view.post.title}</a></p>` : null}
${page.saved ? html`<p class="notice" role="status">Saved. It goes up at its time.</p>` : null}
${errorList(page.errors)}
${
  page.canEdit
    ? html`<form class="stack" method="post" action="/megathreads/slot/${view.slot.id}">
${csrfField(ctx)}
<label>Title <span class="muted">${view.series.title_pattern} —</span> <input type="text" name="title_suffix" value="${page.titleSuffix}" maxlength="100" placeholder="your addition (optional)"></label>
<label>Text (Markdown; {date}, {time} and {n} are filled in) <textarea name="body">${page.body}</textarea></label>
<div><button type="submit">Save</button></div>
</form>`
    : null
}
<p><a href="${back}">Back to the megathreads</a></p>
</section>`,
  );
}

export interface SeriesForm {
  community: CommunityRow;
  /** Absent when creating. */
  seriesId?: string;
  titlePattern: string;
  bodyTemplate: string;
  schedule: string;
  weekday: string;
  dayOfMonth: string;
  date: string;
  time: string;
  timeZone: string;
  pinCommunity: boolean;
  pinLocal: boolean;
  commentsSortNew: boolean;
  lockPrevious: boolean;
  active: boolean;
  /** Site-wide pins are for admins. */
  isAdmin: boolean;
  timeZones: readonly string[];
  errors: string[];
}

const SCHEDULES = [
  ["weekly", "Weekly"],
  ["daily", "Daily"],
  ["monthly", "Monthly"],
  ["once", "Once"],
] as const;

export function renderSeriesForm(ctx: PageContext, form: SeriesForm): string {
  const editing = form.seriesId !== undefined;
  const action = editing ? `/megathreads/series/${form.seriesId}/edit` : `${megathreadsPath(form.community)}/new`;
  const check = (name: string, value: boolean, label: string) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="true"${value ? html` checked` : null}> ${label}</label>`;
  const title = editing ? "Edit megathread series" : "New megathread series";
  return layout(
    ctx,
    { title },
    html`<section class="card">
<h1>${title}</h1>
<p><a href="${megathreadsPath(form.community)}">${form.community.title}: megathreads</a></p>
${errorList(form.errors)}
<form class="stack" method="post" action="${action}">
${csrfField(ctx)}
<label>Title pattern <input type="text" name="title_pattern" value="${form.titlePattern}" maxlength="200" required placeholder="News Megathread — week of {date}"><span class="muted">{date} is the thread's date (YYYY-MM-DD), {time} its time, {n} its number in the series.</span></label>
<label>Body template (Markdown) <textarea name="body_template">${form.bodyTemplate}</textarea></label>
<fieldset class="stack">
<legend>Schedule</legend>
<label>Repeats <select name="schedule">${SCHEDULES.map(([value, label]) => html`<option value="${value}"${form.schedule === value ? html` selected` : null}>${label}</option>`)}</select></label>
<label>Weekday (weekly) <select name="weekday">${WEEKDAY_NAMES.slice(1).map((name, index) => html`<option value="${index + 1}"${form.weekday === String(index + 1) ? html` selected` : null}>${name}</option>`)}</select></label>
<label>Day of the month (monthly; shorter months use their last day) <input type="number" name="day_of_month" min="1" max="31" value="${form.dayOfMonth}"></label>
<label>Date (once) <input type="date" name="date" value="${form.date}"></label>
<label>Time <input type="time" name="time" value="${form.time}" required></label>
<label>Time zone <input type="text" name="time_zone" value="${form.timeZone}" list="time-zones" required placeholder="Europe/Berlin"></label>
<datalist id="time-zones">${form.timeZones.map((zone) => html`<option value="${zone}">`)}</datalist>
</fieldset>
${check("pin_community", form.pinCommunity, "Pin each thread in the community")}
${form.isAdmin ? check("pin_local", form.pinLocal, "Pin each thread on the front page (admins)") : null}
${check("comments_sort_new", form.commentsSortNew, "Comments open sorted New")}
${check("lock_previous", form.lockPrevious, "Lock the previous thread when the next opens")}
${editing ? check("active", form.active, "Active (unticked: no threads until resumed)") : null}
<div><button type="submit">${editing ? "Save" : "Create"}</button></div>
</form>
</section>`,
  );
}
