// Database row types, written to match db/migrations. Rows are the first of the three models
// (rows, views, ActivityPub objects); nothing outside repositories and views should see them.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** bigint ids come back from pg as strings: they may exceed Number.MAX_SAFE_INTEGER. */
type Id = Generated<string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultFalse = Generated<boolean>;
type Counter = Generated<number>;
/** A stored rank (docs/architecture.md, "Stored ranks"): set by the insert trigger, then by votes, comments and the refresh. */
type Rank = Generated<number>;

export interface InstanceTable {
  id: Id;
  host: string;
  software: string | null;
  software_version: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** When NodeInfo was last asked for `software` (null: never); instances/instance-software.ts. */
  software_checked_at: NullableTimestamp;
}

interface FederatedColumns {
  ap_id: string;
  local: boolean;
  instance_id: string;
}

export interface PersonTable extends FederatedColumns {
  id: Id;
  name: string;
  display_name: string | null;
  bio: string | null;
  avatar_url: string | null;
  banner_url: string | null;
  bot: DefaultFalse;
  inbox_url: string;
  shared_inbox_url: string | null;
  outbox_url: string | null;
  followers_url: string | null;
  public_key_pem: string | null;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
  last_fetched_at: NullableTimestamp;
  deleted: DefaultFalse;
  pronouns: Generated<string[]>;
  post_count: Counter;
  comment_count: Counter;
}

export interface LocalUserTable {
  person_id: string;
  password_hash: string;
  email: string | null;
  admin: DefaultFalse;
  created_at: CreatedAt;
  show_nsfw: DefaultFalse;
  blur_nsfw: Generated<boolean>;
  show_bot_accounts: Generated<boolean>;
  show_read_posts: Generated<boolean>;
  show_scores: Generated<boolean>;
  show_avatars: Generated<boolean>;
  open_links_in_new_tab: DefaultFalse;
  default_sort_type: Generated<string>;
  default_listing_type: Generated<string>;
  theme: Generated<string>;
  interface_language: Generated<string>;
  email_verified: DefaultFalse;
  accepted_application: Generated<boolean>;
}

export type RegistrationMode = "Open" | "RequireApplication" | "Closed";

export interface SiteTable {
  id: number;
  name: string;
  description: string | null;
  sidebar: string | null;
  icon_url: string | null;
  banner_url: string | null;
  legal_information: string | null;
  registration_mode: Generated<RegistrationMode>;
  application_question: string | null;
  enable_downvotes: Generated<boolean>;
  enable_nsfw: Generated<boolean>;
  community_creation_admin_only: DefaultFalse;
  default_sort_type: Generated<string>;
  default_listing_type: Generated<string>;
  hide_modlog_mod_names: Generated<boolean>;
  pronouns: string[];
  jwt_secret: string;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
}

export interface LoginTokenTable {
  token_hash: string;
  person_id: string;
  ip: string | null;
  user_agent: string | null;
  published_at: CreatedAt;
}

export interface RegistrationApplicationTable {
  id: Id;
  person_id: string;
  answer: string;
  admin_id: string | null;
  deny_reason: string | null;
  published_at: CreatedAt;
}

export interface CommunityTable extends FederatedColumns {
  id: Id;
  name: string;
  title: string;
  description: string | null;
  sidebar: string | null;
  icon_url: string | null;
  banner_url: string | null;
  nsfw: DefaultFalse;
  posting_restricted_to_mods: DefaultFalse;
  inbox_url: string;
  shared_inbox_url: string | null;
  outbox_url: string | null;
  followers_url: string | null;
  moderators_url: string | null;
  featured_url: string | null;
  public_key_pem: string | null;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
  last_fetched_at: NullableTimestamp;
  deleted: DefaultFalse;
  removed: DefaultFalse;
  visibility: Generated<string>;
  hidden: DefaultFalse;
  post_count: Counter;
  comment_count: Counter;
  /** Distinct people active in the last month, refreshed by the worker: the divisor of scaled_rank. */
  users_active_month: Counter;
}

export interface CommunityModeratorTable {
  community_id: string;
  person_id: string;
  created_at: CreatedAt;
}

export type FollowState = "pending" | "accepted";

