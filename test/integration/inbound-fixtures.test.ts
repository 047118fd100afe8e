// Real payloads from Lemmy, Mastodon, Friendica, Mitra, PeerTube, WordPress and others
// (test/fixtures/activitypub, from Lemmy's test assets) through the inbound pipeline: parsing,
// checks and the database effects, with a fake signer (the activity's actor, as Fedify would have
// verified) and a fake network that serves the fixtures' objects by id and makes any person up.
// Each row says what must happen: applied (and what it created), or rejected (and why).
//
// Rows run in order against one database: later rows see what earlier ones created. Where a
// Lemmy fixture is inconsistent on purpose (federation-wire-formats.md §1: `audience` on another
// scheme or naming another community), the row runs it as is (rejected) and again with the
// inconsistency removed ("fixed"), so both the check and the acceptance are exercised.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  addModerator,
  checkBan,
  createLocalCommunity,
  createLocalUser,
  createPost,
  type Db,
  ensureInstance,
  ensureSite,
  findCommentByApId,
  findCommunityByApId,
  findLocalAccount,
  findPersonByApId,
  findPostByApId,
  isModerator,
  localUrls,
  setFederationLists,
  updateSite,
  upsertFollow,
  upsertRemoteCommunity,
  upsertRemotePerson,
  writeCommunityBan,
} from "@plenum/core";
import { type Outcome, type Remote, receiveActivity } from "@plenum/federation";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

type Json = Record<string, unknown>;

const FIXTURES = fileURLToPath(new URL("../fixtures/activitypub/", import.meta.url));
const ORIGIN = "https://plenum.example";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

function load(path: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, path), "utf8")) as Json;
}

/** Every fixture file, relative to the fixtures folder. */
function allFixtures(dir = ""): string[] {
  return readdirSync(join(FIXTURES, dir)).flatMap((entry) => {
    const path = dir ? `${dir}/${entry}` : entry;
    if (statSync(join(FIXTURES, path)).isDirectory()) return allFixtures(path);
    return path.endsWith(".json") ? [path] : [];
  });
}

/** An object fixture sent the way its author's server would: in a Create by its author (for a
 *  Tombstone, which names no author, by an actor of its server). */
function createOf(object: Json): Json {
  const author = Array.isArray(object.attributedTo)
    ? (object.attributedTo as Json[]).find((entry) => entry.type === "Person")?.id
    : (object.attributedTo ?? `${new URL(String(object.id)).origin}/u/someone`);
  return { id: `${String(object.id)}/create-activity`, type: "Create", actor: author, object };
}

/** Sets `audience` on an activity and its object (the Lemmy fixtures' https/http mix-up). */
function withAudience(audience: string | null) {
  return (json: Json) => {
    for (const target of [json, typeof json.object === "object" ? (json.object as Json) : null]) {
      if (!target) continue;
      if (audience === null) delete target.audience;
      else target.audience = audience;
    }
  };
}

type Expected = { applied: string } | { rejected: string } | "duplicate";

interface Row {
  /** Fixture path, or a name for rows built from one. */
  name: string;
  json: () => Json;
  /** The verified signer; by default the activity's actor. */
  signer?: string;
  expect: Expected;
  /** Further checks of the database after the row. */
  check?: (db: Db) => Promise<void>;
  /** Set-up for this row only, undone by `after` whatever happens. */
  before?: (db: Db) => Promise<void>;
  after?: (db: Db) => Promise<void>;
}

const fixture = (path: string, expected: Expected, check?: Row["check"]): Row => ({
  name: path,
  json: () => load(path),
  expect: expected,
  check,
});

const fixed = (path: string, edit: (json: Json) => void, expected: Expected, check?: Row["check"]): Row => ({
  name: `${path} (fixed)`,
  json: () => {
    const json = load(path);
    edit(json);
    return json;
  },
  expect: expected,
  check,
});

const wrapped = (path: string, expected: Expected, check?: Row["check"]): Row => ({
  name: `${path} (in a Create)`,
  json: () => createOf(load(path)),
  expect: expected,
  check,
});

const MAIN = "http://enterprise.lemmy.ml/c/main";
const TENFORWARD = "https://enterprise.lemmy.ml/c/tenforward";
const mainAudience = withAudience(MAIN);

async function post(db: Db, apId: string) {
  const row = await findPostByApId(db, apId);
  if (!row) throw new Error(`no post ${apId}`);
  return row;
}

