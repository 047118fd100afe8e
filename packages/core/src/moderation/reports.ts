// Reports: members flag a post or a comment with a reason; the community's moderators see them
// in their queue (admins see every community's), resolve them and reopen them. A report keeps a
// copy of what was reported. Reporters are shown to moderators and admins only: the reported
// person has no way to list reports, and nothing tells them about one.
import { type ExpressionBuilder, sql } from "kysely";
import type { LocalAccount } from "../accounts/account.service.ts";
import { findCommentById } from "../comments/comment.repository.ts";
import { findCommunityById } from "../communities/community.repository.ts";
import { canModerate } from "../communities/community.service.ts";
import {
  COMMENT_COLUMNS,
  COMMUNITY_COLUMNS,
  PERSON_COLUMNS,
  POST_COLUMNS,
  prefixedColumns,
  rowFrom,
} from "../db/columns.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type {
  CommentReportRow,
  CommentRow,
  CommunityRow,
  Database,
  FollowState,
  PersonRow,
  PostReportRow,
  PostRow,
} from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { findPostById } from "../posts/post.repository.ts";
import { err, ok, type Result } from "../result.ts";
import { type BanError, checkBan } from "./bans.ts";

/** Longest report reason, in characters (Lemmy's limit). */
export const MAX_REPORT_REASON_LENGTH = 1000;

export type ReportReasonError = { type: "report_reason_required" } | { type: "report_too_long" };

export function checkReason(reason: string): ReportReasonError | null {
  const trimmed = reason.trim();
  if (trimmed === "") return { type: "report_reason_required" };
  if ([...trimmed].length > MAX_REPORT_REASON_LENGTH) return { type: "report_too_long" };
  return null;
}

/**
 * A member reports a post. Reporting the same post again replaces the reason and reopens the
 * report (one report per reporter and post). Banned persons cannot report where they are banned.
 */
export async function createPostReport(
  db: Db,
  actor: LocalAccount,
  input: { postId: string; reason: string },
): Promise<Result<PostReportRow, ReportReasonError | BanError | { type: "couldnt_find_post" }>> {
  const problem = checkReason(input.reason);
  if (problem) return err(problem);
  const post = await findPostById(db, input.postId);
  if (!post) return err({ type: "couldnt_find_post" });
  const ban = await checkBan(db, actor.person.id, { communityId: post.community_id });
  if (ban) return err(ban);
  const report = await db.transaction().execute(async (trx) => {
    const written = await writePostReport(trx, { reporterId: actor.person.id, post, reason: input.reason });
    await recordReportEvent(trx, post.community_id, actor.person.id, {
      target: "post",
      itemId: post.id,
      reason: written.reason,
    });
    return written;
  });
  eventsCommitted();
  return ok(report);
}

/**
 * Files (or reopens) a person's report about a post with a copy of what it said; for local
 * members and for reports received from other servers (Flag).
 */
