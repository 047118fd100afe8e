// Accounts and site settings through the Lemmy v3 API, driven by lemmy-js-client.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer, TEST_PASSWORD } from "../support/api.ts";

/** The error code a rejected lemmy-js-client call carries. */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call succeeded");
}

const registration = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  password: TEST_PASSWORD,
  password_verify: TEST_PASSWORD,
  ...extra,
});

describe("accounts", () => {
  let server: ApiServer;
  let admin: LemmyHttp;

  beforeAll(async () => {
    server = await startApiServer();
    admin = (await server.user("alice")).client;
  });

  afterAll(async () => {
    await server?.close();
  });

  test("the first account becomes the site's admin", async () => {
    const site = await admin.getSite();
    expect(site.my_user?.local_user_view.local_user.admin).toBe(true);
    expect(site.admins.map((a) => a.person.name)).toEqual(["alice"]);
    const second = await server.user("bob");
    expect((await second.client.getSite()).my_user?.local_user_view.local_user.admin).toBe(false);
  });

  test("getSite without a login has no my_user, and lists languages and pronouns", async () => {
    const site = await server.client().getSite();
    expect(site.my_user).toBeUndefined();
    expect(site.site_view.local_site.registration_mode).toBe("Open");
    expect(site.all_languages).toContainEqual({ id: 0, code: "und", name: "Undetermined" });
    expect((site as unknown as { pronouns: string[] }).pronouns).toContain("none/use name");
  });

  test.each([
    [registration("alice"), "user_already_exists"],
    [registration("x"), "invalid_name"],
    [registration("Has Spaces"), "invalid_name"],
    [{ username: "carol", password: "short", password_verify: "short" }, "invalid_password"],
    [{ username: "carol", password: TEST_PASSWORD, password_verify: `${TEST_PASSWORD}!` }, "passwords_do_not_match"],
    [{ username: "carol" }, "invalid_request"],
  ])("registering %j is refused with %s", async (form, code) => {
    expect(await errorOf(server.client().register(form as never))).toBe(code);
  });

  test("login refuses a wrong password and an unknown name alike", async () => {
    const client = server.client();
    expect(await errorOf(client.login({ username_or_email: "alice", password: "not the password" }))).toBe(
      "incorrect_login",
    );
    expect(await errorOf(client.login({ username_or_email: "nobody", password: TEST_PASSWORD }))).toBe(
      "incorrect_login",
    );
    const ok = await client.login({ username_or_email: "ALICE", password: TEST_PASSWORD });
    expect(ok.jwt).toBeTruthy();
  });

  test("logging out ends that token, and only that one", async () => {
    const first = await server.client().login({ username_or_email: "alice", password: TEST_PASSWORD });
    const second = await server.client().login({ username_or_email: "alice", password: TEST_PASSWORD });
    const firstClient = server.client(first.jwt);
    expect(await firstClient.validateAuth()).toEqual({ success: true });
    await firstClient.logout();
    expect(await errorOf(firstClient.validateAuth())).toBe("not_logged_in");
    expect(await server.client(second.jwt).validateAuth()).toEqual({ success: true });
  });

  test("a forged token is not a login", async () => {
    const jwt = (await server.client().login({ username_or_email: "alice", password: TEST_PASSWORD })).jwt ?? "";
    const [header, payload] = jwt.split(".");
    const forged = `${header}.${payload}.${"A".repeat(43)}`;
    expect(await errorOf(server.client(forged).validateAuth())).toBe("not_logged_in");
  });

  test("changing the password ends every other login", async () => {
    const dave = await server.user("dave");
    const other = await server.client().login({ username_or_email: "dave", password: TEST_PASSWORD });
    expect(
      await errorOf(
        dave.client.changePassword({
          old_password: "wrong one!!",
          new_password: "a new password",
          new_password_verify: "a new password",
        }),
      ),
    ).toBe("incorrect_login");
    const changed = await dave.client.changePassword({
      old_password: TEST_PASSWORD,
      new_password: "a new password",
      new_password_verify: "a new password",
    });
    expect(await errorOf(server.client(other.jwt).validateAuth())).toBe("not_logged_in");
    expect(await server.client(changed.jwt).validateAuth()).toEqual({ success: true });
    expect(await errorOf(server.client().login({ username_or_email: "dave", password: TEST_PASSWORD }))).toBe(
      "incorrect_login",
    );
  });

  test("profile settings, with pronouns as structured data", async () => {
    const erin = await server.user("erin");
    await erin.client.saveUserSettings({
      display_name: "Erin",
      bio: "Hello **there**",
      bot_account: false,
      show_nsfw: true,
      default_sort_type: "New",
      pronouns: ["they/them", "any"],
    } as never);
    const details = await server.client().getPersonDetails({ username: "erin" });
    expect(details.person_view.person).toMatchObject({ name: "erin", display_name: "Erin", bio: "Hello **there**" });
    expect((details.person_view.person as unknown as { pronouns: string[] }).pronouns).toEqual(["they/them", "any"]);
    const mine = (await erin.client.getSite()).my_user?.local_user_view.local_user;
    expect(mine).toMatchObject({ show_nsfw: true, default_sort_type: "New" });

    expect(await errorOf(erin.client.saveUserSettings({ pronouns: ["she/her", "they/them", "any"] } as never))).toBe(
      "invalid_pronouns",
    );
    expect(await errorOf(erin.client.saveUserSettings({ pronouns: ["made/up"] } as never))).toBe("invalid_pronouns");
    expect(await errorOf(erin.client.saveUserSettings({ bio: "x".repeat(301) }))).toBe("bio_length_overflow");
    expect(await errorOf(erin.client.saveUserSettings({ avatar: "javascript:alert(1)" }))).toBe("invalid_request");
    // Nothing of the refused changes was written.
    const after = await server.client().getPersonDetails({ username: "erin" });
    expect((after.person_view.person as unknown as { pronouns: string[] }).pronouns).toEqual(["they/them", "any"]);
    expect(after.person_view.person.bio).toBe("Hello **there**");

    // Clearing with empty strings, as in Lemmy.
    await erin.client.saveUserSettings({ display_name: "", pronouns: [] } as never);
    const cleared = await server.client().getPersonDetails({ username: "erin" });
    expect(cleared.person_view.person.display_name).toBeUndefined();
  });

  test("admins edit the pronoun list; members then choose from it", async () => {
    const frank = await server.user("frank");
    expect(await errorOf(frank.client.saveUserSettings({ pronouns: ["ze/zir"] } as never))).toBe("invalid_pronouns");
    expect(await errorOf(frank.client.editSite({ pronouns: ["ze/zir"] } as never))).toBe("not_an_admin");
    await admin.editSite({ pronouns: ["he/him", "she/her", "they/them", "ze/zir", "none/use name"] } as never);
    await frank.client.saveUserSettings({ pronouns: ["ze/zir"] } as never);
    const details = await server.client().getPersonDetails({ username: "frank" });
    expect((details.person_view.person as unknown as { pronouns: string[] }).pronouns).toEqual(["ze/zir"]);
  });

  test("getPersonDetails lists the person's posts and comments, newest first", async () => {
    const kim = await server.user("kim");
    const { community_view } = await kim.client.createCommunity({ name: "kims_place", title: "Kim's place" });
    const first = await kim.client.createPost({ name: "First post", community_id: community_view.community.id });
    const second = await kim.client.createPost({ name: "Second post", community_id: community_view.community.id });
    await kim.client.createComment({ post_id: first.post_view.post.id, content: "A comment of mine" });
    await admin.createComment({ post_id: first.post_view.post.id, content: "Someone else's comment" });
    const details = await server.client().getPersonDetails({ username: "kim", sort: "New" });
    expect(details.posts.map((p) => p.post.name)).toEqual(["Second post", "First post"]);
    expect(details.comments.map((c) => c.comment.content)).toEqual(["A comment of mine"]);
    expect(details.person_view.counts).toMatchObject({ post_count: 2, comment_count: 1 });
    expect(details.moderates.map((m) => m.community.name)).toEqual(["kims_place"]);
    expect(second.post_view.creator.name).toBe("kim");
  });

  test("getPersonDetails by id and by name; unknown persons are not found", async () => {
    const byName = await server.client().getPersonDetails({ username: "alice" });
    const byId = await server.client().getPersonDetails({ person_id: byName.person_view.person.id });
    expect(byId.person_view.person.name).toBe("alice");
    expect(byId.person_view.is_admin).toBe(true);
    expect(await errorOf(server.client().getPersonDetails({ username: "nobody" }))).toBe("couldnt_find_person");
    expect(await errorOf(server.client().getPersonDetails({}))).toBe("no_id_given");
  });
});