const ROWS: Row[] = [
  // ---- Lemmy: a post's life in a followed remote community ----
  fixture("lemmy/activities/create_or_update/create_page.json", { rejected: "audience_mismatch" }),
  fixed("lemmy/activities/create_or_update/create_page.json", mainAudience, { applied: "post_created" }, async (db) => {
    expect(await post(db, "http://ds9.lemmy.ml/post/1")).toMatchObject({
      local: false,
      title: "test post",
      body: "test body",
      url: "https://lemmy.ml/pictrs/image/xl8W7FZfk9.jpg",
      language_id: 26, // ko
      score: 1,
      upvotes: 1,
    });
  }),
  {
    name: "create_page.json signed by someone else",
    json: () => {
      const json = load("lemmy/activities/create_or_update/create_page.json");
      mainAudience(json);
      return json;
    },
    signer: "http://enterprise.lemmy.ml/u/lemmy_beta",
    expect: { rejected: "signer_is_not_actor" },
  },
  fixed("lemmy/activities/create_or_update/update_page.json", mainAudience, { applied: "post_updated" }, async (db) => {
    expect((await post(db, "http://ds9.lemmy.ml/post/1")).title).toBe("test post 1");
  }),
  fixed("lemmy/activities/create_or_update/update_page.json", mainAudience, "duplicate"),
  {
    name: "update_page.json by another person of the same server",
    json: () => {
      const json = load("lemmy/activities/create_or_update/update_page.json");
      mainAudience(json);
      json.id = "http://ds9.lemmy.ml/activities/update/other-person";
      json.actor = "http://ds9.lemmy.ml/u/lemmy_gamma";
      (json.object as Json).attributedTo = "http://ds9.lemmy.ml/u/lemmy_gamma";
      (json.object as Json).updated = "2022-01-01T00:00:00Z";
      return json;
    },
    expect: { rejected: "not_the_creator" },
  },
  {
    name: "create_page.json whose Page lives on another host",
    json: () => {
      const json = load("lemmy/activities/create_or_update/create_page.json");
      mainAudience(json);
      json.id = "http://ds9.lemmy.ml/activities/create/elsewhere";
      (json.object as Json).id = "https://evil.example/post/1";
      return json;
    },
    expect: { rejected: "object_host_mismatch" },
  },
  fixture("lemmy/activities/create_or_update/create_comment.json", { rejected: "audience_mismatch" }),
  fixed(
    "lemmy/activities/create_or_update/create_comment.json",
    mainAudience,
    { applied: "comment_created" },
    async (db) => {
      const comment = await findCommentByApId(db, "http://ds9.lemmy.ml/comment/1");
      // The Markdown source, not the HTML.
      expect(comment).toMatchObject({ local: false, body: "hello" });
      expect((await post(db, "http://ds9.lemmy.ml/post/1")).comment_count).toBe(1);
    },
  ),
  // like_note.json names tenforward as audience, but the comment is in main.
  fixture("lemmy/activities/voting/like_note.json", { rejected: "audience_mismatch" }),
  fixed("lemmy/activities/voting/like_note.json", withAudience(null), { applied: "upvote" }),
  fixed("lemmy/activities/voting/undo_like_note.json", withAudience(null), { applied: "vote_undone" }, async (db) => {
    expect(await findCommentByApId(db, "http://ds9.lemmy.ml/comment/1")).toMatchObject({ score: 0, upvotes: 0 });
  }),
  fixed("lemmy/activities/voting/dislike_page.json", withAudience(null), { applied: "downvote" }, async (db) => {
    expect(await post(db, "http://ds9.lemmy.ml/post/1")).toMatchObject({ score: 0, upvotes: 1, downvotes: 1 });
  }),
  // An Undo of a Dislike that wraps a Like (as in the fixture): undone all the same.
  fixed(
    "lemmy/activities/voting/undo_dislike_page.json",
    withAudience(null),
    { applied: "vote_undone" },
    async (db) => {
      expect(await post(db, "http://ds9.lemmy.ml/post/1")).toMatchObject({ score: 1, downvotes: 0 });
    },
  ),
  // A moderator's removal (Delete with a summary, by someone else): lemmy_beta lives on main's
  // own server, whose word counts as its admins' (inbox/moderation.ts).
  fixture("lemmy/activities/deletion/remove_note.json", { rejected: "audience_mismatch" }),
  fixed("lemmy/activities/deletion/remove_note.json", mainAudience, { applied: "comment_removed" }, async (db) => {
    expect(await findCommentByApId(db, "http://ds9.lemmy.ml/comment/1")).toMatchObject({ removed: true });
    const logged = await db.selectFrom("modlog").selectAll().where("action", "=", "ModRemoveComment").execute();
    expect(logged).toMatchObject([{ reason: "bad comment", state: true }]);
  }),
  fixed(
    "lemmy/activities/deletion/undo_remove_note.json",
    mainAudience,
    { applied: "comment_restored" },
    async (db) => {
      expect(await findCommentByApId(db, "http://ds9.lemmy.ml/comment/1")).toMatchObject({ removed: false });
    },
  ),
  fixed("lemmy/activities/deletion/delete_page.json", mainAudience, { applied: "post_deleted" }, async (db) => {
    expect((await post(db, "http://ds9.lemmy.ml/post/1")).deleted).toBe(true);
  }),
  fixed("lemmy/activities/deletion/undo_delete_page.json", mainAudience, { applied: "post_restored" }, async (db) => {
    expect((await post(db, "http://ds9.lemmy.ml/post/1")).deleted).toBe(false);
  }),
  // The fixture reuses delete_page.json's id, so it is a duplicate; with an id of its own it is
  // an account deletion, which is not supported yet.
  fixture("lemmy/activities/deletion/delete_user.json", "duplicate"),
  fixed(
    "lemmy/activities/deletion/delete_user.json",
    (json) => {
      json.id = "http://ds9.lemmy.ml/activities/delete/account";
    },
    { rejected: "account_deletion_unsupported" },
  ),
  // Private messages are not supported: a PM is a Note addressed to a person, not a community.
  fixture("lemmy/activities/create_or_update/create_private_message.json", { rejected: "community_unknown" }),
  fixture("lemmy/activities/create_or_update/create_private_message_0.19.json", {
    rejected: "unsupported_object_type:ChatMessage",
  }),
  // The Delete of something never seen leaves a tombstone...
  fixture("lemmy/activities/deletion/delete_private_message.json", { applied: "tombstone" }),
  fixture("lemmy/activities/deletion/undo_delete_private_message.json", { rejected: "undone_delete_unknown" }),
  // ...which refuses the Create that arrives after it.
  {
    name: "Delete of an unknown post, then its late Create",
    json: () => ({
      id: "http://ds9.lemmy.ml/activities/delete/early",
      type: "Delete",
      actor: "http://ds9.lemmy.ml/u/lemmy_alpha",
      to: [PUBLIC],
      object: "http://ds9.lemmy.ml/post/99",
    }),
    expect: { applied: "tombstone" },
  },
  {
    name: "the late Create of post/99",
    json: () => {
      const json = load("lemmy/activities/create_or_update/create_page.json");
      mainAudience(json);
      json.id = "http://ds9.lemmy.ml/activities/create/late";
      (json.object as Json).id = "http://ds9.lemmy.ml/post/99";
      return json;
    },
    expect: { rejected: "deleted_before_arrival" },
  },
  {
    name: "an Update that arrives before its Create creates the post",
    json: () => {
      const json = load("lemmy/activities/create_or_update/update_page.json");
      mainAudience(json);
      json.id = "http://ds9.lemmy.ml/activities/update/first";
      (json.object as Json).id = "http://ds9.lemmy.ml/post/2";
      return json;
    },
    expect: { applied: "post_created" },
  },
  {
    name: "the Create of post/2 after its Update changes nothing",
    json: () => {
      const json = load("lemmy/activities/create_or_update/create_page.json");
      mainAudience(json);
      json.id = "http://ds9.lemmy.ml/activities/create/second";
      (json.object as Json).id = "http://ds9.lemmy.ml/post/2";
      return json;
    },
    expect: { applied: "post_unchanged" },
    check: async (db) => expect((await post(db, "http://ds9.lemmy.ml/post/2")).title).toBe("test post 1"),
  },
  // ---- Lemmy: a community's Announce ----
  fixture("lemmy/activities/community/announce_create_page.json", { rejected: "audience_mismatch" }),
  fixed(
    "lemmy/activities/community/announce_create_page.json",
    (json) => {
      delete ((json.object as Json).object as Json).audience;
    },
    { applied: "post_created" },
    async (db) => expect((await post(db, "http://enterprise.lemmy.ml/post/7")).title).toBe("post 4"),
  ),
  {
    name: "announce_create_page.json by a community nobody here follows",
    json: () => {
      const json = load("lemmy/activities/community/announce_create_page.json");
      json.id = "http://ds9.lemmy.ml/activities/announce/unfollowed";
      json.actor = "http://ds9.lemmy.ml/c/unfollowed";
      return json;
    },
    expect: { rejected: "community_not_followed" },
  },
  {
    name: "a Dislike on a site without downvotes",
    json: () => {
      const json = load("lemmy/activities/voting/dislike_page.json");
      delete json.audience;
      json.id = "http://enterprise.lemmy.ml/activities/dislike/while-disabled";
      return json;
    },
    before: async (db) => void (await updateSite(db, { enable_downvotes: false })),
    after: async (db) => void (await updateSite(db, { enable_downvotes: true })),
    expect: { rejected: "downvotes_disabled" },
  },
  {
    name: "a post from a blocked instance",
    json: () => lemmyPost("from-blocked"),
    before: async (db) =>
      void (await setFederationLists(db, { blocked: ["ds9.lemmy.ml"], localHost: "plenum.example" })),
    after: async (db) => void (await setFederationLists(db, { blocked: [], localHost: "plenum.example" })),
    expect: { rejected: "instance_not_allowed" },
  },
  {
    name: "a post from an instance missing from the allow list",
    json: () => lemmyPost("not-allowed"),
    before: async (db) =>
      void (await setFederationLists(db, { allowed: ["enterprise.lemmy.ml"], localHost: "plenum.example" })),
    after: async (db) => void (await setFederationLists(db, { allowed: [], localHost: "plenum.example" })),
    expect: { rejected: "instance_not_allowed" },
  },
  {
    name: "a post by a person banned from the community",
    json: () => lemmyPost("by-banned"),
    before: async (db) => setBan(db, true),
    after: async (db) => setBan(db, false),
    expect: { rejected: "author_banned" },
    check: async (db) => expect(await findPostByApId(db, "http://ds9.lemmy.ml/post/by-banned")).toBeUndefined(),
  },
  // ---- Lemmy: moderation in a followed remote community (inbox/moderation.ts) ----
  // Pins in a community nobody here knows (ds9's main).
  fixture("lemmy/activities/community/add_featured_post.json", { rejected: "target_collection_unknown" }),
  fixture("lemmy/activities/community/remove_featured_post.json", { rejected: "target_collection_unknown" }),
  // Moderator changes by someone of main's own server; `audience` names a person in the fixture.
  fixture("lemmy/activities/community/add_mod.json", { rejected: "audience_mismatch" }),
  fixed("lemmy/activities/community/add_mod.json", withAudience(null), { applied: "moderator_added" }, async (db) => {
    expect(await moderates(db, "http://ds9.lemmy.ml/u/lemmy_alpha")).toBe(true);
  }),
  fixed(
    "lemmy/activities/community/remove_mod.json",
    withAudience(null),
    { applied: "moderator_removed" },
    async (db) => {
      expect(await moderates(db, "http://ds9.lemmy.ml/u/lemmy_alpha")).toBe(false);
    },
  ),
  // Locks of posts and comments nobody here has.
  fixture("lemmy/activities/community/lock_note.json", { rejected: "target_not_found" }),
  fixture("lemmy/activities/community/lock_page.json", { rejected: "target_not_found" }),
  fixture("lemmy/activities/community/undo_lock_note.json", { rejected: "target_not_found" }),
  fixture("lemmy/activities/community/undo_lock_page.json", { rejected: "target_not_found" }),
  // The same Lock of a post in main: refused from a person who is no moderator (any more)...
  {
    name: "a Lock from someone who does not moderate the community",
    json: () => lockOfMain("http://ds9.lemmy.ml/u/lemmy_alpha", "by-non-mod"),
    expect: { rejected: "not_a_moderator" },
    check: async (db) => expect((await post(db, "http://ds9.lemmy.ml/post/1")).locked).toBe(false),
  },
  // ...and applied from its server, announced by it, then undone.
  {
    name: "a Lock from main's server, announced by main",
    json: () => ({
      id: "http://enterprise.lemmy.ml/activities/announce/lock",
      type: "Announce",
      actor: MAIN,
      object: lockOfMain("http://enterprise.lemmy.ml/u/lemmy_beta", "by-mod"),
    }),
    expect: { applied: "post_locked" },
    check: async (db) => expect((await post(db, "http://ds9.lemmy.ml/post/1")).locked).toBe(true),
  },
  {
    name: "its Undo",
    json: () => {
      const lock = lockOfMain("http://enterprise.lemmy.ml/u/lemmy_beta", "by-mod-again");
      return { ...lock, id: "http://enterprise.lemmy.ml/activities/undo/lock", type: "Undo", object: lock };
    },
    expect: { applied: "post_unlocked" },
    check: async (db) => expect((await post(db, "http://ds9.lemmy.ml/post/1")).locked).toBe(false),
  },
  // A Flag about a post of a remote community: reports go to the community's own server.
  fixture("lemmy/activities/community/report_page.json", { rejected: "audience_mismatch" }),
  // Its resolution (Lemmy 1.0): `audience` names a person; without it, the resolver is no
  // moderator of main.
  fixture("lemmy/activities/community/resolve_report_page.json", { rejected: "audience_mismatch" }),
  fixed("lemmy/activities/community/resolve_report_page.json", withAudience(null), { rejected: "not_a_moderator" }),
  // A community's new settings: the fixture names main with https in `audience`.
  fixture("lemmy/activities/community/update_community.json", { rejected: "audience_mismatch" }),
  // Sent directly by someone of another server: only main, or its server, has a say.
  fixed("lemmy/activities/community/update_community.json", withAudience(null), {
    rejected: "group_update_not_from_community",
  }),
  {
    name: "update_community.json announced by main, from someone who does not moderate it",
    json: () => ({
      id: "http://enterprise.lemmy.ml/activities/announce/update/by-non-mod",
      type: "Announce",
      actor: MAIN,
      object: { ...load("lemmy/activities/community/update_community.json"), audience: MAIN },
    }),
    expect: { rejected: "not_a_moderator" },
    check: async (db) => expect((await findCommunityByApId(db, MAIN))?.title).toBe(MAIN),
  },
  {
    name: "update_community.json announced by main, from its server",
    json: () => ({
      id: "http://enterprise.lemmy.ml/activities/announce/update/by-mod",
      type: "Announce",
      actor: MAIN,
      object: {
        ...load("lemmy/activities/community/update_community.json"),
        id: "http://enterprise.lemmy.ml/activities/update/by-mod",
        actor: "http://enterprise.lemmy.ml/u/lemmy_beta",
        audience: MAIN,
      },
    }),
    expect: { applied: "community_updated" },
    check: async (db) => {
      // The settings change; the inbox and keys stay what fetching the Group gave.
      expect(await findCommunityByApId(db, MAIN)).toMatchObject({
        title: "The Updated Community",
        description: "updated 2",
        nsfw: false,
        posting_restricted_to_mods: false,
        inbox_url: `${MAIN}/inbox`,
      });
    },
  },
  fixture("lemmy/activities/community/warn.json", { rejected: "unsupported_activity_type:Warn" }),
  // A community ban: the fixture's expiry is long past; without it, it holds until undone.
  fixture("lemmy/activities/block/block_user.json", { rejected: "audience_mismatch" }),
  {
    ...fixed(
      "lemmy/activities/block/block_user.json",
      (json) => {
        withAudience(null)(json);
        delete json.endTime;
      },
      { applied: "person_banned" },
      async (db) => {
        expect(await bannedFromMain(db)).toBe(true);
        // removeData: their posts in main are removed.
        expect((await post(db, "http://ds9.lemmy.ml/post/1")).removed).toBe(true);
        // A banned moderator stops being one, and the modlog says so.
        const [alpha, main] = await mainAndAlpha(db);
        expect(await isModerator(db, main, alpha)).toBe(false);
        const latest = await db
          .selectFrom("modlog")
          .select(["action", "state"])
          .where("action", "in", ["ModAddCommunity", "ModBanFromCommunity"])
          .where("other_person_id", "=", alpha)
          .where("community_id", "=", main)
          .orderBy("id", "desc")
          .limit(2)
          .execute();
        expect(latest).toEqual([
          { action: "ModAddCommunity", state: false },
          { action: "ModBanFromCommunity", state: true },
        ]);
      },
    ),
    before: async (db) => {
      const [alpha, main] = await mainAndAlpha(db);
      await addModerator(db, main, alpha);
    },
  },
  fixed(
    "lemmy/activities/block/undo_block_user.json",
    withAudience(null),
    { applied: "person_unbanned" },
    async (db) => {
      expect(await bannedFromMain(db)).toBe(false);
      expect((await post(db, "http://ds9.lemmy.ml/post/1")).removed).toBe(false);
    },
  ),
  // A site ban (Block whose target is an instance): from the banned person's own instance only.
  {
    name: "a site ban of ds9's lemmy_alpha by ds9's admin",
    json: () => siteBanOnDs9("http://ds9.lemmy.ml/u/lemmy_alpha", "alpha"),
    expect: { applied: "person_site_banned" },
    check: async (db) => {
      const alpha = await findPersonByApId(db, "http://ds9.lemmy.ml/u/lemmy_alpha");
      expect(await checkBan(db, alpha?.id ?? "0", null)).toEqual({ type: "site_ban" });
      // removeData: everything of theirs here is removed.
      expect((await post(db, "http://ds9.lemmy.ml/post/1")).removed).toBe(true);
      const logged = await db
        .selectFrom("modlog")
        .select(["reason", "state"])
        .where("action", "=", "ModBan")
        .where("other_person_id", "=", alpha?.id ?? "0")
        .execute();
      expect(logged).toEqual([{ reason: "spam everywhere", state: true }]);
    },
  },
  {
    name: "a post by the site-banned person",
    json: () => lemmyPost("by-site-banned"),
    expect: { rejected: "author_banned" },
  },
  {
    name: "a site ban of ds9's lemmy_alpha by enterprise's admin",
    json: () => ({
      ...siteBanOnDs9("http://ds9.lemmy.ml/u/lemmy_alpha", "by-enterprise"),
      id: "http://enterprise.lemmy.ml/activities/block/site-by-enterprise",
      actor: "http://enterprise.lemmy.ml/u/lemmy_beta",
      target: "http://enterprise.lemmy.ml/",
    }),
    expect: { rejected: "site_ban_of_another_instances_person" },
  },
  {
    name: "a Block whose target is neither a known community nor the actor's instance",
    json: () => ({
      ...siteBanOnDs9("http://ds9.lemmy.ml/u/lemmy_gamma", "unknown-target"),
      target: "http://ds9.lemmy.ml/c/unknown",
    }),
    expect: { rejected: "block_target_unknown" },
  },
  {
    name: "a site ban announced by a community",
    json: () => ({
      id: "http://enterprise.lemmy.ml/activities/announce/block/site",
      type: "Announce",
      actor: MAIN,
      object: {
        ...siteBanOnDs9("http://enterprise.lemmy.ml/u/lemmy_gamma", "announced"),
        id: "http://enterprise.lemmy.ml/activities/block/site-announced",
        actor: "http://enterprise.lemmy.ml/u/lemmy_beta",
        target: "http://enterprise.lemmy.ml/",
      },
    }),
    expect: { rejected: "announced_site_ban" },
  },
  {
    name: "its Undo, with Lemmy's restoreData",
    json: () => {
      const { removeData: _removeData, ...block } = siteBanOnDs9("http://ds9.lemmy.ml/u/lemmy_alpha", "alpha-again");
      return {
        id: "http://ds9.lemmy.ml/activities/undo/site-ban",
        type: "Undo",
        actor: block.actor,
        to: [PUBLIC],
        object: block,
        restoreData: true,
      };
    },
    expect: { applied: "person_site_unbanned" },
    check: async (db) => {
      const alpha = await findPersonByApId(db, "http://ds9.lemmy.ml/u/lemmy_alpha");
      expect(await checkBan(db, alpha?.id ?? "0", null)).toBeNull();
      expect((await post(db, "http://ds9.lemmy.ml/post/1")).removed).toBe(false);
    },
  },
  fixture("lemmy/activities/following/follow.json", { rejected: "follow_has_its_own_listener" }),
  fixture("lemmy/activities/following/accept.json", { rejected: "unsupported_activity_type:Accept" }),
  fixture("lemmy/activities/following/undo_follow.json", { rejected: "unsupported_undo:Follow" }),

  // ---- Lemmy objects, as their server would send them ----
  wrapped("lemmy/objects/page.json", { applied: "post_created" }, async (db) => {
    expect(await post(db, "https://enterprise.lemmy.ml/post/55143")).toMatchObject({
      title: "Post title",
      body: "This is a post in the /c/tenforward community",
      url: "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png",
      thumbnail_url: "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png",
      language_id: 16, // fr
    });
  }),
  wrapped("lemmy/objects/page_image_and_link.json", { applied: "post_created" }),
  wrapped("lemmy/objects/comment.json", { applied: "comment_created" }, async (db) => {
    expect(await findCommentByApId(db, "https://enterprise.lemmy.ml/comment/38741")).toMatchObject({
      body: "first comment!",
      updated_at: new Date("2021-03-01T13:43:03.955787Z"),
    });
  }),
  wrapped("lemmy/objects/private_message.json", { rejected: "community_unknown" }),
  wrapped("lemmy/objects/tombstone.json", { rejected: "object_is_tombstone" }),

  // ---- Mastodon ----
  // A top-level Note naming the community in cc and a Mention is a post; the title is its first
  // line without the mention, the body the rest.
  wrapped("mastodon/objects/page.json", { applied: "post_created" }, async (db) => {
    const row = await post(db, "https://masto.qa.urbanwildlife.biz/users/mastodon/statuses/110830743680706519");
    expect(row.title).toBe("Variable never resetting at refresh");
    // HTML without a Markdown source is converted to Markdown.
    expect(row.body).toBe(
      "Hi! I'm using a variable to count elements in my generator but every time I generate a new character, " +
        "the counter's value carries on from the previous one. Is there a function to reset it (I set it to 0 " +
        "at the beginning of the file)",
    );
  }),
  // Replies to statuses we cannot reach (the fake network has none).
  fixture("mastodon/activities/create_note.json", { rejected: "target_unavailable" }),
  wrapped("mastodon/objects/note_1.json", { rejected: "target_unavailable" }),
  wrapped("mastodon/objects/note_2.json", { rejected: "target_unavailable" }),
  fixture("mastodon/activities/like_page.json", { rejected: "target_unavailable" }),
  fixture("mastodon/activities/undo_like_page.json", { rejected: "undone_vote_unknown" }),
  fixture("mastodon/activities/delete.json", { applied: "tombstone" }),
  fixture("mastodon/activities/flag.json", { rejected: "target_not_found" }),
  fixture("mastodon/activities/follow.json", { rejected: "follow_has_its_own_listener" }),
  fixture("mastodon/activities/undo_follow.json", { rejected: "unsupported_undo:Follow" }),
  fixture("mastodon/activities/private_message.json", { rejected: "unsupported_activity_type:Note" }),

  // ---- Pleroma: a reply to a Lemmy post (known by now) ----
  fixture("pleroma/activities/create_note.json", { applied: "comment_created" }),
  wrapped("pleroma/objects/note.json", { applied: "comment_created" }, async (db) => {
    expect((await post(db, "https://enterprise.lemmy.ml/post/55143")).comment_count).toBe(3);
  }),
  wrapped("pleroma/objects/chat_message.json", { rejected: "unsupported_object_type:ChatMessage" }),
  fixture("pleroma/activities/delete.json", { applied: "tombstone" }),
  fixture("pleroma/activities/follow.json", { rejected: "follow_has_its_own_listener" }),

  // ---- Friendica ----
  fixture("friendica/activities/create_page_2.json", { applied: "post_created" }),
  wrapped("friendica/objects/page_2.json", { applied: "post_unchanged" }),
  wrapped("friendica/objects/page_1.json", { applied: "post_created" }),
  fixture("friendica/activities/create_page_1.json", { applied: "post_created" }, async (db) => {
    const row = await post(db, "https://masto.qa.urbanwildlife.biz/users/mastodon/statuses/110435994705014161");
    expect(row.title).toBe("Test post to community");
  }),
  fixture("friendica/activities/create_note.json", { rejected: "target_unavailable" }),
  wrapped("friendica/objects/note_1.json", { rejected: "target_unavailable" }),
  wrapped("friendica/objects/note_2.json", { rejected: "target_unavailable" }),
  fixture("friendica/activities/update_note.json", { rejected: "target_unavailable" }),
  fixture("friendica/activities/like_page.json", { rejected: "target_unavailable" }),
  fixture("friendica/activities/dislike_page.json", { rejected: "target_unavailable" }),
  fixture("friendica/activities/undo_dislike_page.json", { rejected: "undone_vote_unknown" }),
  fixture("friendica/activities/delete.json", { applied: "tombstone" }),

  // ---- lotide ----
  fixture("lotide/activities/create_page.json", { applied: "post_created" }, async (db) => {
    expect((await post(db, "https://b.tide.tk/apub/posts/60")).url).toBe(
      "https://blog.twitter.com/engineering/en_us/a/2010/announcing-snowflake.html",
    );
  }),
  wrapped("lotide/objects/page.json", { applied: "post_created" }),
  wrapped("lotide/objects/note.json", { applied: "comment_created" }),
  wrapped("lotide/objects/tombstone.json", { rejected: "object_is_tombstone" }),
  fixture("lotide/activities/create_page_image.json", { rejected: "community_unknown" }),
  fixture("lotide/activities/create_note_reply.json", { rejected: "target_unavailable" }),
  fixture("lotide/activities/delete_note.json", { applied: "tombstone" }),
  fixture("lotide/activities/follow.json", { rejected: "follow_has_its_own_listener" }),

  // ---- Mitra: a new post as a Note with audience ----
  fixture("mitra/activities/create_post.json", { applied: "post_created" }, async (db) => {
    expect((await post(db, "https://mitra.social/objects/019f57cf-693a-77f2-b006-c4c76338956a")).title).toBe(
      "Remote post 5",
    );
  }),
  fixture("mitra/activities/accept.json", { rejected: "unsupported_activity_type:Accept" }),

  // ---- PeerTube: a channel (a Group) announces a Video by URL; it is fetched, and being
  // attributed to [Person, Group], it is a post in the channel linking to itself ----
  fixture("peertube/activities/announce_video.json", { applied: "post_created" }, async (db) => {
    const id = "https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1";
    expect((await post(db, id)).url).toBe(id);
  }),
  fixture("peertube/activities/announce_video.json", "duplicate"),
  wrapped("peertube/objects/video.json", { applied: "post_unchanged" }),
  wrapped("peertube/objects/note.json", { rejected: "target_unavailable" }),

  // ---- WordPress: a blog (a Group) announces the Update of an article ----
  fixture("wordpress/activities/announce.json", { applied: "post_created" }, async (db) => {
    expect((await post(db, "https://pfefferle.org/lemmy-part-4/")).title).toBe("Lemmy (Part 4)");
  }),
  wrapped("wordpress/objects/page.json", { rejected: "community_unknown" }),
  wrapped("wordpress/objects/note.json", { rejected: "target_unavailable" }),

  // ---- Others ----
  wrapped("gnusocial/objects/page.json", { rejected: "community_unknown" }),
  fixture("gnusocial/activities/create_page.json", { rejected: "community_unknown" }),
  // Its parent is fetched (gnusocial/objects/page.json) but belongs to no community.
  wrapped("gnusocial/objects/note.json", { rejected: "target_community_unknown" }),
  fixture("gnusocial/activities/create_note.json", { rejected: "target_community_unknown" }),
  fixture("gnusocial/activities/like_note.json", { rejected: "target_unavailable" }),
  wrapped("smithereen/objects/note.json", { rejected: "target_unavailable" }),
  fixture("smithereen/activities/create_note.json", { rejected: "target_unavailable" }),
  wrapped("mobilizon/objects/event.json", { rejected: "community_unknown" }),
  // NodeBB's category is known here but nobody follows it.
  wrapped("nodebb/objects/page.json", { rejected: "community_not_followed" }),
  // Discourse sends only `audience`, no to/cc: not public, so not taken.
  wrapped("discourse/objects/page.json", { rejected: "not_public" }),
  fixture("mbin/activities/accept.json", { rejected: "unsupported_activity_type:Accept" }),
  fixture("mbin/activities/flag.json", { rejected: "target_not_found" }),

  // ---- A local community: what it accepts it announces, verbatim (the event the bridge sends) ----
  {
    name: "a remote person's post in a local community",
    json: () => toPlaza(load("lemmy/activities/create_or_update/create_page.json"), "create/to-plaza"),
    expect: { applied: "post_created" },
    check: async (db) => {
      const relayed = await relayedActivities(db);
      expect(relayed).toEqual([toPlaza(load("lemmy/activities/create_or_update/create_page.json"), "create/to-plaza")]);
    },
  },
  {
    name: "the same post in the local community, replayed",
    json: () => toPlaza(load("lemmy/activities/create_or_update/create_page.json"), "create/to-plaza"),
    expect: "duplicate",
    check: async (db) => expect(await relayedActivities(db)).toHaveLength(1),
  },
  {
    name: "a remote person's vote on a local post",
    json: () => ({
      id: "http://ds9.lemmy.ml/activities/like/on-local",
      type: "Like",
      actor: "http://ds9.lemmy.ml/u/lemmy_alpha",
      object: LOCAL_POST,
      audience: PLAZA,
    }),
    expect: { applied: "upvote" },
    check: async (db) => {
      expect(await relayedActivities(db)).toHaveLength(2);
      const local = await findPostByApId(db, LOCAL_POST);
      expect(local).toMatchObject({ score: 2, upvotes: 2 });
    },
  },
  {
    name: "a report from another server about a post in the local community",
    json: () => ({
      ...load("lemmy/activities/community/report_page.json"),
      id: "http://ds9.lemmy.ml/activities/flag/local",
      to: [PLAZA],
      audience: PLAZA,
      object: LOCAL_POST,
    }),
    expect: { applied: "post_reported" },
    check: async (db) => {
      const reports = await db.selectFrom("post_reports").selectAll().execute();
      expect(reports).toMatchObject([{ reason: "report this post", resolved: false }]);
      // Reports are not announced.
      expect(await relayedActivities(db)).toHaveLength(2);
    },
  },
  {
    name: "an Announce of content in a local community by a remote community",
    json: () => ({
      id: "http://enterprise.lemmy.ml/activities/announce/of-plaza",
      type: "Announce",
      actor: MAIN,
      object: toPlaza(load("lemmy/activities/create_or_update/create_page.json"), "create/announced"),
    }),
    expect: { rejected: "community_is_not_announcer" },
  },
  {
    name: "a Resolve of that report by someone who does not moderate the local community",
    json: () => ({
      id: "http://ds9.lemmy.ml/activities/resolve/local",
      type: "Resolve",
      actor: "http://ds9.lemmy.ml/u/lemmy_user",
      to: [PLAZA],
      audience: PLAZA,
      object: {
        ...load("lemmy/activities/community/report_page.json"),
        id: "http://ds9.lemmy.ml/activities/flag/local-again",
        to: [PLAZA],
        audience: PLAZA,
        object: LOCAL_POST,
      },
    }),
    expect: { rejected: "not_a_moderator" },
    check: async (db) => {
      const reports = await db.selectFrom("post_reports").select("resolved").execute();
      expect(reports).toEqual([{ resolved: false }]);
    },
  },
  {
    name: "our own activity, announced back to us",
    json: () => ({
      id: "http://enterprise.lemmy.ml/activities/announce/echo",
      type: "Announce",
      actor: MAIN,
      object: {
        id: `${ORIGIN}/activities/like/1`,
        type: "Like",
        actor: `${ORIGIN}/u/fan`,
        object: "http://ds9.lemmy.ml/post/1",
      },
    }),
    expect: { rejected: "own_activity" },
  },
];

