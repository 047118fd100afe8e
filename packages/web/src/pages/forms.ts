// Submitting a post and creating or editing a community.
import { html } from "../html.ts";
import { csrfField, errorList, layout, type PageContext } from "../layout.ts";

export interface SubmitForm {
  communities: { id: string; title: string; handle: string }[];
  communityId: string;
  title: string;
  url: string;
  body: string;
  nsfw: boolean;
  errors: string[];
}

export function renderSubmitPage(ctx: PageContext, form: SubmitForm): string {
  return layout(
    ctx,
    { title: "Submit a post" },
    html`<section class="card">
<h1>Submit a post</h1>
${errorList(form.errors)}
<form class="stack" method="post" action="/submit">
${csrfField(ctx)}
<label>Community <select name="community_id" required>
<option value="">Choose a community</option>
${form.communities.map((c) => html`<option value="${c.id}"${c.id === form.communityId ? html` selected` : null}>${c.title} (${c.handle})</option>`)}
</select></label>
<label>Title <input type="text" name="title" value="${form.title}" maxlength="200" required></label>
<label>Link (optional) <input type="url" name="url" value="${form.url}"></label>
<label>Text (Markdown, optional) <textarea name="body">${form.body}</textarea></label>
<label class="check"><input type="checkbox" name="nsfw" value="true"${form.nsfw ? html` checked` : null}> NSFW</label>
<div><button type="submit">Post</button></div>
</form>
</section>`,
  );
}

export interface CommunityForm {
  /** Absent when creating. */
  name?: string;
  newName: string;
  title: string;
  description: string;
  sidebar: string;
  iconUrl: string;
  bannerUrl: string;
  nsfw: boolean;
  postingRestrictedToMods: boolean;
  errors: string[];
}

export function renderCommunityForm(ctx: PageContext, form: CommunityForm): string {
  const editing = form.name !== undefined;
  return layout(
    ctx,
    { title: editing ? "Edit community" : "Create a community" },
    html`<section class="card">
<h1>${editing ? `Edit ${form.name}` : "Create a community"}</h1>
${errorList(form.errors)}
<form class="stack" method="post" action="${editing ? `/c/${form.name}/edit` : "/create_community"}">
${csrfField(ctx)}
${editing ? null : html`<label>Name <input type="text" name="name" value="${form.newName}" pattern="[a-z0-9_]{3,20}" required><span class="muted">3 to 20 characters: a–z, 0–9 and _; it becomes !name@this-site.</span></label>`}
<label>Title <input type="text" name="title" value="${form.title}" maxlength="100" required></label>
<label>Short description <input type="text" name="description" value="${form.description}" maxlength="150"></label>
<label>Sidebar (Markdown) <textarea name="sidebar">${form.sidebar}</textarea></label>
<label>Icon URL <input type="url" name="icon" value="${form.iconUrl}"></label>
<label>Banner URL <input type="url" name="banner" value="${form.bannerUrl}"></label>
<label class="check"><input type="checkbox" name="nsfw" value="true"${form.nsfw ? html` checked` : null}> NSFW</label>
<label class="check"><input type="checkbox" name="posting_restricted_to_mods" value="true"${form.postingRestrictedToMods ? html` checked` : null}> Only moderators can post</label>
<div><button type="submit">${editing ? "Save" : "Create"}</button></div>
</form>
</section>`,
  );
}
