// Rows and views to Lemmy API v3 shapes (lemmy-js-client 0.19 types). Ids are numbers on the
// wire (ours are bigint strings, far below 2^53); times are ISO 8601 strings.
import type {
  CommentItemView,
  CommentRow,
  CommunitySummaryRow,
  CommunityView,
  LocalAccount,
  PersonRow,
  PersonSummaryRow,
  PostRow,
  PostView,
} from "@plenum/core";

export const iso = (date: Date) => date.toISOString();
export const isoOrUndefined = (date: Date | null | undefined) => (date ? date.toISOString() : undefined);
export const num = (id: string) => Number(id);
/** Lemmy omits absent optional fields rather than sending null. */
export const opt = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/**
 * lemmy-js-client's Person. `banned` and `ban_expires` are the site ban as the caller read it
 * (views that read it pass it; elsewhere the person shows as not banned).
 */
export function toApiPerson(person: PersonSummaryRow, siteBan?: { banned: boolean; expiresAt: Date | null }) {
  return {
    id: num(person.id),
    name: person.name,
    display_name: opt(person.display_name),
    avatar: opt(person.avatar_url),
    banned: siteBan?.banned ?? false,
    ban_expires: siteBan?.banned ? isoOrUndefined(siteBan.expiresAt) : undefined,
    published: iso(person.published_at),
    updated: isoOrUndefined(person.updated_at),
    actor_id: person.ap_id,
    bio: opt(person.bio),
    local: person.local,
    banner: opt(person.banner_url),
    deleted: person.deleted,
    bot_account: person.bot,
    instance_id: num(person.instance_id),
    // Plenum: structured pronouns, shown as `name [they/them, any]`.
    pronouns: person.pronouns,
  };
}

export function toApiPersonCounts(person: PersonRow) {
  return { person_id: num(person.id), post_count: person.post_count, comment_count: person.comment_count };
}

export function toApiCommunity(community: CommunitySummaryRow) {
  return {
    id: num(community.id),
    name: community.name,
    title: community.title,
    description: opt(community.description),
    removed: community.removed,
    published: iso(community.published_at),
    updated: isoOrUndefined(community.updated_at),
    deleted: community.deleted,
    nsfw: community.nsfw,
    actor_id: community.ap_id,
    local: community.local,
    icon: opt(community.icon_url),
    banner: opt(community.banner_url),
    hidden: community.hidden,
    posting_restricted_to_mods: community.posting_restricted_to_mods,
    instance_id: num(community.instance_id),
    visibility: community.visibility,
    // Plenum: the sidebar, kept apart from the short description (Lemmy 0.19 has only one field).
    sidebar: opt(community.sidebar),
  };
}

export function toApiLocalUser(account: LocalAccount) {
  const u = account.localUser;
  return {
    id: num(u.person_id),
    person_id: num(u.person_id),
    email: opt(u.email),
    show_nsfw: u.show_nsfw,
    theme: u.theme,
    default_sort_type: u.default_sort_type,
    default_listing_type: u.default_listing_type,
    interface_language: u.interface_language,
    show_avatars: u.show_avatars,
    send_notifications_to_email: false,
    show_scores: u.show_scores,
    show_bot_accounts: u.show_bot_accounts,
    show_read_posts: u.show_read_posts,
    email_verified: u.email_verified,
    accepted_application: u.accepted_application,
    open_links_in_new_tab: u.open_links_in_new_tab,
    blur_nsfw: u.blur_nsfw,
    auto_expand: false,
    infinite_scroll_enabled: false,
    admin: u.admin,
    post_listing_mode: "List",
    totp_2fa_enabled: false,
    enable_keyboard_navigation: false,
    enable_animated_images: true,
    collapse_bot_comments: false,
  };
}

export function toApiPost(post: PostRow) {
  return {
    id: num(post.id),
    name: post.title,
    url: opt(post.url),
    body: opt(post.body),
    creator_id: num(post.creator_id),
    community_id: num(post.community_id),
    removed: post.removed,
    locked: post.locked,
    published: iso(post.published_at),
    updated: isoOrUndefined(post.updated_at),
    deleted: post.deleted,
    nsfw: post.nsfw,
    embed_title: opt(post.embed_title),
    embed_description: opt(post.embed_description),
    thumbnail_url: opt(post.thumbnail_url),
    ap_id: post.ap_id,
    local: post.local,
    embed_video_url: opt(post.embed_video_url),
    language_id: post.language_id,
    featured_community: post.featured_community,
    featured_local: post.featured_local,
    url_content_type: opt(post.url_content_type),
    alt_text: opt(post.alt_text),
  };
}