/** Lemmy's create_page.json as a new post in main, with ids of its own. */
function lemmyPost(name: string): Json {
  const json = load("lemmy/activities/create_or_update/create_page.json");
  mainAudience(json);
  json.id = `http://ds9.lemmy.ml/activities/create/${name}`;
  (json.object as Json).id = `http://ds9.lemmy.ml/post/${name}`;
  return json;
}

/** A site ban of `person` by ds9's admin, as Lemmy sends it (block/block_user.rs, target: the site). */
function siteBanOnDs9(person: string, name: string): Json {
  return {
    id: `http://ds9.lemmy.ml/activities/block/site-${name}`,
    type: "Block",
    actor: "http://ds9.lemmy.ml/u/lemmy_admin",
    to: [PUBLIC],
    object: person,
    target: "http://ds9.lemmy.ml/",
    removeData: true,
    summary: "spam everywhere",
    endTime: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

/** Lemmy's lock_page.json as the Lock of ds9's post 1 in main by `actor`. */
function lockOfMain(actor: string, name: string): Json {
  return {
    ...load("lemmy/activities/community/lock_page.json"),
    id: `${new URL(actor).origin}/activities/lock/${name}`,
    actor,
    object: "http://ds9.lemmy.ml/post/1",
    cc: [MAIN],
    audience: MAIN,
  };
}

async function moderates(db: Db, personApId: string): Promise<boolean> {
  const [person, community] = await Promise.all([findPersonByApId(db, personApId), findCommunityByApId(db, MAIN)]);
  if (!person || !community) return false;
  return isModerator(db, community.id, person.id);
}

/** The ids of ds9's lemmy_alpha and of main. */
async function mainAndAlpha(db: Db): Promise<[string, string]> {
  const [person, community] = await Promise.all([
    findPersonByApId(db, "http://ds9.lemmy.ml/u/lemmy_alpha"),
    findCommunityByApId(db, MAIN),
  ]);
  if (!person || !community) throw new Error("lemmy_alpha and main are set up in beforeAll");
  return [person.id, community.id];
}

async function bannedFromMain(db: Db): Promise<boolean> {
  const person = await findPersonByApId(db, "http://ds9.lemmy.ml/u/lemmy_alpha");
  if (!person) return false;
  return (await checkBan(db, person.id, { communityId: (await findCommunityByApId(db, MAIN))?.id ?? "0" })) !== null;
}

/** Bans (or unbans) lemmy_alpha of ds9 from main. */
async function setBan(db: Db, ban: boolean): Promise<void> {
  const [person, community, moderator] = await Promise.all([
    findPersonByApId(db, "http://ds9.lemmy.ml/u/lemmy_alpha"),
    findCommunityByApId(db, MAIN),
    findPersonByApId(db, `${ORIGIN}/u/fan`),
  ]);
  if (!person || !community || !moderator) throw new Error("ban set-up is missing rows");
  await writeCommunityBan(db, {
    communityId: community.id,
    personId: person.id,
    ban,
    bannedBy: moderator.id,
    reason: null,
    expiresAt: null,
  });
}

const PLAZA = `${ORIGIN}/c/plaza`;
/** A post by the local user in the local community (created in beforeAll). */
let LOCAL_POST = "";

/** A Lemmy Create(Page) readdressed to the local community, with an id of its own. */
function toPlaza(json: Json, id: string): Json {
  const object = json.object as Json;
  json.id = `http://ds9.lemmy.ml/activities/${id}`;
  json.cc = [PLAZA];
  json.audience = PLAZA;
  object.id = `http://ds9.lemmy.ml/post/${id.replace("/", "-")}`;
  object.to = [PLAZA, PUBLIC];
  object.audience = PLAZA;
  return json;
}

/** Activities the bridge was asked to announce (community_activity_received events). */
async function relayedActivities(db: Db): Promise<unknown[]> {
  const rows = await db
    .selectFrom("queue_messages")
    .select("message")
    .where("queue", "=", "events")
    .orderBy("id")
    .execute();
  return rows
    .map((row) => row.message as { type: string; activity?: unknown })
    .filter((message) => message.type === "community_activity_received")
    .map((message) => message.activity);
}

/** Fixtures that are not inbox input: actors (read by Fedify's actor lookup, persistActor) and
 *  collections (served, not read, by Plenum so far). */
const NOT_INBOX_INPUT = /\/(objects\/(group|person|person_\d|instance)|collections\/)/;

describe("inbound fixtures through the pipeline", () => {
  let database: TestDatabase;
  let db: Db;
  let remote: Remote;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await ensureSite(db);
    const urls = localUrls(ORIGIN);
    const fan = await createLocalUser(db, urls, { name: "fan", password: "correct horse battery" });
    if (!fan.ok) throw new Error("could not create the local user");
    const plaza = await createLocalCommunity(db, urls, { name: "plaza", title: "Plaza", moderatorName: "fan" });
    if (!plaza.ok) throw new Error("could not create the local community");
    const account = await findLocalAccount(db, fan.value.id);
    if (!account) throw new Error("no local account");
    const created = await createPost(db, urls, account, { communityId: plaza.value.id, title: "Local news" });
    if (!created.ok) throw new Error("could not create the local post");
    LOCAL_POST = created.value.ap_id;
    const communities: [string, boolean][] = [
      [MAIN, true],
      [TENFORWARD, true],
      ["https://ds9.lemmy.ml/c/testcom", true],
      ["https://lemmy.qa.urbanwildlife.biz/c/lemmy_community", true],
      ["https://voyager.lemmy.ml/c/pubtest0906", true],
      ["https://c.tide.tk/communities/1", true],
      ["https://narwhal.city/communities/4", true],
      ["https://tilvids.com/video-channels/thelinuxexperiment_channel", true],
      ["https://pfefferle.org/@pfefferle.org", true],
      ["https://socialhub.activitypub.rocks/ap/actor/797217cf18c0e819dfafc52425590146", true],
      ["http://ds9.lemmy.ml/c/unfollowed", false],
      ["https://bb.devnull.land/category/2", false],
    ];
    for (const [apId, followed] of communities) {
      const url = new URL(apId);
      const community = await upsertRemoteCommunity(db, {
        ap_id: apId,
        instance_id: await ensureInstance(db, url.host),
        name: url.pathname.split("/").filter(Boolean).at(-1)?.replace(/\W/g, "_") ?? "c",
        title: apId,
        inbox_url: `${apId}/inbox`,
        moderators_url: `${apId}/moderators`,
        featured_url: `${apId}/featured`,
      });
      if (followed) {
        await upsertFollow(db, {
          communityId: community.id,
          personId: fan.value.id,
          state: "accepted",
          followActivityId: null,
        });
      }
    }
    // The fake network: the fixtures' posts and comments by id, and a made-up person for any id.
    const documents = new Map<string, Json>();
    for (const path of allFixtures().filter((path) => path.includes("/objects/"))) {
      const json = load(path);
      if (typeof json.id === "string") documents.set(json.id, json);
    }
    remote = {
      async person(id) {
        const url = new URL(id);
        const name = (url.pathname.split("/").filter(Boolean).at(-1) ?? url.host).replace(/\W/g, "_");
        return upsertRemotePerson(db, {
          ap_id: id,
          instance_id: await ensureInstance(db, url.host),
          name,
          inbox_url: `${id}/inbox`,
          last_fetched_at: new Date(),
        });
      },
      fetch: async (id) => documents.get(id) ?? null,
    };
  });

  afterAll(async () => {
    await database?.close();
  });

  function summary(outcome: Outcome): Expected {
    switch (outcome.status) {
      case "applied":
        return { applied: outcome.effect };
      case "rejected":
        return { rejected: outcome.reason };
      case "duplicate":
        return "duplicate";
    }
  }

  test.each(ROWS.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    const json = row.json();
    await row.before?.(db);
    try {
      const signer = row.signer ?? (typeof json.actor === "string" ? new URL(json.actor).href : "");
      const outcome = await receiveActivity({ db, origin: ORIGIN, remote }, json, { signer });
      expect(summary(outcome)).toEqual(row.expect);
    } finally {
      await row.after?.(db);
    }
    await row.check?.(db);
  });

  test("a rejected activity leaves no trace: no row, no remembered id", async () => {
    const rejectedIds = [
      "http://ds9.lemmy.ml/activities/create/elsewhere",
      "http://ds9.lemmy.ml/activities/create/late",
    ];
    const remembered = await db
      .selectFrom("received_activities")
      .select("ap_id")
      .where("ap_id", "in", rejectedIds)
      .execute();
    expect(remembered).toEqual([]);
    expect(await findPostByApId(db, "https://evil.example/post/1")).toBeUndefined();
    expect(await findPostByApId(db, "http://ds9.lemmy.ml/post/99")).toBeUndefined();
  });

  test("every inbox fixture has a row", () => {
    const covered = new Set(ROWS.map((row) => row.name.replace(/ \(.*\)$/, "")));
    const missing = allFixtures().filter((path) => !NOT_INBOX_INPUT.test(path) && !covered.has(path));
    expect(missing).toEqual([]);
  });
});
