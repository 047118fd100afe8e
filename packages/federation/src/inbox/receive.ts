// Applying inbound activities about posts, comments and votes. Fedify has already verified the
// HTTP signature and that the signer is the activity's actor; everything else is checked here,
// before any side effect (federation-wire-formats.md §2.4-§2.9, §4):
//
//   parse (parse.ts) → signer = actor → already applied? (received_activities)
//     ├─ Announce from a remote community we follow → the inner activity, vouched for by it
//     └─ otherwise → the activity itself
//   apply: ids on the actor's host, the actor is the author, the community is derived from the
//   object (to/cc for posts, the inReplyTo chain for comments, the target for votes), `audience`
//   agrees with it, it is local or followed from here, the content is public
//   → core services (idempotent) → remember the id; a local community announces it onward.
//   Moderation (a Delete of someone else's content, Lock, Add/Remove, Block, Flag, Resolve,
//   Update of a Group) is checked and applied in moderation.ts.
//
// Bad input is never thrown: it ends in a `rejected` outcome with a reason, which the listener
// logs at debug level. Only transient faults (the database) throw, and Fedify retries those.
import {
  addTombstone,
  type CommentRow,
  type CommunityRow,
  castVote,
  checkBan,
  completeInboundActivity,
  type Db,
  findCommentByApId,
  findCommunityByApId,
  findCommunityById,
  findPersonByApId,
  findPersonById,
  findPostByApId,
  findPostById,
  findVoteByApId,
  getSite,
  hasLocalFollowers,
  hasVote,
  hostOf,
  htmlToMarkdown,
  htmlToText,
  instanceAllowed,
  languageByCode,
  MAX_COMMENT_DEPTH,
  normalizeTitle,
  type PersonRow,
  type PostRow,
  parseHttpUrl,
  setRemoteCommentDeleted,
  setRemotePostDeleted,
  UNDETERMINED_LANGUAGE_ID,
  upsertRemoteComment,
  upsertRemotePost,
  wasActivityReceived,
} from "@plenum/core";
import type { Json } from "../objects.ts";
import { bodyAfterTitleLine, receiveBoost, reusableIds, undoBoost } from "./microblog.ts";
import { applyModeration, applyModerationUndo, applyRemoval } from "./moderation.ts";
import {
  AS_PUBLIC_IRIS,
  type ParsedActivity,
  type ParsedComment,
  type ParsedObject,
  type ParsedPost,
  POST_OBJECT_TYPES,
  parseActivity,
  parseObject,
} from "./parse.ts";

/** What the pipeline needs from the network; Fedify-backed in production (listeners.ts). */
export interface Remote {
  /** A remote person: stored and fresh, else fetched and stored; null if unavailable or not a person. */
  person(id: string): Promise<PersonRow | null>;
  /** A remote ActivityPub document, fetched with the loader's bounds; null if unavailable or if
   *  its id is not the URL asked for. */
  fetch(id: string): Promise<Json | null>;
  /** A remote community, fetched and stored; null if unavailable. Used only when a local person
   *  looks something up (takeInObject), never for inbox activities. */
  community?(id: string): Promise<CommunityRow | null>;
}

export interface ReceiveEnv {
  db: Db;
  /** Our origin: objects and actors here are never taken from the network. */
  origin: string;
  remote: Remote;
}

export type Outcome =
  | { status: "applied"; effect: string; communityId: string | null }
  | { status: "duplicate" }
  | { status: "rejected"; reason: string };

type Applied = { status: "applied"; effect: string; community: CommunityRow | null };
export type Rejected = { status: "rejected"; reason: string };
export type Step = Applied | Rejected;

export const rejected = (reason: string): Rejected => ({ status: "rejected", reason });
export const applied = (effect: string, community: CommunityRow | null): Applied => ({
  status: "applied",
  effect,
  community,
});

/** Milliseconds one activity may spend fetching unknown ancestors of a reply (each fetch also
 *  has the loader's own 10 s limit): a hostile server cannot hold a worker for long. */
export const FETCH_BUDGET_MS = 60_000;

/** Per-activity state: the fetch deadline, and whether a local person asked for the object. */
export interface Run {
  env: ReceiveEnv;
  deadline: number;
  /**
   * A local person looked the object up (resolve_object): its community is fetched if unknown
   * and need not be followed yet, as on Lemmy. Inbox activities are never explicit.
   */
  explicit: boolean;
}

