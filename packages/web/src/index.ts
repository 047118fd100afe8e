// @plenum/web: server-rendered pages. Pages take read views from @plenum/core and return HTML.
export { ASSETS, type Asset, SCRIPT, STYLESHEET } from "./assets.ts";
export { domainOf, personLink, relativeTime, timeAgo } from "./format.ts";
export { escapeHtml, Html, html, trusted } from "./html.ts";
export { csrfField, errorList, layout, type PageContext, type PageViewer } from "./layout.ts";
export {
  type LoginForm,
  type RegisterForm,
  renderLoginPage,
  renderRegisterPage,
  renderSettingsPage,
  type SettingsForm,
} from "./pages/auth.ts";
export { renderCommunityPage } from "./pages/community.ts";
export { type HomeCommunity, renderHomePage, renderNotFoundPage } from "./pages/home.ts";