export interface CommunityFollowTable {
  community_id: string;
  person_id: string;
  state: FollowState;
  follow_activity_id: string | null;
  created_at: CreatedAt;
  accepted_at: NullableTimestamp;
}

export interface PostTable extends FederatedColumns {
  id: Id;
  community_id: string;
  creator_id: string;
  title: string;
  url: string | null;
  body: string | null;
  nsfw: DefaultFalse;
  language_id: Generated<number>;
  embed_title: string | null;
  embed_description: string | null;
  thumbnail_url: string | null;
  embed_video_url: string | null;
  url_content_type: string | null;
  alt_text: string | null;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
  deleted: DefaultFalse;
  removed: DefaultFalse;
  locked: DefaultFalse;
  featured_community: DefaultFalse;
  featured_local: DefaultFalse;
  score: Counter;
  upvotes: Counter;
  downvotes: Counter;
  comment_count: Counter;
  newest_comment_at: NullableTimestamp;
  /** Announces by remote persons (Mastodon boosts); boosts table. */
  boost_count: Counter;
  hot_rank: Rank;
  hot_rank_active: Rank;
  scaled_rank: Rank;
  controversy_rank: Rank;
}

export interface CommentTable extends FederatedColumns {
  id: Id;
  post_id: string;
  creator_id: string;
  parent_id: string | null;
  path: string;
  body: string;
  language_id: Generated<number>;
  distinguished: DefaultFalse;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
  deleted: DefaultFalse;
  removed: DefaultFalse;
  score: Counter;
  upvotes: Counter;
  downvotes: Counter;
  child_count: Counter;
  /** Announces by remote persons (Mastodon boosts); boosts table. */
  boost_count: Counter;
  hot_rank: Rank;
  controversy_rank: Rank;
}

export interface BoostTable {
  id: Id;
  /** The Announce's id. */
  ap_id: string;
  person_id: string;
  post_id: string | null;
  comment_id: string | null;
  created_at: CreatedAt;
}

export interface PostVoteTable {
  post_id: string;
  person_id: string;
  score: -1 | 1;
  ap_id: string | null;
  created_at: CreatedAt;
}

export interface CommentVoteTable {
  comment_id: string;
  person_id: string;
  score: -1 | 1;
  ap_id: string | null;
  created_at: CreatedAt;
}

export type KeyAlgorithm = "RSASSA-PKCS1-v1_5" | "Ed25519";

export interface ActorKeyPairTable {
  id: Id;
  person_id: string | null;
  community_id: string | null;
  site_id: number | null;
  algorithm: KeyAlgorithm;
  /** JSON Web Key */
  public_key: ColumnType<JsonWebKey, string, string>;
  /** JSON Web Key */
  private_key: ColumnType<JsonWebKey, string, string>;
  created_at: CreatedAt;
}

export interface PostSaveTable {
  person_id: string;
  post_id: string;
  published_at: CreatedAt;
}

export interface CommentSaveTable {
  person_id: string;
  comment_id: string;
  published_at: CreatedAt;
}

/** A person's block of another person: their posts and comments leave the blocker's listings. */
export interface PersonBlockTable {
  person_id: string;
  target_id: string;
  published_at: CreatedAt;
}

/** A person's block of a community: its posts and comments leave the blocker's listings. */
export interface CommunityBlockTable {
  person_id: string;
  community_id: string;
  published_at: CreatedAt;
}

/** One of the site's taglines (Markdown), shown at random atop pages. */
export interface TaglineTable {
  id: Id;
  content: string;
  published_at: CreatedAt;
  updated_at: NullableTimestamp;
}

export type MegathreadScheduleKind = "daily" | "weekly" | "monthly" | "once";

/** A recurring (or one-off) pinned thread of a community (docs/architecture.md, "Megathreads"). */
export interface MegathreadSeriesTable {
  id: Id;
  community_id: string;
  creator_id: string;
  title_pattern: string;
  body_template: Generated<string>;
  schedule_kind: MegathreadScheduleKind;
  /** ISO weekday, 1 = Monday … 7 = Sunday (weekly). */
  weekday: number | null;
  /** 1-31 (monthly); shorter months use their last day. */
  month_day: number | null;
  /** Local date of a one-off thread, YYYY-MM-DD. */
  once_date: string | null;
  /** Local wall-clock time, HH:MM. */
  time_of_day: string;
  time_zone: string;
  pin_community: Generated<boolean>;
  pin_local: DefaultFalse;
  comments_sort_new: Generated<boolean>;
  lock_previous: DefaultFalse;
  active: Generated<boolean>;
  published_at: CreatedAt;
  updated_at: NullableTimestamp;
}