export const sameHost = (a: string, b: string) => hostOf(a) === hostOf(b);

function isOwn(run: Run, url: string): boolean {
  return new URL(url).origin === new URL(run.env.origin).origin;
}

function isPublic(object: { to: string[]; cc: string[] }): boolean {
  return [...object.to, ...object.cc].some((id) => AS_PUBLIC_IRIS.has(id));
}

async function fetchWithinBudget(run: Run, url: string): Promise<Json | null | "over_budget"> {
  if (Date.now() > run.deadline) return "over_budget";
  // Nothing is fetched from a blocked (or, with an allow list, unlisted) instance.
  if (!(await instanceAllowed(run.env.db, hostOf(url)))) return null;
  return run.env.remote.fetch(url);
}

/**
 * Applies one inbound activity (JSON as received) whose HTTP signature `signer` Fedify verified.
 * Safe to call again with the same activity: the second time it is a duplicate.
 */
export async function receiveActivity(env: ReceiveEnv, json: unknown, source: { signer: string }): Promise<Outcome> {
  const parsed = parseActivity(json);
  if (!parsed.ok) return rejected(parsed.reason);
  const activity = parsed.value;
  if (activity.actor !== source.signer) return rejected("signer_is_not_actor");
  if (!(await instanceAllowed(env.db, hostOf(activity.actor)))) return rejected("instance_not_allowed");
  // Follow, and Undo of one, have their own listeners (follow.ts).
  if (activity.type === "Follow") return rejected("follow_has_its_own_listener");
  if (await wasActivityReceived(env.db, activity.id)) return { status: "duplicate" };
  const run: Run = { env, deadline: Date.now() + FETCH_BUDGET_MS, explicit: false };
  if (activity.type === "Announce") return receiveAnnounce(run, activity);
  const step = await apply(run, activity, null);
  if (step.status === "rejected") return step;
  const community = step.community;
  // A local community announces what it accepted from elsewhere (FEP-1b12), verbatim.
  const relay = community?.local ? { communityId: community.id, activity: activity.raw } : undefined;
  await completeInboundActivity(env.db, { ids: [activity.id], relay, reusable: reusableIds(activity, step.effect) });
  return { status: "applied", effect: step.effect, communityId: community?.id ?? null };
}

/** An Announce by a remote community we follow: apply what it wraps, on its word. */
async function receiveAnnounce(run: Run, announce: Extract<ParsedActivity, { type: "Announce" }>): Promise<Outcome> {
  const { db } = run.env;
  if (!sameHost(announce.id, announce.actor)) return rejected("activity_host_mismatch");
  const community = await findCommunityByApId(db, announce.actor);
  // An Announce by a person is a boost (microblog.ts).
  if (!community) return receiveBoost(run.env, announce);
  if (community.local) return rejected("announcer_is_not_a_remote_community");
  if (!(await hasLocalFollowers(db, community.id))) return rejected("community_not_followed");
  let inner = announce.object;
  if (typeof inner === "string") {
    // Announce of a URL (PeerTube, Mastodon): fetch it; never trust it without.
    if (isOwn(run, inner)) return rejected("own_activity");
    const fetched = await fetchWithinBudget(run, inner);
    if (fetched === null || fetched === "over_budget") return rejected("announced_object_unavailable");
    const type = typeof fetched.type === "string" ? fetched.type : "";
    const reparsed = POST_OBJECT_TYPES.has(type) ? parseObject(fetched) : parseActivity(fetched, 1);
    if (!reparsed.ok) return rejected(`announced_${reparsed.reason}`);
    if (reparsed.value.id !== inner) return rejected("announced_object_id_mismatch");
    if ("kind" in reparsed.value && reparsed.value.kind === "comment") return rejected("announced_object_is_a_comment");
    inner = reparsed.value as ParsedActivity | ParsedPost;
  }
  let step: Step;
  const ids = [announce.id];
  if ("kind" in inner) {
    // Announce(Page), Lemmy's second announce of a post: take the post in if it is new.
    if (isOwn(run, inner.id)) return rejected("own_object");
    if (!sameHost(inner.author, inner.id)) return rejected("author_host_mismatch");
    if (!(await instanceAllowed(db, hostOf(inner.author)))) return rejected("instance_not_allowed");
    step = await ingestPost(run, inner, { announcer: community, audience: null });
  } else {
    if (await wasActivityReceived(db, inner.id)) {
      await completeInboundActivity(db, { ids });
      return { status: "duplicate" };
    }
    step = await apply(run, inner, community);
    ids.push(inner.id);
  }
  if (step.status === "rejected") return step;
  const reusable = typeof inner === "string" || "kind" in inner ? [] : reusableIds(inner, step.effect);
  await completeInboundActivity(db, { ids, reusable });
  return { status: "applied", effect: step.effect, communityId: step.community?.id ?? null };
}