export async function writePostReport(
  db: DbLike,
  input: { reporterId: string; post: PostRow; reason: string },
): Promise<PostReportRow> {
  const { post } = input;
  const snapshot = {
    original_post_name: post.title,
    original_post_url: post.url,
    original_post_body: post.body,
    reason: input.reason.trim(),
  };
  return db
    .insertInto("post_reports")
    .values({ creator_id: input.reporterId, post_id: post.id, ...snapshot })
    .onConflict((oc) =>
      oc
        .columns(["post_id", "creator_id"])
        .doUpdateSet({ ...snapshot, resolved: false, resolver_id: null, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A report about something in a remote community goes to that community (Flag); reports in
 *  local communities stay here. */
async function recordReportEvent(
  db: DbLike,
  communityId: string,
  reporterId: string,
  report: { target: "post" | "comment"; itemId: string; reason: string },
): Promise<void> {
  const community = await findCommunityById(db, communityId);
  if (!community || community.local) return;
  await recordEvent(db, {
    type: "moderation_action",
    communityId,
    actorId: reporterId,
    action: { kind: "report", ...report },
  });
}

/** A member reports a comment; as createPostReport. */
export async function createCommentReport(
  db: Db,
  actor: LocalAccount,
  input: { commentId: string; reason: string },
): Promise<Result<CommentReportRow, ReportReasonError | BanError | { type: "couldnt_find_comment" }>> {
  const problem = checkReason(input.reason);
  if (problem) return err(problem);
  const comment = await findCommentById(db, input.commentId);
  if (!comment) return err({ type: "couldnt_find_comment" });
  const ban = await checkBan(db, actor.person.id, { postId: comment.post_id });
  if (ban) return err(ban);
  const post = await findPostById(db, comment.post_id);
  if (!post) return err({ type: "couldnt_find_comment" });
  const report = await db.transaction().execute(async (trx) => {
    const written = await writeCommentReport(trx, { reporterId: actor.person.id, comment, reason: input.reason });
    await recordReportEvent(trx, post.community_id, actor.person.id, {
      target: "comment",
      itemId: comment.id,
      reason: written.reason,
    });
    return written;
  });
  eventsCommitted();
  return ok(report);
}

/** As writePostReport, for a comment. */
export async function writeCommentReport(
  db: DbLike,
  input: { reporterId: string; comment: CommentRow; reason: string },
): Promise<CommentReportRow> {
  const snapshot = { original_comment_text: input.comment.body, reason: input.reason.trim() };
  return db
    .insertInto("comment_reports")
    .values({ creator_id: input.reporterId, comment_id: input.comment.id, ...snapshot })
    .onConflict((oc) =>
      oc
        .columns(["comment_id", "creator_id"])
        .doUpdateSet({ ...snapshot, resolved: false, resolver_id: null, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

type NotAllowed = { type: "not_a_mod_or_admin" };

/** A moderator of the reported item's community, or an admin, resolves a report or reopens it. */
export async function resolvePostReport(
  db: Db,
  actor: LocalAccount,
  input: { reportId: string; resolved: boolean },
): Promise<Result<PostReportRow, { type: "couldnt_find_post_report" } | NotAllowed>> {
  const found = await db
    .selectFrom("post_reports as r")
    .innerJoin("posts as p", "p.id", "r.post_id")
    .where("r.id", "=", input.reportId)
    .select("p.community_id")
    .executeTakeFirst();
  if (!found) return err({ type: "couldnt_find_post_report" });
  if (!(await canModerate(db, actor, found.community_id))) return err({ type: "not_a_mod_or_admin" });
  const report = await db.transaction().execute(async (trx) => {
    const written = await trx
      .updateTable("post_reports")
      .set({ resolved: input.resolved, resolver_id: actor.person.id, updated_at: new Date() })
      .where("id", "=", input.reportId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.resolved) {
      await recordResolutionEvent(trx, found.community_id, actor.person.id, {
        target: "post",
        itemId: written.post_id,
        reporterId: written.creator_id,
      });
    }
    return written;
  });
  eventsCommitted();
  return ok(report);
}

/** A resolution may concern a reporter on another server, whom the bridge tells (Resolve). */
async function recordResolutionEvent(
  db: DbLike,
  communityId: string,
  resolverId: string,
  report: { target: "post" | "comment"; itemId: string; reporterId: string },
): Promise<void> {
  await recordEvent(db, {
    type: "moderation_action",
    communityId,
    actorId: resolverId,
    action: { kind: "resolve_report", ...report },
  });
}

/** As resolvePostReport, for a comment's report. */
export async function resolveCommentReport(
  db: Db,
  actor: LocalAccount,
  input: { reportId: string; resolved: boolean },
): Promise<Result<CommentReportRow, { type: "couldnt_find_comment_report" } | NotAllowed>> {
  const found = await db
    .selectFrom("comment_reports as r")
    .innerJoin("comments as c", "c.id", "r.comment_id")
    .innerJoin("posts as p", "p.id", "c.post_id")
    .where("r.id", "=", input.reportId)
    .select("p.community_id")
    .executeTakeFirst();
  if (!found) return err({ type: "couldnt_find_comment_report" });
  if (!(await canModerate(db, actor, found.community_id))) return err({ type: "not_a_mod_or_admin" });
  const report = await db.transaction().execute(async (trx) => {
    const written = await trx
      .updateTable("comment_reports")
      .set({ resolved: input.resolved, resolver_id: actor.person.id, updated_at: new Date() })
      .where("id", "=", input.reportId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.resolved) {
      await recordResolutionEvent(trx, found.community_id, actor.person.id, {
        target: "comment",
        itemId: written.comment_id,
        reporterId: written.creator_id,
      });
    }
    return written;
  });
  eventsCommitted();
  return ok(report);
}

// ---- The queue ----

export interface ReportListQuery {
  /** One community's reports (its moderators and admins only); otherwise every report the reader may see. */
  communityId?: string;
  postId?: string;
  commentId?: string;
  unresolvedOnly: boolean;
  page: number;
  limit: number;
}

/** Per-reader marks on the reported item, as Lemmy's report views carry them. */
interface ReaderMarks {
  subscribed: FollowState | null;
  saved: boolean;
  myVote: 1 | -1 | null;
  creatorBlocked: boolean;
}

export interface PostReportView extends ReaderMarks {
  report: PostReportRow;
  post: PostRow;
  community: CommunityRow;
  /** Who reported. */
  creator: PersonRow;
  postCreator: PersonRow;
  resolver: PersonRow | null;
  creatorIsModerator: boolean;
  creatorIsAdmin: boolean;
  /** Whether the post's creator is banned from the community now. */
  creatorBannedFromCommunity: boolean;
}

export interface CommentReportView extends ReaderMarks {
  report: CommentReportRow;
  comment: CommentRow;
  post: PostRow;
  community: CommunityRow;
  creator: PersonRow;
  commentCreator: PersonRow;
  resolver: PersonRow | null;
  creatorIsModerator: boolean;
  creatorIsAdmin: boolean;
  creatorBannedFromCommunity: boolean;
}

type QueueScope = { all: true } | { all: false; communityIds: readonly string[] | "moderated" };

/**
 * Which reports the reader may list: admins every community's, moderators those of communities
 * they moderate; with a community given, that community's if the reader may moderate it.
 */
async function queueScope(
  db: DbLike,
  reader: LocalAccount,
  communityId: string | undefined,
): Promise<Result<QueueScope, NotAllowed>> {
  if (communityId !== undefined) {
    if (!(await canModerate(db, reader, communityId))) return err({ type: "not_a_mod_or_admin" });
    return ok({ all: false, communityIds: [communityId] });
  }
  return ok(reader.localUser.admin ? { all: true } : { all: false, communityIds: "moderated" });
}

function inScope(scope: QueueScope, readerId: string) {
  return (eb: ExpressionBuilder<Database & { p: Database["posts"] }, "p">) => {
    if (scope.all) return eb.val(true);
    if (scope.communityIds === "moderated") {
      return eb(
        "p.community_id",
        "in",
        eb.selectFrom("community_moderators as qm").select("qm.community_id").where("qm.person_id", "=", readerId),
      );
    }
    return eb("p.community_id", "in", scope.communityIds.length > 0 ? [...scope.communityIds] : ["0"]);
  };
}

/** Selections shared by both queues: who created the item (column `creator`), and the reader's marks. */
function itemMarks(readerId: string, item: "post" | "comment") {
  const creatorRef = item === "post" ? sql.ref("p.creator_id") : sql.ref("c.creator_id");
  return [
    sql<boolean>`exists (select 1 from community_moderators m where m.community_id = p.community_id and m.person_id = ${creatorRef})`.as(
      "creator_is_moderator",
    ),
    sql<boolean>`exists (select 1 from local_users u where u.person_id = ${creatorRef} and u.admin)`.as(
      "creator_is_admin",
    ),
    sql<boolean>`exists (select 1 from community_bans b where b.community_id = p.community_id and b.person_id = ${creatorRef}
      and (b.expires_at is null or b.expires_at > now()))`.as("creator_banned"),
    sql<FollowState | null>`(select f.state from community_follows f where f.community_id = p.community_id and f.person_id = ${readerId})`.as(
      "follow_state",
    ),
    sql<boolean>`exists (select 1 from person_blocks pb where pb.person_id = ${readerId} and pb.target_id = ${creatorRef})`.as(
      "creator_blocked",
    ),
    item === "post"
      ? sql<boolean>`exists (select 1 from post_saves s where s.post_id = p.id and s.person_id = ${readerId})`.as(
          "saved",
        )
      : sql<boolean>`exists (select 1 from comment_saves s where s.comment_id = c.id and s.person_id = ${readerId})`.as(
          "saved",
        ),
    item === "post"
      ? sql<number | null>`(select v.score from post_votes v where v.post_id = p.id and v.person_id = ${readerId})`.as(
          "my_vote",
        )
      : sql<
          number | null
        >`(select v.score from comment_votes v where v.comment_id = c.id and v.person_id = ${readerId})`.as("my_vote"),
  ];
}

type MarksRow = {
  creator_is_moderator: boolean;
  creator_is_admin: boolean;
  creator_banned: boolean;
  follow_state: FollowState | null;
  creator_blocked: boolean;
  saved: boolean;
  my_vote: number | null;
};

function marksOf(row: MarksRow): ReaderMarks & {
  creatorIsModerator: boolean;
  creatorIsAdmin: boolean;
  creatorBannedFromCommunity: boolean;
} {
  return {
    creatorIsModerator: row.creator_is_moderator,
    creatorIsAdmin: row.creator_is_admin,
    creatorBannedFromCommunity: row.creator_banned,
    subscribed: row.follow_state,
    creatorBlocked: row.creator_blocked,
    saved: row.saved,
    myVote: row.my_vote === 1 || row.my_vote === -1 ? row.my_vote : null,
  };
}

const REPORT_POST_COLUMNS = [
  "id",
  "creator_id",
  "post_id",
  "original_post_name",
  "original_post_url",
  "original_post_body",
  "reason",
  "resolved",
  "resolver_id",
  "published_at",
  "updated_at",
] as const satisfies readonly (keyof PostReportRow)[];

const REPORT_COMMENT_COLUMNS = [
  "id",
  "creator_id",
  "comment_id",
  "original_comment_text",
  "reason",
  "resolved",
  "resolver_id",
  "published_at",
  "updated_at",
] as const satisfies readonly (keyof CommentReportRow)[];

/** A resolver's columns come back all null when there is none. */
function optionalPerson(row: Record<string, unknown>, prefix: string): PersonRow | null {
  return row[`${prefix}__id`] === null ? null : rowFrom<PersonRow>(row, prefix, PERSON_COLUMNS);
}

/** Post reports the reader may see, open ones first, then newest first. */
export async function listPostReports(
  db: DbLike,
  reader: LocalAccount,
  query: ReportListQuery,
): Promise<Result<PostReportView[], NotAllowed>> {
  const scope = await queueScope(db, reader, query.communityId);
  if (!scope.ok) return scope;
  return ok(await postReportViews(db, reader.person.id, scope.value, query));
}

/** One post report as the reader sees it (whoever they are: callers decide who may). */
export async function getPostReportView(
  db: DbLike,
  readerId: string,
  reportId: string,
): Promise<PostReportView | undefined> {
  const [view] = await postReportViews(
    db,
    readerId,
    { all: true },
    { reportId, unresolvedOnly: false, page: 1, limit: 1 },
  );
  return view;
}

async function postReportViews(
  db: DbLike,
  readerId: string,
  scope: QueueScope,
  query: Omit<ReportListQuery, "communityId"> & { reportId?: string },
): Promise<PostReportView[]> {
  const rows = await db
    .selectFrom("post_reports as r")
    .innerJoin("posts as p", "p.id", "r.post_id")
    .innerJoin("communities as co", "co.id", "p.community_id")
    .innerJoin("persons as rc", "rc.id", "r.creator_id")
    .innerJoin("persons as pc", "pc.id", "p.creator_id")
    .leftJoin("persons as rv", "rv.id", "r.resolver_id")
    .where(inScope(scope, readerId))
    .$if(query.reportId !== undefined, (qb) => qb.where("r.id", "=", query.reportId ?? "0"))
    .$if(query.unresolvedOnly, (qb) => qb.where("r.resolved", "=", false))
    .$if(query.postId !== undefined, (qb) => qb.where("r.post_id", "=", query.postId ?? "0"))
    .select(prefixedColumns("r", "r", REPORT_POST_COLUMNS))
    .select(prefixedColumns("p", "p", POST_COLUMNS))
    .select(prefixedColumns("co", "co", COMMUNITY_COLUMNS))
    .select(prefixedColumns("rc", "rc", PERSON_COLUMNS))
    .select(prefixedColumns("pc", "pc", PERSON_COLUMNS))
    .select(prefixedColumns("rv", "rv", PERSON_COLUMNS))
    .select(itemMarks(readerId, "post"))
    .orderBy("r.resolved", "asc")
    .orderBy("r.published_at", "desc")
    .orderBy("r.id", "desc")
    .limit(query.limit)
    .offset((query.page - 1) * query.limit)
    .execute();
  return rows.map((raw) => {
    const row = raw as Record<string, unknown> & MarksRow;
    return {
      report: rowFrom<PostReportRow>(row, "r", REPORT_POST_COLUMNS),
      post: rowFrom<PostRow>(row, "p", POST_COLUMNS),
      community: rowFrom<CommunityRow>(row, "co", COMMUNITY_COLUMNS),
      creator: rowFrom<PersonRow>(row, "rc", PERSON_COLUMNS),
      postCreator: rowFrom<PersonRow>(row, "pc", PERSON_COLUMNS),
      resolver: optionalPerson(row, "rv"),
      ...marksOf(row),
    };
  });
}

/** Comment reports the reader may see, open ones first, then newest first. */
export async function listCommentReports(
  db: DbLike,
  reader: LocalAccount,
  query: ReportListQuery,
): Promise<Result<CommentReportView[], NotAllowed>> {
  const scope = await queueScope(db, reader, query.communityId);
  if (!scope.ok) return scope;
  return ok(await commentReportViews(db, reader.person.id, scope.value, query));
}

/** One comment report as the reader sees it (whoever they are: callers decide who may). */
export async function getCommentReportView(
  db: DbLike,
  readerId: string,
  reportId: string,
): Promise<CommentReportView | undefined> {
  const [view] = await commentReportViews(
    db,
    readerId,
    { all: true },
    { reportId, unresolvedOnly: false, page: 1, limit: 1 },
  );
  return view;
}

async function commentReportViews(
  db: DbLike,
  readerId: string,
  scope: QueueScope,
  query: Omit<ReportListQuery, "communityId"> & { reportId?: string },
): Promise<CommentReportView[]> {
  const rows = await db
    .selectFrom("comment_reports as r")
    .innerJoin("comments as c", "c.id", "r.comment_id")
    .innerJoin("posts as p", "p.id", "c.post_id")
    .innerJoin("communities as co", "co.id", "p.community_id")
    .innerJoin("persons as rc", "rc.id", "r.creator_id")
    .innerJoin("persons as cc", "cc.id", "c.creator_id")
    .leftJoin("persons as rv", "rv.id", "r.resolver_id")
    .where(inScope(scope, readerId))
    .$if(query.reportId !== undefined, (qb) => qb.where("r.id", "=", query.reportId ?? "0"))
    .$if(query.unresolvedOnly, (qb) => qb.where("r.resolved", "=", false))
    .$if(query.commentId !== undefined, (qb) => qb.where("r.comment_id", "=", query.commentId ?? "0"))
    .$if(query.postId !== undefined, (qb) => qb.where("c.post_id", "=", query.postId ?? "0"))
    .select(prefixedColumns("r", "r", REPORT_COMMENT_COLUMNS))
    .select(prefixedColumns("c", "c", COMMENT_COLUMNS))
    .select(prefixedColumns("p", "p", POST_COLUMNS))
    .select(prefixedColumns("co", "co", COMMUNITY_COLUMNS))
    .select(prefixedColumns("rc", "rc", PERSON_COLUMNS))
    .select(prefixedColumns("cc", "cc", PERSON_COLUMNS))
    .select(prefixedColumns("rv", "rv", PERSON_COLUMNS))
    .select(itemMarks(readerId, "comment"))
    .orderBy("r.resolved", "asc")
    .orderBy("r.published_at", "desc")
    .orderBy("r.id", "desc")
    .limit(query.limit)
    .offset((query.page - 1) * query.limit)
    .execute();
  return rows.map((raw) => {
    const row = raw as Record<string, unknown> & MarksRow;
    return {
      report: rowFrom<CommentReportRow>(row, "r", REPORT_COMMENT_COLUMNS),
      comment: rowFrom<CommentRow>(row, "c", COMMENT_COLUMNS),
      post: rowFrom<PostRow>(row, "p", POST_COLUMNS),
      community: rowFrom<CommunityRow>(row, "co", COMMUNITY_COLUMNS),
      creator: rowFrom<PersonRow>(row, "rc", PERSON_COLUMNS),
      commentCreator: rowFrom<PersonRow>(row, "cc", PERSON_COLUMNS),
      resolver: optionalPerson(row, "rv"),
      ...marksOf(row),
    };
  });
}

/**
 * Open reports the reader may see (getReportCount): all for admins, their communities' for
 * moderators, none for everyone else; with a community given, that community's (moderators of it
 * and admins only).
 */
export async function countOpenReports(
  db: DbLike,
  reader: LocalAccount,
  communityId?: string,
): Promise<Result<{ postReports: number; commentReports: number }, NotAllowed>> {
  const scope = await queueScope(db, reader, communityId);
  if (!scope.ok) return scope;
  const readerId = reader.person.id;
  const [posts, comments] = await Promise.all([
    db
      .selectFrom("post_reports as r")
      .innerJoin("posts as p", "p.id", "r.post_id")
      .where("r.resolved", "=", false)
      .where(inScope(scope.value, readerId))
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("comment_reports as r")
      .innerJoin("comments as c", "c.id", "r.comment_id")
      .innerJoin("posts as p", "p.id", "c.post_id")
      .where("r.resolved", "=", false)
      .where(inScope(scope.value, readerId))
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return ok({ postReports: Number(posts.n), commentReports: Number(comments.n) });
}

/** Whether the reader moderates any community (or is an admin): who gets the queue's link. */
export async function moderatesAnything(db: DbLike, reader: LocalAccount): Promise<boolean> {
  if (reader.localUser.admin) return true;
  const row = await db
    .selectFrom("community_moderators")
    .select("community_id")
    .where("person_id", "=", reader.person.id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
