// Admins' actions on the site: appoint and dismiss admins, purge (delete for good) a person, a
// community, a post or a comment, and keep the instance allow and block lists. Each logged action
// and its modlog entry commit together.
//
// A purge deletes the row; the foreign keys' cascades take everything hanging from it: a post's
// comments, votes, saves and reports, a comment's replies, a person's content, votes and login.
// Counters that those rows fed (scores of what a purged person voted on, comment counts, child
// counts, the post and comment counts of communities and persons) are recounted in the same
// transaction (recount.ts). The modlog keeps the purge itself, which names none of what it deleted.
import { sql } from "kysely";
import type { LocalAccount } from "../accounts/account.service.ts";
import { findCommentById, lockPostForComment, pathIds } from "../comments/comment.repository.ts";
import { findCommunityById } from "../communities/community.repository.ts";
import type { Db, DbLike } from "../db/connect.ts";
import type { FederationListKind, InstanceRow, PersonRow } from "../db/schema.ts";
import { ensureInstance } from "../instances/instance.repository.ts";
import { findPersonById } from "../persons/person.repository.ts";
import { findPostById } from "../posts/post.repository.ts";
import { err, ok, type Result } from "../result.ts";
import { listAdmins } from "../site/site.view.ts";
import { recordModAction } from "./modlog.ts";
import { recountComments, recountCommunities, recountPersons, recountPosts } from "./recount.ts";

type NotAdmin = { type: "not_an_admin" };

export type SetAdminError = NotAdmin | { type: "couldnt_find_person" } | { type: "cannot_leave_admin" };

/**
 * An admin makes a local person an admin (added) or takes it back. The last admin cannot be
 * dismissed (cannot_leave_admin): a site always has one. Logged only when something changed.
 * Answers the admins, oldest first.
 */
export async function setAdmin(
  db: Db,
  actor: LocalAccount,
  input: { personId: string; added: boolean },
): Promise<Result<PersonRow[], SetAdminError>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const target = await db
    .selectFrom("local_users as u")
    .innerJoin("persons as p", "p.id", "u.person_id")
    .where("u.person_id", "=", input.personId)
    .select(["u.admin", "p.deleted"])
    .executeTakeFirst();
  if (!target || target.deleted) return err({ type: "couldnt_find_person" });
  const result = await db.transaction().execute(async (trx): Promise<Result<void, SetAdminError>> => {
    // Serialises concurrent dismissals, so two admins cannot dismiss each other at once.
    await sql`select person_id from local_users where admin for update`.execute(trx);
    if (target.admin === input.added) return ok(undefined);
    if (!input.added) {
      const admins = await trx
        .selectFrom("local_users")
        .where("admin", "=", true)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) return err({ type: "cannot_leave_admin" });
    }
    await trx.updateTable("local_users").set({ admin: input.added }).where("person_id", "=", input.personId).execute();
    await recordModAction(trx, {
      action: "ModAdd",
      modPersonId: actor.person.id,
      otherPersonId: input.personId,
      state: input.added,
    });
    return ok(undefined);
  });
  if (!result.ok) return result;
  return ok(await listAdmins(db));
}

export interface PurgeInput {
  reason?: string | null;
}

/** Purges a post: it, its comments, and all their votes, saves and reports. */
export async function purgePost(
  db: Db,
  actor: LocalAccount,
  input: PurgeInput & { postId: string },
): Promise<Result<void, NotAdmin | { type: "couldnt_find_post" }>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const post = await findPostById(db, input.postId);
  if (!post) return err({ type: "couldnt_find_post" });
  await db.transaction().execute(async (trx) => {
    const commenters = await trx
      .selectFrom("comments")
      .select("creator_id")
      .distinct()
      .where("post_id", "=", post.id)
      .execute();
    await trx.deleteFrom("posts").where("id", "=", post.id).execute();
    await recountCommunities(trx, [post.community_id]);
    await recountPersons(trx, [post.creator_id, ...commenters.map((c) => c.creator_id)]);
    await recordModAction(trx, {
      action: "AdminPurgePost",
      modPersonId: actor.person.id,
      communityId: post.community_id,
      reason: input.reason,
    });
  });
  return ok(undefined);
}