/** One activity, received directly (announcer null) or inside a community's Announce. */
async function apply(run: Run, activity: ParsedActivity, announcer: CommunityRow | null): Promise<Step> {
  if (isOwn(run, activity.actor)) return rejected("own_activity");
  if (!sameHost(activity.id, activity.actor)) return rejected("activity_host_mismatch");
  // The site's instance lists (docs/api.md, "Instance lists"), for announced activities too.
  if (!(await instanceAllowed(run.env.db, hostOf(activity.actor)))) return rejected("instance_not_allowed");
  switch (activity.type) {
    case "Create":
    case "Update": {
      const object = activity.object;
      if (!sameHost(object.id, activity.actor)) return rejected("object_host_mismatch");
      if (object.author !== activity.actor) return rejected("actor_is_not_author");
      if (isOwn(run, object.id)) return rejected("own_object");
      const context = { announcer, audience: activity.audience };
      return object.kind === "post" ? ingestPost(run, object, context) : ingestComment(run, object, context, 0);
    }
    case "Delete":
      return applyDelete(run, activity, announcer);
    case "Like":
    case "Dislike":
      return applyVote(run, activity, announcer);
    case "Undo":
      return applyUndo(run, activity, announcer);
    case "Announce":
      // Mbin's boosts by persons, re-announced: nothing Lemmy-like to apply.
      return rejected("nested_announce");
    case "Follow":
      return rejected("follow_inside_announce");
    case "Add":
    case "Remove":
    case "Lock":
    case "Block":
    case "Flag":
    case "Resolve":
    case "UpdateGroup":
      return applyModeration(run, activity, announcer);
  }
}

export interface IngestContext {
  /** The community that announced it, which must be its community. */
  announcer: CommunityRow | null;
  /** The activity's own `audience`, which must agree too. */
  audience: string | null;
}

/** A community we take content for: local, or remote and followed from here; not deleted. */
export async function checkCommunity(
  run: Run,
  community: CommunityRow,
  object: { audience: string | null },
  context: IngestContext,
): Promise<Rejected | null> {
  if (context.announcer && context.announcer.id !== community.id) return rejected("community_is_not_announcer");
  for (const audience of [object.audience, context.audience]) {
    if (audience !== null && audience !== community.ap_id) return rejected("audience_mismatch");
  }
  if (community.deleted || community.removed) return rejected("community_deleted");
  if (!community.local && !run.explicit && !(await hasLocalFollowers(run.env.db, community.id))) {
    return rejected("community_not_followed");
  }
  return null;
}

/** The community a post is in: the first known community its addressing names (Lemmy looks in
 *  to and cc; PeerTube names it in attributedTo, Mastodon in cc and a Mention; Lemmy 0.19 in
 *  audience). Unknown communities are not fetched: nobody here could follow them. */
async function communityOfPost(run: Run, post: ParsedPost): Promise<CommunityRow | undefined> {
  const candidates = [post.attributedGroup, ...post.to, ...post.cc, ...post.mentions, post.audience].filter(
    (id): id is string => id !== null && !AS_PUBLIC_IRIS.has(id),
  );
  for (const id of new Set(candidates)) {
    const community = await findCommunityByApId(run.env.db, id);
    if (community) return community;
  }
  // Looked up by a local person: find the community among the addressees, as Lemmy does.
  if (run.explicit && run.env.remote.community) {
    for (const id of new Set(candidates)) {
      if (isOwn(run, id) || Date.now() > run.deadline) continue;
      const community = await run.env.remote.community(id);
      if (community) return community;
    }
  }
  return undefined;
}

