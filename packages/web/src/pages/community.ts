import type { CommunityPageView } from "@plenum/core";
import { html } from "../html.ts";
import { layout, type PageContext } from "../layout.ts";

export function renderCommunityPage(ctx: PageContext, view: CommunityPageView, host: string): string {
  return layout(
    ctx,
    {
      title: view.title,
      head: html`<link rel="alternate" type="application/activity+json" href="${view.apId}">`,
    },
    html`<article class="community">
<h1>${view.title}</h1>
<p class="handle">!${view.name}@${host}</p>
${view.description ? html`<p class="description">${view.description}</p>` : null}
<p class="subscribers">${view.subscriberCount} ${view.subscriberCount === 1 ? "subscriber" : "subscribers"}</p>
<section class="moderators">
<h2>Moderators</h2>
<ul>
${view.moderators.map((m) => html`<li><a href="${m.apId}">${m.displayName ?? m.name}</a></li>`)}
</ul>
</section>
</article>`,
  );
}