/** Purges a comment: it, the replies below it, and all their votes, saves and reports. */
export async function purgeComment(
  db: Db,
  actor: LocalAccount,
  input: PurgeInput & { commentId: string },
): Promise<Result<void, NotAdmin | { type: "couldnt_find_comment" }>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const found = await findCommentById(db, input.commentId);
  if (!found) return err({ type: "couldnt_find_comment" });
  const result = await db
    .transaction()
    .execute(async (trx): Promise<Result<void, { type: "couldnt_find_comment" }>> => {
      // The lock order of every comment write: the post first.
      const post = await lockPostForComment(trx, found.post_id);
      if (!post) return err({ type: "couldnt_find_comment" });
      const doomed = await sql<{ creator_id: string }>`
      select distinct creator_id from comments where path <@ ${found.path}::ltree`.execute(trx);
      await trx.deleteFrom("comments").where("id", "=", found.id).execute();
      await recountPosts(trx, [post.id]);
      await recountComments(trx, pathIds(found.path).slice(0, -1));
      await recountCommunities(trx, [post.community_id]);
      await recountPersons(
        trx,
        doomed.rows.map((row) => row.creator_id),
      );
      await recordModAction(trx, {
        action: "AdminPurgeComment",
        modPersonId: actor.person.id,
        communityId: post.community_id,
        postId: post.id,
        reason: input.reason,
      });
      return ok(undefined);
    });
  return result;
}

/** Purges a community: it, its posts and comments, and everything hanging from them. */
export async function purgeCommunity(
  db: Db,
  actor: LocalAccount,
  input: PurgeInput & { communityId: string },
): Promise<Result<void, NotAdmin | { type: "couldnt_find_community" }>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const community = await findCommunityById(db, input.communityId);
  if (!community) return err({ type: "couldnt_find_community" });
  await db.transaction().execute(async (trx) => {
    const creators = await sql<{ creator_id: string }>`
      select creator_id from posts where community_id = ${community.id}
      union
      select c.creator_id from comments c join posts p on p.id = c.post_id where p.community_id = ${community.id}`.execute(
      trx,
    );
    await trx.deleteFrom("communities").where("id", "=", community.id).execute();
    await recountPersons(
      trx,
      creators.rows.map((row) => row.creator_id),
    );
    await recordModAction(trx, { action: "AdminPurgeCommunity", modPersonId: actor.person.id, reason: input.reason });
  });
  return ok(undefined);
}

/**
 * Purges a person: the account, their posts and comments (with the replies below them), their
 * votes, saves, follows, reports and moderator seats. Admins cannot be purged (not_higher_admin):
 * dismiss them first.
 */
export async function purgePerson(
  db: Db,
  actor: LocalAccount,
  input: PurgeInput & { personId: string },
): Promise<Result<void, NotAdmin | { type: "couldnt_find_person" } | { type: "not_higher_admin" }>> {
  if (!actor.localUser.admin) return err({ type: "not_an_admin" });
  const person = await findPersonById(db, input.personId);
  if (!person) return err({ type: "couldnt_find_person" });
  const local = await db
    .selectFrom("local_users")
    .select("admin")
    .where("person_id", "=", person.id)
    .executeTakeFirst();
  if (local?.admin) return err({ type: "not_higher_admin" });
  await db.transaction().execute(async (trx) => {
    // Every comment that goes: the person's, the replies below them, and those on their posts.
    const doomed = await sql<{ id: string; path: string; post_id: string; creator_id: string }>`
      select distinct d.id, d.path::text as path, d.post_id, d.creator_id
      from comments m join comments d on d.path <@ m.path
      where m.creator_id = ${person.id}
      union
      select c.id, c.path::text, c.post_id, c.creator_id
      from comments c join posts p on p.id = c.post_id
      where p.creator_id = ${person.id}`.execute(trx);
    const voted = await sql<{ kind: "post" | "comment"; id: string }>`
      select 'post' as kind, post_id as id from post_votes where person_id = ${person.id}
      union all
      select 'comment', comment_id from comment_votes where person_id = ${person.id}`.execute(trx);
    const posts = new Set([
      ...doomed.rows.map((c) => c.post_id),
      ...voted.rows.filter((v) => v.kind === "post").map((v) => v.id),
    ]);
    const comments = new Set([
      ...doomed.rows.flatMap((c) => pathIds(c.path).slice(0, -1)),
      ...voted.rows.filter((v) => v.kind === "comment").map((v) => v.id),
    ]);
    for (const c of doomed.rows) comments.delete(c.id);
    const ownPosts = await trx.selectFrom("posts").select("community_id").where("creator_id", "=", person.id).execute();
    const persons = new Set(doomed.rows.map((c) => c.creator_id));
    persons.delete(person.id);

    await trx.deleteFrom("persons").where("id", "=", person.id).execute();

    await recountPosts(trx, posts);
    await recountComments(trx, comments);
    const communities = await trx
      .selectFrom("posts")
      .select("community_id")
      .distinct()
      .where("id", "in", posts.size > 0 ? [...posts] : ["0"])
      .execute();
    await recountCommunities(trx, [...communities.map((c) => c.community_id), ...ownPosts.map((p) => p.community_id)]);
    await recountPersons(trx, persons);
    await recordModAction(trx, { action: "AdminPurgePerson", modPersonId: actor.person.id, reason: input.reason });
  });
  return ok(undefined);
}