/** Lemmy's title fallback for posts without a name: the first line of text, mentions stripped. */
function titleOf(post: ParsedPost): string {
  if (post.title?.trim()) return normalizeTitle(post.title);
  const lines = post.html !== null ? htmlToText(post.html) : (post.markdown ?? "").split("\n");
  const first = lines.map((line) => line.replace(/^(\s*@\S+)+\s*/, "").trim()).find((line) => line !== "");
  return normalizeTitle(first ?? "");
}

function bodyOf(object: ParsedObject): string | null {
  if (object.markdown !== null) return object.markdown;
  if (object.html !== null) return htmlToMarkdown(object.html) || null;
  return null;
}

function languageIdOf(code: string | null): number {
  return (code && languageByCode(code)?.id) || UNDETERMINED_LANGUAGE_ID;
}

async function ingestPost(run: Run, post: ParsedPost, context: IngestContext): Promise<Step> {
  const community = await communityOfPost(run, post);
  if (!community) return rejected("community_unknown");
  const problem = await checkCommunity(run, community, post, context);
  if (problem) return problem;
  if (!isPublic(post)) return rejected("not_public");
  const title = titleOf(post);
  if (!title) return rejected("no_title");
  const creator = await run.env.remote.person(post.author);
  if (!creator) return rejected("author_unavailable");
  if (await checkBan(run.env.db, creator.id, { communityId: community.id })) return rejected("author_banned");
  const result = await upsertRemotePost(run.env.db, {
    apId: post.id,
    // The post lives where its author does (same host, checked above).
    instanceId: creator.instance_id,
    communityId: community.id,
    creatorId: creator.id,
    title,
    url: post.link ? parseHttpUrl(post.link) : null,
    // A microblog Note's first line became the title; the rest is the body (microblog.ts).
    body: post.type === "Note" && !post.title?.trim() ? bodyAfterTitleLine(bodyOf(post)) : bodyOf(post),
    thumbnailUrl: post.image ? parseHttpUrl(post.image) : null,
    // In an NSFW community every post is NSFW (Lemmy).
    nsfw: post.sensitive || community.nsfw,
    languageId: languageIdOf(post.language),
    // Comments are closed by a remote community's moderators; our own moderators decide for ours.
    locked: community.local || post.commentsEnabled === null ? undefined : !post.commentsEnabled,
    publishedAt: post.published ?? new Date(),
    updatedAt: post.updated,
  });
  if (!result.ok) return rejected(result.reason);
  return applied(`post_${result.outcome}`, community);
}

export type Target = { post: PostRow; comment: CommentRow | null };

/** The post or comment stored here at a URL, with its post; null when there is none. Nothing is fetched. */
export async function storedTarget(db: Db, url: string): Promise<Target | null> {
  const post = await findPostByApId(db, url);
  if (post) return { post, comment: null };
  const comment = await findCommentByApId(db, url);
  const owner = comment ? await findPostById(db, comment.post_id) : undefined;
  return comment && owner ? { post: owner, comment } : null;
}

/**
 * The post or comment at a URL: ours or stored, else fetched and taken in (a reply's unknown
 * parent, a vote's unknown object), up to Lemmy's maximum comment depth of ancestors.
 */
async function resolveTarget(run: Run, url: string, depth: number): Promise<Target | Rejected> {
  const stored = await storedTarget(run.env.db, url);
  if (stored) return stored;
  if (isOwn(run, url)) return rejected("target_not_found");
  if (depth > MAX_COMMENT_DEPTH) return rejected("reply_chain_too_deep");
  const fetched = await fetchWithinBudget(run, url);
  if (fetched === "over_budget") return rejected("fetch_budget_exceeded");
  if (fetched === null) return rejected("target_unavailable");
  const object = parseObject(fetched);
  if (!object.ok) return rejected(`target_${object.reason}`);
  if (object.value.id !== url) return rejected("target_id_mismatch");
  if (!sameHost(object.value.author, object.value.id)) return rejected("target_author_host_mismatch");
  const context = { announcer: null, audience: null };
  const step =
    object.value.kind === "post"
      ? await ingestPost(run, object.value, context)
      : await ingestComment(run, object.value, context, depth);
  if (step.status === "rejected") return rejected(`target_${step.reason}`);
  return (await storedTarget(run.env.db, url)) ?? rejected("target_not_found");
}

