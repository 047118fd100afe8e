// Log in, sign up and settings: forms that re-render with their values and messages on error.
import { html } from "../html.ts";
import { csrfField, errorList, layout, type PageContext } from "../layout.ts";

export interface LoginForm {
  usernameOrEmail: string;
  next: string;
  errors: string[];
}

export function renderLoginPage(ctx: PageContext, form: LoginForm): string {
  return layout(
    ctx,
    { title: "Log in" },
    html`<section class="card">
<h1>Log in</h1>
${errorList(form.errors)}
<form class="stack" method="post" action="/login">
${csrfField(ctx)}
<input type="hidden" name="next" value="${form.next}">
<label>Name or email <input type="text" name="username_or_email" value="${form.usernameOrEmail}" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<div><button type="submit">Log in</button></div>
</form>
<p class="muted">No account yet? <a href="/register">Sign up</a>.</p>
</section>`,
  );
}

export interface RegisterForm {
  username: string;
  email: string;
  answer: string;
  errors: string[];
  registrationMode: "Open" | "RequireApplication" | "Closed";
  applicationQuestion: string | null;
  /** Set after an application was submitted: the page says what happens next. */
  applicationSubmitted?: boolean;
}

export function renderRegisterPage(ctx: PageContext, form: RegisterForm): string {
  if (form.applicationSubmitted) {
    return layout(
      ctx,
      { title: "Application sent" },
      html`<section class="card"><h1>Thanks for applying</h1><p class="notice" role="status">An admin will read your answer. You can log in once your application is approved.</p></section>`,
    );
  }
  if (form.registrationMode === "Closed") {
    return layout(
      ctx,
      { title: "Sign up" },
      html`<section class="card"><h1>Sign up</h1><p>This site is not taking new accounts at the moment.</p></section>`,
    );
  }
  return layout(
    ctx,
    { title: "Sign up" },
    html`<section class="card">
<h1>Sign up</h1>
${errorList(form.errors)}
<form class="stack" method="post" action="/register">
${csrfField(ctx)}
<label>Name <input type="text" name="username" value="${form.username}" autocomplete="username" pattern="[a-z0-9_]{3,20}" required autofocus>
<span class="muted">3 to 20 characters: a–z, 0–9 and _. It cannot be changed later.</span></label>
<label>Email (optional) <input type="email" name="email" value="${form.email}" autocomplete="email"></label>
<label>Password <input type="password" name="password" autocomplete="new-password" minlength="10" maxlength="60" required>
<span class="muted">10 to 60 characters.</span></label>
<label>Password again <input type="password" name="password_verify" autocomplete="new-password" required></label>
${
  form.registrationMode === "RequireApplication"
    ? html`<label>${form.applicationQuestion ?? "Why do you want to join?"} <textarea name="answer" required>${form.answer}</textarea></label>`
    : null
}
<div><button type="submit">Sign up</button></div>
</form>
</section>`,
  );
}

export interface SettingsForm {
  displayName: string;
  bio: string;
  avatarUrl: string;
  bannerUrl: string;
  email: string;
  botAccount: boolean;
  showNsfw: boolean;
  pronouns: string[];
  pronounChoices: readonly string[];
  defaultSortType: string;
  sortTypes: readonly string[];
  errors: string[];
  saved: boolean;
}

export function renderSettingsPage(ctx: PageContext, form: SettingsForm): string {
  const pronounSelect = (index: number) =>
    html`<select name="pronouns" aria-label="Pronouns, choice ${index + 1}">
<option value="">—</option>
${form.pronounChoices.map(
  (choice) =>
    html`<option value="${choice}"${form.pronouns[index] === choice ? html` selected` : null}>${choice}</option>`,
)}
</select>`;
  return layout(
    ctx,
    { title: "Settings" },
    html`<section class="card">
<h1>Settings</h1>
${form.saved ? html`<p class="notice" role="status">Saved.</p>` : null}
${errorList(form.errors)}
<form class="stack" method="post" action="/settings">
${csrfField(ctx)}
<label>Display name <input type="text" name="display_name" value="${form.displayName}" maxlength="50"></label>
<fieldset class="stack"><legend>Pronouns (up to two, shown after your name)</legend>
${pronounSelect(0)} ${pronounSelect(1)}
</fieldset>
<label>Bio (Markdown) <textarea name="bio" maxlength="300">${form.bio}</textarea></label>
<label>Avatar URL <input type="url" name="avatar" value="${form.avatarUrl}"></label>
<label>Banner URL <input type="url" name="banner" value="${form.bannerUrl}"></label>
<label>Email <input type="email" name="email" value="${form.email}"></label>
<label>Default sort <select name="default_sort_type">
${form.sortTypes.map((sort) => html`<option${sort === form.defaultSortType ? html` selected` : null}>${sort}</option>`)}
</select></label>
<label class="check"><input type="checkbox" name="show_nsfw" value="true"${form.showNsfw ? html` checked` : null}> Show NSFW content</label>
<label class="check"><input type="checkbox" name="bot_account" value="true"${form.botAccount ? html` checked` : null}> This is a bot account</label>
<div><button type="submit">Save</button></div>
</form>
</section>
<section class="card">
<h2>Delete account</h2>
<p>Your profile is cleared and you are logged out everywhere; other servers that know you are told.
This cannot be undone.</p>
<form class="stack" method="post" action="/settings/delete_account">
${csrfField(ctx)}
<label>Your password, to confirm <input type="password" name="password" autocomplete="current-password" required></label>
<label class="check"><input type="checkbox" name="delete_content" value="true"> Also delete all my posts and comments</label>
<div><button type="submit">Delete my account</button></div>
</form>
</section>`,
  );
}