// ---- The instance allow and block lists ----

/** A host as an admin may type it: `example.org`, `Example.org:8443`, or a URL of it. */
export function normalizeInstanceHost(value: string): string | null {
  let host = value.trim().toLowerCase();
  if (host.includes("://")) {
    try {
      host = new URL(host).host;
    } catch {
      return null;
    }
  }
  host = host.replace(/\/+$/, "");
  const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  return new RegExp(`^${label}(?:\\.${label})*(?::\\d{1,5})?$`).test(host) ? host : null;
}

export type FederationListError =
  | { type: "invalid_instance"; host: string }
  | { type: "instance_in_both_lists"; host: string }
  | { type: "cant_block_local_instance" };

export interface FederationLists {
  allowed: InstanceRow[];
  blocked: InstanceRow[];
}

/**
 * Replaces the allow list, the block list, or both (undefined leaves a list alone; [] empties
 * it), as editSite's allowed_instances and blocked_instances do on Lemmy. The caller checks that
 * an admin asks. Federation reads these lists (listFederationLists); this only stores them.
 */
export async function setFederationLists(
  db: Db,
  input: { allowed?: readonly string[]; blocked?: readonly string[]; localHost: string },
): Promise<Result<FederationLists, FederationListError>> {
  const normalized: Partial<Record<FederationListKind, string[]>> = {};
  for (const kind of ["allowed", "blocked"] as const) {
    const hosts = input[kind];
    if (hosts === undefined) continue;
    const list: string[] = [];
    for (const raw of hosts) {
      if (raw.trim() === "") continue;
      const host = normalizeInstanceHost(raw);
      if (!host) return err({ type: "invalid_instance", host: raw });
      if (!list.includes(host)) list.push(host);
    }
    normalized[kind] = list;
  }
  if (normalized.blocked?.includes(input.localHost.toLowerCase())) return err({ type: "cant_block_local_instance" });
  const result = await db.transaction().execute(async (trx): Promise<Result<void, FederationListError>> => {
    for (const kind of ["allowed", "blocked"] as const) {
      const hosts = normalized[kind];
      if (hosts === undefined) continue;
      await trx.deleteFrom("federation_lists").where("list", "=", kind).execute();
      for (const host of hosts) {
        const instanceId = await ensureInstance(trx, host);
        const inserted = await trx
          .insertInto("federation_lists")
          .values({ instance_id: instanceId, list: kind })
          .onConflict((oc) => oc.column("instance_id").doNothing())
          .returning("instance_id")
          .executeTakeFirst();
        if (!inserted) return err({ type: "instance_in_both_lists", host });
      }
    }
    return ok(undefined);
  });
  if (!result.ok) return result;
  return ok(await listFederationLists(db));
}

/** The allow and block lists, each in order of host. */
export async function listFederationLists(db: DbLike): Promise<FederationLists> {
  const rows = await db
    .selectFrom("federation_lists as f")
    .innerJoin("instances as i", "i.id", "f.instance_id")
    .selectAll("i")
    .select("f.list")
    .orderBy("i.host")
    .execute();
  const strip = ({ list: _list, ...instance }: (typeof rows)[number]): InstanceRow => instance;
  return {
    allowed: rows.filter((row) => row.list === "allowed").map(strip),
    blocked: rows.filter((row) => row.list === "blocked").map(strip),
  };
}

/**
 * Whether this instance may federate with host: not on the block list, and on the allow list
 * when there is one. For federation code; nothing calls it yet.
 */
export async function instanceAllowed(db: DbLike, host: string): Promise<boolean> {
  const lists = await listFederationLists(db);
  const normalized = host.toLowerCase();
  if (lists.blocked.some((instance) => instance.host === normalized)) return false;
  return lists.allowed.length === 0 || lists.allowed.some((instance) => instance.host === normalized);
}