async function ingestComment(run: Run, comment: ParsedComment, context: IngestContext, depth: number): Promise<Step> {
  const { db } = run.env;
  const target = await resolveTarget(run, comment.inReplyTo, depth + 1);
  if ("status" in target) return target;
  const { post, comment: parent } = target;
  const community = await findCommunityById(db, post.community_id);
  if (!community) return rejected("community_unknown");
  const problem = await checkCommunity(run, community, comment, context);
  if (problem) return problem;
  if (!isPublic(comment)) return rejected("not_public");
  if (post.deleted || post.removed) return rejected("post_deleted");
  if (parent && (parent.deleted || parent.removed)) return rejected("parent_deleted");
  const known = await findCommentByApId(db, comment.id);
  // A locked post takes no new comments (Lemmy lets its moderators through; they are local here).
  if (post.locked && !known) return rejected("post_locked");
  const body = bodyOf(comment);
  if (!body?.trim()) return rejected("empty_comment");
  const creator = await run.env.remote.person(comment.author);
  if (!creator) return rejected("author_unavailable");
  if (await checkBan(db, creator.id, { communityId: community.id })) return rejected("author_banned");
  const result = await upsertRemoteComment(db, {
    apId: comment.id,
    instanceId: creator.instance_id,
    postId: post.id,
    parentId: parent?.id ?? null,
    creatorId: creator.id,
    body,
    languageId: languageIdOf(comment.language),
    publishedAt: comment.published ?? new Date(),
    updatedAt: comment.updated,
  });
  if (!result.ok) return rejected(result.reason);
  return applied(`comment_${result.outcome}`, community);
}

/** The community of a post or comment target, checked against the announcer and audience. */
export async function communityOfTarget(
  run: Run,
  target: Target,
  activity: { audience: string | null },
  announcer: CommunityRow | null,
): Promise<CommunityRow | Rejected> {
  const community = await findCommunityById(run.env.db, target.post.community_id);
  if (!community) return rejected("community_unknown");
  const problem = await checkCommunity(run, community, { audience: null }, { announcer, audience: activity.audience });
  return problem ?? community;
}