export function toApiPostCounts(post: PostRow) {
  return {
    post_id: num(post.id),
    comments: post.comment_count,
    score: post.score,
    upvotes: post.upvotes,
    downvotes: post.downvotes,
    published: iso(post.published_at),
    newest_comment_time: iso(post.newest_comment_at ?? post.published_at),
    // Plenum: boosts by remote persons (Mastodon), counted apart from votes (docs/api.md).
    boosts: post.boost_count,
  };
}

export function toApiComment(comment: CommentRow) {
  return {
    id: num(comment.id),
    creator_id: num(comment.creator_id),
    post_id: num(comment.post_id),
    content: comment.body,
    removed: comment.removed,
    published: iso(comment.published_at),
    updated: isoOrUndefined(comment.updated_at),
    deleted: comment.deleted,
    ap_id: comment.ap_id,
    local: comment.local,
    path: comment.path,
    distinguished: comment.distinguished,
    language_id: comment.language_id,
  };
}

export function toApiCommentCounts(comment: CommentRow) {
  return {
    comment_id: num(comment.id),
    score: comment.score,
    upvotes: comment.upvotes,
    downvotes: comment.downvotes,
    published: iso(comment.published_at),
    child_count: comment.child_count,
    // Plenum: boosts by remote persons (Mastodon), counted apart from votes (docs/api.md).
    boosts: comment.boost_count,
  };
}

/** A comment as lemmy-js-client's CommentView. my_vote is left out when the reader has not voted, as Lemmy 0.19 does. */
export function toApiCommentView(view: CommentItemView) {
  const subscribed =
    view.follow === "accepted" ? "Subscribed" : view.follow === "pending" ? "Pending" : "NotSubscribed";
  return {
    comment: toApiComment(view.comment),
    creator: toApiPerson(view.creator, { banned: view.creatorBanned, expiresAt: view.creatorBanExpiresAt }),
    post: toApiPost(view.post),
    community: toApiCommunity(view.community),
    counts: toApiCommentCounts(view.comment),
    creator_banned_from_community: view.creatorBannedFromCommunity,
    banned_from_community: view.bannedFromCommunity,
    creator_is_moderator: view.creatorIsModerator,
    creator_is_admin: view.creatorIsAdmin,
    subscribed,
    saved: view.saved,
    creator_blocked: view.creatorBlocked,
    my_vote: view.myVote ?? undefined,
  };
}

// ---- Communities and posts ----

export function toApiCommunityAggregates(view: CommunityView) {
  const c = view.counts;
  return {
    community_id: num(view.community.id),
    subscribers: c.subscribers,
    posts: c.posts,
    comments: c.comments,
    published: iso(view.community.published_at),
    users_active_day: c.usersActiveDay,
    users_active_week: c.usersActiveWeek,
    users_active_month: c.usersActiveMonth,
    users_active_half_year: c.usersActiveHalfYear,
    subscribers_local: c.subscribersLocal,
  };
}

/** lemmy-js-client's CommunityView; banned_from_community is the reader's ban from it, now. */
export function toApiCommunityView(view: CommunityView) {
  return {
    community: toApiCommunity(view.community),
    subscribed: view.subscribed,
    blocked: view.blocked,
    counts: toApiCommunityAggregates(view),
    banned_from_community: view.bannedFromCommunity,
  };
}

/** lemmy-js-client's CommunityModeratorView list. */
export function toApiModerators(community: CommunitySummaryRow, moderators: readonly PersonSummaryRow[]) {
  const apiCommunity = toApiCommunity(community);
  return moderators.map((moderator) => ({ community: apiCommunity, moderator: toApiPerson(moderator) }));
}

/**
 * lemmy-js-client's PostView. Plenum keeps no read marks or hidden posts yet, so read and hidden
 * are false and unread_comments is 0.
 * my_vote is left out when the reader has not voted, as Lemmy 0.19 does.
 */
export function toApiPostView(view: PostView) {
  return {
    post: toApiPost(view.post),
    creator: toApiPerson(view.creator, { banned: view.creatorBanned, expiresAt: view.creatorBanExpiresAt }),
    community: toApiCommunity(view.community),
    creator_banned_from_community: view.creatorBannedFromCommunity,
    banned_from_community: view.bannedFromCommunity,
    creator_is_moderator: view.creatorIsModerator,
    creator_is_admin: view.creatorIsAdmin,
    counts: toApiPostCounts(view.post),
    subscribed: view.subscribed,
    saved: view.saved,
    read: false,
    hidden: false,
    creator_blocked: view.creatorBlocked,
    my_vote: view.myVote === 0 ? undefined : view.myVote,
    unread_comments: 0,
  };
}