export type MegathreadSlotStatus = "open" | "reserved" | "refused" | "posted" | "missed";

/** One occurrence of a series: the scheduler's unit of work, and what members reserve. */
export interface MegathreadSlotTable {
  id: Id;
  series_id: string;
  occurs_at: Timestamp;
  status: Generated<MegathreadSlotStatus>;
  reserved_by: string | null;
  reserved_at: NullableTimestamp;
  assigned_by: string | null;
  title_suffix: string | null;
  body: string | null;
  post_id: string | null;
  sequence: number | null;
  posted_at: NullableTimestamp;
}

/** A site ban (moderation/bans.ts): no row, or an expired one, means not banned. */
export interface SiteBanTable {
  person_id: string;
  banned_by: string | null;
  reason: string | null;
  expires_at: NullableTimestamp;
  /** When the ban was set (or last changed). */
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A ban from one community, with the same expiry rule as site bans. */
export interface CommunityBanTable {
  community_id: string;
  person_id: string;
  banned_by: string | null;
  reason: string | null;
  expires_at: NullableTimestamp;
  /** When the ban was set (or last changed). */
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A report of a post, with a copy of the post as it was reported. */
export interface PostReportTable {
  id: Id;
  creator_id: string;
  post_id: string;
  original_post_name: string;
  original_post_url: string | null;
  original_post_body: string | null;
  reason: string;
  resolved: DefaultFalse;
  resolver_id: string | null;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
}

/** A report of a comment, with a copy of the comment as it was reported. */
export interface CommentReportTable {
  id: Id;
  creator_id: string;
  comment_id: string;
  original_comment_text: string;
  reason: string;
  resolved: DefaultFalse;
  resolver_id: string | null;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: NullableTimestamp;
}

/** Lemmy's ModlogActionType names (except All and ModHideCommunity): one per kind of logged action. */
export type ModlogAction =
  | "ModRemovePost"
  | "ModLockPost"
  | "ModFeaturePost"
  | "ModRemoveComment"
  | "ModRemoveCommunity"
  | "ModBanFromCommunity"
  | "ModAddCommunity"
  | "ModTransferCommunity"
  | "ModAdd"
  | "ModBan"
  | "AdminPurgePerson"
  | "AdminPurgeCommunity"
  | "AdminPurgePost"
  | "AdminPurgeComment";

/** One moderator or admin action (moderation/modlog.ts). */
export interface ModlogTable {
  id: Id;
  action: ModlogAction;
  mod_person_id: string | null;
  other_person_id: string | null;
  community_id: string | null;
  post_id: string | null;
  comment_id: string | null;
  reason: string | null;
  expires_at: NullableTimestamp;
  /** The state the action set (removed, locked, featured, banned, added); false when it undid it. */
  state: Generated<boolean>;
  /** ModFeaturePost: pinned in its community (true) or on the front page (false). */
  featured_community: boolean | null;
  published_at: CreatedAt;
}

export type FederationListKind = "allowed" | "blocked";

/** An instance on the allow list or the block list (editSite's allowed_instances / blocked_instances). */
export interface FederationListTable {
  instance_id: string;
  list: FederationListKind;
  published_at: CreatedAt;
}

/** What deliveries to one receiving server (inbox host with port) have met, and whether it is dead. */
export interface DeliveryHealthTable {
  host: string;
  last_success_at: NullableTimestamp;
  last_failure_at: NullableTimestamp;
  last_error: string | null;
  /** Start of the current run of failures; null after a success. */
  failing_since: NullableTimestamp;
  consecutive_failures: Counter;
  /** bigint counters come back from pg as strings. */
  total_successes: ColumnType<string, string | number | undefined, string | number>;
  total_failures: ColumnType<string, string | number | undefined, string | number>;
  skipped_deliveries: ColumnType<string, string | number | undefined, string | number>;
  dead_since: NullableTimestamp;
  next_probe_at: NullableTimestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Ids of activities applied from other servers (inbound deduplication). */
export interface ReceivedActivityTable {
  ap_id: string;
  received_at: CreatedAt;
}

/** Public activities this instance sent, served at their ids until the retention ends. */
export interface SentActivityTable {
  ap_id: string;
  /** The activity as delivered (@context included); written as JSON text. */
  activity: ColumnType<Record<string, unknown>, string, string>;
  sent_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Ids of remote objects deleted before they arrived here; a late Create for one is refused. */
export interface TombstoneTable {
  ap_id: string;
  /** The actor whose Delete left it. */
  deleted_by: string;
  deleted_at: CreatedAt;
}

export interface FedifyKvTable {
  key: string[];
  value: ColumnType<unknown, string, string>;
  expires_at: Timestamp | null;
}

export interface QueueMessageTable {
  id: Id;
  queue: string;
  message: ColumnType<unknown, string, string>;
  ordering_key: string | null;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_until: NullableTimestamp;
  attempts: Counter;
  last_error: string | null;
  created_at: CreatedAt;
}

export interface Database {
  instances: InstanceTable;
  persons: PersonTable;
  local_users: LocalUserTable;
  communities: CommunityTable;
  community_moderators: CommunityModeratorTable;
  community_follows: CommunityFollowTable;
  posts: PostTable;
  comments: CommentTable;
  post_votes: PostVoteTable;
  comment_votes: CommentVoteTable;
  boosts: BoostTable;
  actor_key_pairs: ActorKeyPairTable;
  site: SiteTable;
  login_tokens: LoginTokenTable;
  registration_applications: RegistrationApplicationTable;
  post_saves: PostSaveTable;
  comment_saves: CommentSaveTable;
  person_blocks: PersonBlockTable;
  community_blocks: CommunityBlockTable;
  taglines: TaglineTable;
  received_activities: ReceivedActivityTable;
  sent_activities: SentActivityTable;
  tombstones: TombstoneTable;
  fedify_kv: FedifyKvTable;
  queue_messages: QueueMessageTable;
  megathread_series: MegathreadSeriesTable;
  megathread_slots: MegathreadSlotTable;
  site_bans: SiteBanTable;
  community_bans: CommunityBanTable;
  post_reports: PostReportTable;
  comment_reports: CommentReportTable;
  modlog: ModlogTable;
  federation_lists: FederationListTable;
  delivery_health: DeliveryHealthTable;
}

export type InstanceRow = Selectable<InstanceTable>;
export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type LocalUserRow = Selectable<LocalUserTable>;
export type CommunityRow = Selectable<CommunityTable>;
export type NewCommunity = Insertable<CommunityTable>;
export type CommunityUpdate = Updateable<CommunityTable>;
export type CommunityFollowRow = Selectable<CommunityFollowTable>;
export type ActorKeyPairRow = Selectable<ActorKeyPairTable>;
export type SiteRow = Selectable<SiteTable>;
export type SiteUpdate = Updateable<SiteTable>;
export type LocalUserUpdate = Updateable<LocalUserTable>;
export type PostRow = Selectable<PostTable>;
export type NewPost = Insertable<PostTable>;
export type PostUpdate = Updateable<PostTable>;
export type CommentRow = Selectable<CommentTable>;
export type NewComment = Insertable<CommentTable>;
export type CommentUpdate = Updateable<CommentTable>;
export type TaglineRow = Selectable<TaglineTable>;
export type RegistrationApplicationRow = Selectable<RegistrationApplicationTable>;
export type MegathreadSeriesRow = Selectable<MegathreadSeriesTable>;
export type MegathreadSlotRow = Selectable<MegathreadSlotTable>;
export type SiteBanRow = Selectable<SiteBanTable>;
export type CommunityBanRow = Selectable<CommunityBanTable>;
export type PostReportRow = Selectable<PostReportTable>;
export type CommentReportRow = Selectable<CommentReportTable>;
export type ModlogRow = Selectable<ModlogTable>;
export type NewModlogEntry = Insertable<ModlogTable>;
