import { html } from "../html.ts";
import { layout, type PageContext } from "../layout.ts";

export function renderNotFoundPage(ctx: PageContext, what: string): string {
  return renderMessagePage(ctx, { title: "Not found", message: what });
}

/** A short page that says what happened, with an optional way back. */
export function renderMessagePage(ctx: PageContext, page: { title: string; message: string; back?: string }): string {
  return layout(
    ctx,
    { title: page.title },
    html`<section class="card"><h1>${page.title}</h1><p>${page.message}</p>${page.back ? html`<p><a href="${page.back}">Go back</a></p>` : null}</section>`,
  );
}