async function applyDelete(
  run: Run,
  activity: Extract<ParsedActivity, { type: "Delete" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  const { db } = run.env;
  const objectId = activity.object;
  if (objectId === activity.actor) return rejected("account_deletion_unsupported");
  // Only a moderator's removal (with its reason) can concern our own post in a remote community.
  if (isOwn(run, objectId) && activity.summary === null) return rejected("own_object");
  const target = await storedTarget(db, objectId);
  if (!target) {
    // Deleted before it reached us: keep a tombstone so a late Create cannot bring it back.
    if (!sameHost(objectId, activity.actor)) return rejected("object_host_mismatch");
    await addTombstone(db, objectId, activity.actor);
    return applied("tombstone", null);
  }
  const creator = await findPersonById(db, (target.comment ?? target.post).creator_id);
  // Removal by a moderator: a Delete from someone else (Lemmy adds a summary, the reason).
  if (creator?.ap_id !== activity.actor) return applyRemoval(run, activity, announcer, true);
  const community = await communityOfTarget(run, target, activity, announcer);
  if ("status" in community) return community;
  if (target.comment) {
    await setRemoteCommentDeleted(db, target.comment.id, true);
    return applied("comment_deleted", community);
  }
  await setRemotePostDeleted(db, target.post.id, true);
  return applied("post_deleted", community);
}

async function applyVote(
  run: Run,
  activity: Extract<ParsedActivity, { type: "Like" | "Dislike" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  const target = await resolveTarget(run, activity.object, 1);
  if ("status" in target) return target;
  const item = target.comment ?? target.post;
  if (item.deleted || item.removed || target.post.deleted || target.post.removed) return rejected("target_deleted");
  const community = await communityOfTarget(run, target, activity, announcer);
  if ("status" in community) return community;
  const site = await getSite(run.env.db);
  // As on Lemmy, a site without downvotes ignores federated ones too.
  if (activity.type === "Dislike" && !site.enable_downvotes) return rejected("downvotes_disabled");
  const voter = await run.env.remote.person(activity.actor);
  if (!voter) return rejected("voter_unavailable");
  if (await checkBan(run.env.db, voter.id, { communityId: community.id })) return rejected("voter_banned");
  await castVote(run.env.db, {
    target: target.comment ? "comment" : "post",
    itemId: item.id,
    personId: voter.id,
    score: activity.type === "Like" ? 1 : -1,
    downvotesEnabled: site.enable_downvotes,
    apId: activity.id,
  });
  return applied(activity.type === "Like" ? "upvote" : "downvote", community);
}

async function applyUndo(
  run: Run,
  activity: Extract<ParsedActivity, { type: "Undo" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  const { db } = run.env;
  const inner = activity.object;
  if (typeof inner === "string") {
    // The undone vote named by its id alone.
    const vote = await findVoteByApId(db, inner);
    if (!vote) return undoBoost(run.env, activity.actor, inner);
    const voter = await findPersonById(db, vote.personId);
    if (voter?.ap_id !== activity.actor) return rejected("inner_actor_mismatch");
    const item =
      vote.target === "post"
        ? await findPostById(db, vote.itemId)
        : await db.selectFrom("comments").selectAll().where("id", "=", vote.itemId).executeTakeFirst();
    if (!item) return rejected("target_not_found");
    const post = "post_id" in item ? await findPostById(db, item.post_id) : item;
    if (!post) return rejected("target_not_found");
    const community = await communityOfTarget(run, { post, comment: null }, activity, announcer);
    if ("status" in community) return community;
    await retractVote(run, vote.target, vote.itemId, voter.id);
    return applied("vote_undone", community);
  }
  // Lemmy regenerates the undone activity with a new id: match by actor, type and object.
  if (inner.actor !== activity.actor) return rejected("inner_actor_mismatch");
  switch (inner.type) {
    case "Like":
    case "Dislike": {
      const target = await storedTarget(db, inner.object);
      const voter = await findPersonByApId(db, activity.actor);
      // Nothing stored: nothing to take back.
      if (!target || !voter) return rejected("undone_vote_unknown");
      const kind = target.comment ? "comment" : "post";
      const itemId = target.comment?.id ?? target.post.id;
      // Nor when the vote is gone already (a repeated Undo, whose id may have been freed).
      if (!(await hasVote(db, kind, itemId, voter.id))) return rejected("undone_vote_unknown");
      const community = await communityOfTarget(run, target, activity, announcer);
      if ("status" in community) return community;
      await retractVote(run, kind, itemId, voter.id);
      return applied("vote_undone", community);
    }
    case "Delete": {
      const target = await storedTarget(db, inner.object);
      if (!target) return rejected("undone_delete_unknown");
      const creator = await findPersonById(db, (target.comment ?? target.post).creator_id);
      if (creator?.ap_id !== activity.actor) {
        return applyRemoval(run, { ...inner, audience: activity.audience ?? inner.audience }, announcer, false);
      }
      const community = await communityOfTarget(run, target, activity, announcer);
      if ("status" in community) return community;
      if (target.comment) await setRemoteCommentDeleted(db, target.comment.id, false);
      else await setRemotePostDeleted(db, target.post.id, false);
      return applied(target.comment ? "comment_restored" : "post_restored", community);
    }
    case "Lock":
    case "Block":
      return applyModerationUndo(
        run,
        { ...inner, audience: activity.audience ?? inner.audience },
        announcer,
        activity.raw,
      );
    case "Announce":
      return undoBoost(run.env, activity.actor, inner);
    default:
      return rejected(`unsupported_undo:${inner.type}`);
  }
}

/**
 * A post or comment a local person looked up by URL (resolve_object): stored already, or fetched
 * and taken in with its unknown ancestors and, if need be, its community.
 */
export async function takeInObject(
  env: ReceiveEnv,
  url: string,
): Promise<{ ok: true; post: PostRow; comment: CommentRow | null } | { ok: false; reason: string }> {
  const run: Run = { env, deadline: Date.now() + FETCH_BUDGET_MS, explicit: true };
  const target = await resolveTarget(run, url, 1);
  return "status" in target ? { ok: false, reason: target.reason } : { ok: true, ...target };
}

async function retractVote(run: Run, target: "post" | "comment", itemId: string, personId: string): Promise<void> {
  await castVote(run.env.db, { target, itemId, personId, score: 0, downvotesEnabled: true });
}
