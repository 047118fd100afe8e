// Applying moderation from other servers (federation-wire-formats.md §2.7, §2.9, §4.21): removal
// (a Delete of someone else's post or comment, with the reason as summary) and its Undo, Lock and
// Undo(Lock), pins and moderator changes (Add/Remove with a featured or moderators collection as
// target), community bans (Block, Undo(Block)), reports (Flag) and their resolution (Resolve).
// Received directly, or inside the Announce of the community they concern.
//
// Checks, all before any change:
//   the object belongs to the community (post, comment, collection, target), which agrees with
//   the announcer and `audience`, and is local or followed from here (as for content);
//   the actor moderates it: for a local community, it is on our moderators' list; for a remote
//   one, it is on the list we keep of it (synced from its moderators collection and from the
//   Add/Remove it announces) or lives on the community's own server (its admins; FEP-1b12 and
//   Lemmy's verify_mod_action trust the community's origin); and it is not banned there.
// Applied changes get the modlog entries a local moderator's would (core moderation/federated.ts).
//
// Two more concern no single community's content:
//   a site ban (Block whose target is an instance, Undo(Block)): applied only when it comes,
//   directly, from the banned person's own instance (Lemmy 0.19's rule: target, actor and object
//   on one host; that host's admins are the only ones who may ban there, and nobody can check
//   from outside who its admins are); the person is then banned here too;
//   Update(Group): a remote community's settings, on its own word (announced by it, or sent from
//   its server) by one of its moderators, or by the community itself.
import {
  applyFederatedBan,
  applyFederatedFeature,
  applyFederatedLock,
  applyFederatedModerator,
  applyFederatedRemoval,
  applyFederatedReport,
  applyFederatedReportResolution,
  applyFederatedSiteBan,
  type CommunityRow,
  checkBan,
  checkReason,
  findCommunityByApId,
  findPersonByApId,
  findPostByApId,
  htmlToMarkdown,
  isModerator,
  MAX_COMMUNITY_TITLE_LENGTH,
  type PersonRow,
  updateCommunity,
} from "@plenum/core";
import type { Json } from "../objects.ts";
import type { ModerationActivity } from "./parse.ts";
import {
  applied,
  checkCommunity,
  communityOfTarget,
  type Rejected,
  type Run,
  rejected,
  type Step,
  sameHost,
  storedTarget,
  type Target,
} from "./receive.ts";

type Envelope = { actor: string; audience: string | null };

/** A ban (Block) or its lifting: of a person from a community, or from their instance (a site ban). */
type BlockActivity = Envelope & {
  object: string;
  target: string;
  summary: string | null;
  expires: Date | null;
  removeData: boolean;
};

/** A stored post or comment at a URL; moderation never fetches what it acts on. */
async function knownTarget(run: Run, url: string): Promise<Target | Rejected> {
  return (await storedTarget(run.env.db, url)) ?? rejected("target_not_found");
}

/** A person by URL: ours as stored, a remote one stored or fetched. */
async function personAt(run: Run, url: string): Promise<PersonRow | null> {
  const known = await findPersonByApId(run.env.db, url);
  if (known?.local) return known;
  return run.env.remote.person(url);
}

/** The actor, if it may moderate `community` (see the file's note); else why not. */
async function moderatorOf(run: Run, community: CommunityRow, actorId: string): Promise<PersonRow | Rejected> {
  const { db } = run.env;
  const actor = await run.env.remote.person(actorId);
  if (!actor) return rejected("actor_unavailable");
  const listed = await isModerator(db, community.id, actor.id);
  const ofCommunityServer = !community.local && sameHost(actorId, community.ap_id);
  if (!listed && !ofCommunityServer) return rejected("not_a_moderator");
  if (await checkBan(db, actor.id, { communityId: community.id })) return rejected("moderator_banned");
  return actor;
}

