// The small moderation forms that sit on posts and comments (and in the report queue): report,
// remove or restore, ban, purge. Each is a <details> box, closed until opened, so a thread stays
// quiet; each works without JavaScript and answers with a redirect back to `back`.
import type { CommentItemView } from "@plenum/core";
import { type Html, html } from "../html.ts";
import { csrfField, type PageContext } from "../layout.ts";

export type ModTarget = { kind: "post" | "comment"; id: string };

/** Longest reason the forms take, in characters (the server's limit too). */
const REASON_MAX = 1000;

function box(summary: string, cls: string, form: Html): Html {
  return html`<details class="mod-box ${cls}"><summary>${summary}</summary>${form}</details>`;
}

/** "Report": a reason, sent to the community's moderators. */
export function reportForm(ctx: PageContext, target: ModTarget, back: string): Html {
  return box(
    "Report",
    "report-box",
    html`<form class="stack" method="post" action="/${target.kind}/${target.id}/report">
${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
<label>Why should the moderators look at this? <input type="text" name="reason" required maxlength="${REASON_MAX}"></label>
<div><button type="submit">Send report</button></div>
</form>`,
  );
}

/** "Remove" (with a reason for the modlog) or "Restore", for the community's moderators. */
export function removeForm(ctx: PageContext, target: ModTarget & { removed: boolean }, back: string): Html {
  const label = target.removed ? "Restore" : "Remove";
  return box(
    label,
    "remove-box",
    html`<form class="stack" method="post" action="/${target.kind}/${target.id}/remove">
${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
<input type="hidden" name="removed" value="${target.removed ? "false" : "true"}">
<label>Reason (public, in the modlog) <input type="text" name="reason" maxlength="${REASON_MAX}"></label>
<div><button type="submit">${label}</button></div>
</form>`,
  );
}

/**
 * A ban, from a community (action /c/{name}/ban) or the whole site (/admin/ban): reason, length
 * in days (blank for good) and whether to remove the person's posts and comments too.
 */
export function banForm(
  ctx: PageContext,
  target: { personId: string; personName: string; communityName: string | null; banned?: boolean },
  back: string,
): Html {
  const where = target.communityName === null ? "the site" : `!${target.communityName}`;
  const action = target.communityName === null ? "/admin/ban" : `/c/${target.communityName}/ban`;
  if (target.banned) {
    return html`<form class="inline-form" method="post" action="${action}">${csrfField(ctx)}<input type="hidden" name="back" value="${back}"><input type="hidden" name="person_id" value="${target.personId}"><input type="hidden" name="ban" value="false"><button type="submit" class="secondary">Unban ${target.personName}</button></form>`;
  }
  return box(
    `Ban ${target.personName} from ${where}`,
    "ban-box",
    html`<form class="stack" method="post" action="${action}">
${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
<input type="hidden" name="person_id" value="${target.personId}">
<input type="hidden" name="ban" value="true">
<label>Reason (public, in the modlog) <input type="text" name="reason" maxlength="${REASON_MAX}"></label>
<label>For how many days? <input type="number" name="days" min="1" max="36500" inputmode="numeric"><span class="muted">Leave empty to ban for good.</span></label>
<label class="check"><input type="checkbox" name="remove_data" value="true"> Also remove their posts and comments in ${where}</label>
<div><button type="submit">Ban</button></div>
</form>`,
  );
}

/** "Purge": deletes for good, for admins. */
export function purgeForm(ctx: PageContext, target: ModTarget, back: string): Html {
  return box(
    "Purge",
    "purge-box",
    html`<form class="stack" method="post" action="/${target.kind}/${target.id}/purge">
${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
<p class="muted">Deletes the ${target.kind}${target.kind === "post" ? ", its comments" : ", the replies below it"} and all their votes for good. This cannot be undone.</p>
<label>Reason (public, in the modlog) <input type="text" name="reason" maxlength="${REASON_MAX}"></label>
<div><button type="submit">Purge for good</button></div>
</form>`,
  );
}

/**
 * The moderation boxes under a comment: Report for members (not on their own comments), Remove
 * or Restore and a community ban for the community's moderators, Purge for admins.
 */
export function commentModTools(
  ctx: PageContext,
  view: CommentItemView,
  reader: { canModerate?: boolean; isAdmin?: boolean },
  back: string,
): Html | null {
  if (!ctx.viewer) return null;
  const { comment, creator, community } = view;
  const own = creator.local && creator.name === ctx.viewer.name;
  const items = [
    own || comment.deleted ? null : reportForm(ctx, { kind: "comment", id: comment.id }, back),
    reader.canModerate ? removeForm(ctx, { kind: "comment", id: comment.id, removed: comment.removed }, back) : null,
    reader.canModerate && !own && community.local
      ? banForm(
          ctx,
          {
            personId: creator.id,
            personName: creator.name,
            communityName: community.name,
            banned: view.creatorBannedFromCommunity,
          },
          back,
        )
      : null,
    reader.isAdmin ? purgeForm(ctx, { kind: "comment", id: comment.id }, back) : null,
  ].filter((item) => item !== null);
  return items.length > 0 ? html`${items}` : null;
}
