// @plenum/web: server-rendered pages. Pages take read views from @plenum/core and return HTML.
export { escapeHtml, Html, html, trusted } from "./html.ts";
export { renderCommunityPage } from "./pages/community.ts";
export { type HomeCommunity, renderHomePage, renderNotFoundPage } from "./pages/home.ts";