/** Add, Remove, Lock, Block or Flag (Delete and Undo come through applyRemoval and applyModerationUndo). */
export async function applyModeration(
  run: Run,
  activity: ModerationActivity,
  announcer: CommunityRow | null,
): Promise<Step> {
  switch (activity.type) {
    case "Lock":
      return applyLock(run, activity, announcer, true);
    case "Add":
    case "Remove":
      return applyCollectionChange(run, activity, announcer);
    case "Block":
      return applyBlock(run, activity, announcer, true);
    case "Flag":
      return applyFlag(run, activity, announcer);
    case "UpdateGroup":
      return applyGroupUpdate(run, activity, announcer);
    case "Resolve":
      return applyResolve(run, activity, announcer);
  }
}

/**
 * Undo(Lock) or Undo(Block): the undone activity, with the Undo's actor and audience. Lemmy
 * marks an unban that restores the person's content with `restoreData` on the Undo itself.
 */
export async function applyModerationUndo(
  run: Run,
  undone: Extract<ModerationActivity, { type: "Lock" | "Block" }>,
  announcer: CommunityRow | null,
  undo: Json,
): Promise<Step> {
  if (undone.type === "Lock") return applyLock(run, undone, announcer, false);
  const removeData = undone.removeData || undo.restoreData === true;
  return applyBlock(run, { ...undone, removeData }, announcer, false);
}

/** A moderator removes (Delete) or restores (Undo(Delete)) someone else's post or comment. */
export async function applyRemoval(
  run: Run,
  activity: Envelope & { object: string; summary: string | null },
  announcer: CommunityRow | null,
  removed: boolean,
): Promise<Step> {
  const target = await knownTarget(run, activity.object);
  if ("status" in target) return target;
  const community = await communityOfTarget(run, target, activity, announcer);
  if ("status" in community) return community;
  const moderator = await moderatorOf(run, community, activity.actor);
  if ("status" in moderator) return moderator;
  const item = target.comment ? { comment: target.comment } : { post: target.post };
  await applyFederatedRemoval(run.env.db, { moderatorId: moderator.id, item, removed, reason: activity.summary });
  const kind = target.comment ? "comment" : "post";
  return applied(`${kind}_${removed ? "removed" : "restored"}`, community);
}

async function applyLock(
  run: Run,
  activity: Envelope & { object: string; summary: string | null },
  announcer: CommunityRow | null,
  locked: boolean,
): Promise<Step> {
  const target = await knownTarget(run, activity.object);
  if ("status" in target) return target;
  // Lemmy 1.0 locks comments too; Plenum locks posts only.
  if (target.comment) return rejected("comment_lock_unsupported");
  const community = await communityOfTarget(run, target, activity, announcer);
  if ("status" in community) return community;
  const moderator = await moderatorOf(run, community, activity.actor);
  if ("status" in moderator) return moderator;
  await applyFederatedLock(run.env.db, {
    moderatorId: moderator.id,
    post: target.post,
    locked,
    reason: activity.summary,
  });
  return applied(locked ? "post_locked" : "post_unlocked", community);
}

/** The community whose featured or moderators collection a URL is. */
async function collectionOwner(
  run: Run,
  url: string,
): Promise<{ community: CommunityRow; collection: "featured" | "moderators" } | null> {
  const community = await run.env.db
    .selectFrom("communities")
    .selectAll()
    .where((eb) => eb.or([eb("featured_url", "=", url), eb("moderators_url", "=", url)]))
    .executeTakeFirst();
  if (!community) return null;
  return { community, collection: community.featured_url === url ? "featured" : "moderators" };
}

