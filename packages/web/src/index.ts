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
export { type CommentTreeOptions, communityPath, personPath } from "./pages/content.ts";
export { type DeliveryPage, type DeliveryServer, renderDeliveryPage } from "./pages/delivery.ts";
export {
  type CommunitiesPage,
  type CommunityPage,
  type FrontPage,
  renderCommunitiesPage,
  renderCommunityPage,
  renderFrontPage,
  type SiteSidebar,
} from "./pages/feed.ts";
export { type CommunityForm, renderCommunityForm, renderSubmitPage, type SubmitForm } from "./pages/forms.ts";
export { renderMessagePage, renderNotFoundPage } from "./pages/home.ts";
export {
  type MegathreadsPage,
  megathreadsPath,
  renderMegathreadsPage,
  renderSeriesForm,
  renderSlotPage,
  type SeriesForm,
  type SlotPage,
} from "./pages/megathreads.ts";
export {
  type AdminPage,
  type AdminSiteForm,
  type ModlogPage,
  type ReportsPage,
  renderAdminPage,
  renderModlogPage,
  renderReportsPage,
  siteFormFrom,
} from "./pages/moderation.ts";
export { banForm, purgeForm, removeForm, reportForm } from "./pages/moderation-forms.ts";
export { type PostPage, renderCommentFragment, renderPostPage, type ThreadReader } from "./pages/post.ts";
export { type ProfilePage, renderProfilePage } from "./pages/profile.ts";
export { renderSearchPage, type SearchPage } from "./pages/search.ts";
export { type RssChannel, renderRss } from "./rss.ts";