describe("registration modes", () => {
  let server: ApiServer;
  let admin: LemmyHttp;

  beforeAll(async () => {
    server = await startApiServer();
    admin = (await server.user("admin")).client;
  });

  afterAll(async () => {
    await server?.close();
  });

  test("a closed site refuses registrations", async () => {
    await admin.editSite({ registration_mode: "Closed" });
    expect(await errorOf(server.client().register(registration("closedout")))).toBe("registration_closed");
    await admin.editSite({ registration_mode: "Open" });
  });

  test("application mode needs a question, then an answer, then an admin", async () => {
    expect(await errorOf(admin.editSite({ registration_mode: "RequireApplication" }))).toBe(
      "application_question_required",
    );
    await admin.editSite({ registration_mode: "RequireApplication", application_question: "Why join?" });
    expect((await server.client().getSite()).site_view.local_site.application_question).toBe("Why join?");

    expect(await errorOf(server.client().register(registration("gina")))).toBe(
      "registration_application_answer_required",
    );
    const created = await server.client().register(registration("gina", { answer: "To talk about trains" }));
    expect(created).toEqual({ registration_created: true, verify_email_sent: false });
    expect(await errorOf(server.client().login({ username_or_email: "gina", password: TEST_PASSWORD }))).toBe(
      "registration_application_is_pending",
    );
    await server.client().register(registration("hank", { answer: "spam" }));

    expect((await admin.getUnreadRegistrationApplicationCount()).registration_applications).toBe(2);
    const { registration_applications: pending } = await admin.listRegistrationApplications({ unread_only: true });
    const byName = new Map(pending.map((a) => [a.creator.name, a]));
    expect(byName.get("gina")?.registration_application.answer).toBe("To talk about trains");

    const gina = byName.get("gina");
    const hank = byName.get("hank");
    if (!gina || !hank) throw new Error("both applications should be listed");
    const approved = await admin.approveRegistrationApplication({
      id: gina.registration_application.id,
      approve: true,
    });
    expect(approved.registration_application.admin?.name).toBe("admin");
    await admin.approveRegistrationApplication({
      id: hank.registration_application.id,
      approve: false,
      deny_reason: "Looks like spam",
    });

    const login = await server.client().login({ username_or_email: "gina", password: TEST_PASSWORD });
    expect(login.jwt).toBeTruthy();
    expect(await errorOf(server.client().login({ username_or_email: "hank", password: TEST_PASSWORD }))).toBe(
      "registration_denied",
    );
    expect((await admin.getUnreadRegistrationApplicationCount()).registration_applications).toBe(0);
  });

  test("only admins see applications", async () => {
    await admin.editSite({ registration_mode: "Open" });
    const ivan = await server.user("ivan");
    expect(await errorOf(ivan.client.listRegistrationApplications({}))).toBe("not_an_admin");
    expect(await errorOf(server.client().getUnreadRegistrationApplicationCount())).toBe("not_logged_in");
  });
});

describe("rate limits", () => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer({ PLENUM_RATE_LIMITS: "register=2/3600,login=2/60" });
  });

  afterAll(async () => {
    await server?.close();
  });

  test("registrations and logins beyond the limit get rate_limit_error (429)", async () => {
    await server.user("one");
    await server.user("two");
    expect(await errorOf(server.client().register(registration("three")))).toBe("rate_limit_error");
    const response = await fetch(`${server.origin}/api/v3/user/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(registration("four")),
    });
    expect(response.status).toBe(429);
    await server.client().login({ username_or_email: "one", password: TEST_PASSWORD });
    await server.client().login({ username_or_email: "one", password: TEST_PASSWORD });
    expect(await errorOf(server.client().login({ username_or_email: "one", password: TEST_PASSWORD }))).toBe(
      "rate_limit_error",
    );
  });
});