async function applyCollectionChange(
  run: Run,
  activity: Extract<ModerationActivity, { type: "Add" | "Remove" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  const { db } = run.env;
  const owner = await collectionOwner(run, activity.target);
  if (!owner) return rejected("target_collection_unknown");
  const { community, collection } = owner;
  const problem = await checkCommunity(run, community, { audience: null }, { announcer, audience: activity.audience });
  if (problem) return problem;
  const added = activity.type === "Add";
  if (collection === "featured") {
    const post = await findPostByApId(db, activity.object);
    if (!post) return rejected("target_not_found");
    if (post.community_id !== community.id) return rejected("object_not_in_community");
    const moderator = await moderatorOf(run, community, activity.actor);
    if ("status" in moderator) return moderator;
    await applyFederatedFeature(db, { moderatorId: moderator.id, post, featured: added });
    return applied(added ? "post_featured" : "post_unfeatured", community);
  }
  // A remote community's moderators change only on its own word: announced by it, or sent by
  // its server; a local community's, on a moderator's.
  if (!community.local && announcer?.id !== community.id && !sameHost(activity.actor, community.ap_id)) {
    return rejected("moderators_change_not_from_community");
  }
  const moderator = await moderatorOf(run, community, activity.actor);
  if ("status" in moderator) return moderator;
  const person = await personAt(run, activity.object);
  if (!person) return rejected("person_unavailable");
  await applyFederatedModerator(db, {
    moderatorId: moderator.id,
    communityId: community.id,
    personId: person.id,
    added,
  });
  return applied(added ? "moderator_added" : "moderator_removed", community);
}

async function applyBlock(
  run: Run,
  activity: BlockActivity,
  announcer: CommunityRow | null,
  ban: boolean,
): Promise<Step> {
  const { db } = run.env;
  const community = await findCommunityByApId(db, activity.target);
  if (!community) return applySiteBan(run, activity, announcer, ban);
  const problem = await checkCommunity(run, community, { audience: null }, { announcer, audience: activity.audience });
  if (problem) return problem;
  const moderator = await moderatorOf(run, community, activity.actor);
  if ("status" in moderator) return moderator;
  const person = await personAt(run, activity.object);
  if (!person) return rejected("person_unavailable");
  // In our communities only an admin (ours) may ban a moderator, as for local moderators.
  if (ban && community.local && (await isModerator(db, community.id, person.id))) {
    return rejected("cannot_ban_a_moderator");
  }
  if (ban && activity.expires && activity.expires.getTime() <= Date.now()) return rejected("ban_already_expired");
  await applyFederatedBan(db, {
    moderatorId: moderator.id,
    communityId: community.id,
    personId: person.id,
    ban,
    reason: activity.summary,
    expiresAt: activity.expires,
    removeData: activity.removeData,
  });
  return applied(ban ? "person_banned" : "person_unbanned", community);
}

/** The first post or comment stored here among a Flag's objects (Mastodon names the account first). */
async function flaggedTarget(run: Run, objects: string[]): Promise<Target | Rejected> {
  let target: Target | Rejected = rejected("target_not_found");
  for (const object of objects) {
    target = await knownTarget(run, object);
    if (!("status" in target)) break;
  }
  return target;
}

/**
 * A moderator of the reported item's community resolved a report (Resolve, Lemmy 1.0): the
 * reporter's report here is resolved too. Never announced onward, as reports are not.
 */
async function applyResolve(
  run: Run,
  activity: Extract<ModerationActivity, { type: "Resolve" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  const { flag } = activity;
  const target = await flaggedTarget(run, flag.objects);
  if ("status" in target) return target;
  const community = await communityOfTarget(run, target, activity, announcer);
  if ("status" in community) return community;
  // Lemmy checks that the Flag went to that community.
  if (flag.to.length > 0 && !flag.to.includes(community.ap_id)) return rejected("flag_not_to_community");
  const moderator = await moderatorOf(run, community, activity.actor);
  if ("status" in moderator) return moderator;
  const reporter = await findPersonByApId(run.env.db, flag.actor);
  if (!reporter) return rejected("report_unknown");
  const item = target.comment ? { comment: target.comment } : { post: target.post };
  const resolved = await applyFederatedReportResolution(run.env.db, {
    resolverId: moderator.id,
    reporterId: reporter.id,
    item,
  });
  if (!resolved) return rejected("no_open_report");
  return applied(target.comment ? "comment_report_resolved" : "post_report_resolved", null);
}

/** A report from another server's member about something in one of our communities. */
async function applyFlag(
  run: Run,
  activity: Extract<ModerationActivity, { type: "Flag" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  // Reports go to the community, never through its followers.
  if (announcer) return rejected("announced_report");
  const target = await flaggedTarget(run, activity.objects);
  if ("status" in target) return target;
  const community = await communityOfTarget(run, target, activity, null);
  if ("status" in community) return community;
  if (!community.local) return rejected("report_about_remote_community");
  const reason = activity.summary ?? "";
  const problem = checkReason(reason);
  if (problem) return rejected(problem.type);
  const reporter = await run.env.remote.person(activity.actor);
  if (!reporter) return rejected("actor_unavailable");
  if (await checkBan(run.env.db, reporter.id, { communityId: community.id })) return rejected("reporter_banned");
  const item = target.comment ? { comment: target.comment } : { post: target.post };
  await applyFederatedReport(run.env.db, { reporterId: reporter.id, item, reason });
  // No community: a report is not announced to anyone.
  return applied(target.comment ? "comment_reported" : "post_reported", null);
}

/**
 * A site ban: the Block's target is an instance (Lemmy's site actor, the server's root URL). Only
 * a ban by the banned person's own instance counts here (see the file's note); a ban of someone
 * by another instance's admin is that instance's business, and is dropped.
 */
async function applySiteBan(
  run: Run,
  activity: BlockActivity,
  announcer: CommunityRow | null,
  ban: boolean,
): Promise<Step> {
  // Lemmy sends site bans to every instance directly; no community has a say in them.
  if (announcer) return rejected("announced_site_ban");
  if (activity.target !== new URL("/", activity.actor).href) return rejected("block_target_unknown");
  if (!sameHost(activity.object, activity.actor)) return rejected("site_ban_of_another_instances_person");
  if (ban && activity.expires && activity.expires.getTime() <= Date.now()) return rejected("ban_already_expired");
  const admin = await run.env.remote.person(activity.actor);
  if (!admin) return rejected("actor_unavailable");
  const person = await run.env.remote.person(activity.object);
  if (!person) return rejected("person_unavailable");
  await applyFederatedSiteBan(run.env.db, {
    adminId: admin.id,
    personId: person.id,
    ban,
    reason: activity.summary,
    expiresAt: activity.expires,
    removeData: activity.removeData,
  });
  return applied(ban ? "person_site_banned" : "person_site_unbanned", null);
}

/**
 * A remote community's new settings (Update(Group)): title, description, icon, banner, NSFW,
 * posting restricted to moderators. Its inboxes, keys and collections are never taken from an
 * Update: they change only when the Group is fetched from its server.
 */
async function applyGroupUpdate(
  run: Run,
  activity: Extract<ModerationActivity, { type: "UpdateGroup" }>,
  announcer: CommunityRow | null,
): Promise<Step> {
  const { db } = run.env;
  const settings = activity.group;
  const community = await findCommunityByApId(db, settings.id);
  if (!community) return rejected("community_unknown");
  // A local community's settings change here only.
  if (community.local) return rejected("own_community");
  const problem = await checkCommunity(run, community, { audience: null }, { announcer, audience: activity.audience });
  if (problem) return problem;
  if (announcer?.id !== community.id && !sameHost(activity.actor, community.ap_id)) {
    return rejected("group_update_not_from_community");
  }
  if (activity.actor !== community.ap_id) {
    const moderator = await moderatorOf(run, community, activity.actor);
    if ("status" in moderator) return moderator;
  }
  const description = settings.markdown ?? (settings.html !== null ? htmlToMarkdown(settings.html) : null);
  await updateCommunity(db, community.id, {
    title: settings.title ? [...settings.title].slice(0, MAX_COMMUNITY_TITLE_LENGTH).join("") : community.title,
    description: description?.trim() ? description : null,
    icon_url: settings.icon,
    banner_url: settings.banner,
    nsfw: settings.sensitive,
    ...(settings.postingRestrictedToMods !== null
      ? { posting_restricted_to_mods: settings.postingRestrictedToMods }
      : {}),
    updated_at: new Date(),
  });
  return applied("community_updated", community);
}
