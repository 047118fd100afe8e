// The admin's delivery page (/admin/delivery): per receiving server, how deliveries went, what is
// still queued for it, and whether it is dead (skipped until its next probe).
import type { DeliveryHealthRecord } from "@plenum/core";
import { timeAgo } from "../format.ts";
import { type Html, html } from "../html.ts";
import { layout, type PageContext } from "../layout.ts";

/** One receiving server's delivery record, with the deliveries to it still queued. */
export type DeliveryServer = DeliveryHealthRecord & { backlog: number };

export interface DeliveryPage {
  servers: readonly DeliveryServer[];
}

const when = (date: Date | null): Html | string => (date ? timeAgo(date) : "never");

function state(server: DeliveryServer): Html {
  if (server.deadSince) {
    return html`<strong>dead</strong> since ${timeAgo(server.deadSince)}${server.nextProbeAt ? html`, next try ${timeAgo(server.nextProbeAt)}` : null}`;
  }
  if (server.consecutiveFailures > 0) return html`failing (${server.consecutiveFailures} in a row)`;
  return html`ok`;
}

export function renderDeliveryPage(ctx: PageContext, page: DeliveryPage): string {
  return layout(
    ctx,
    { title: "Delivery" },
    html`<section class="card">
<h1>Delivery</h1>
<p><a href="/admin">Back to the admin page</a></p>
<p class="muted">What this server's deliveries to each other server met. A server that keeps failing for long is dead: nothing is sent there until its next try, and a success brings it back. Backlog: deliveries still queued for it.</p>
${
  page.servers.length === 0
    ? html`<p class="muted">Nothing has been delivered yet.</p>`
    : html`<table class="delivery">
<thead><tr><th scope="col">Server</th><th scope="col">State</th><th scope="col">Last success</th><th scope="col">Last failure</th><th scope="col">Delivered</th><th scope="col">Failed</th><th scope="col">Skipped</th><th scope="col">Backlog</th></tr></thead>
<tbody>${page.servers.map(
        (server) => html`<tr id="server-${server.host}">
<th scope="row">${server.host}</th>
<td>${state(server)}</td>
<td>${when(server.lastSuccessAt)}</td>
<td>${when(server.lastFailureAt)}${server.lastError ? html`<br><span class="meta">${server.lastError}</span>` : null}</td>
<td>${server.totalSuccesses}</td>
<td>${server.totalFailures}</td>
<td>${server.skippedDeliveries}</td>
<td>${server.backlog}</td>
</tr>`,
      )}</tbody>
</table>`
}
</section>`,
  );
}
