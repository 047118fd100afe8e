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

export interface InstanceTable {
  id: Id;
  host: string;
  software: string | null;
  software_version: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
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
  actor_key_pairs: ActorKeyPairTable;
  site: SiteTable;
  login_tokens: LoginTokenTable;
  registration_applications: RegistrationApplicationTable;
  post_saves: PostSaveTable;
  comment_saves: CommentSaveTable;
  fedify_kv: FedifyKvTable;
  queue_messages: QueueMessageTable;
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
export type RegistrationApplicationRow = Selectable<RegistrationApplicationTable>;
