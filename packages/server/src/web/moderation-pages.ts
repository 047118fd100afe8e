// Moderation pages and forms: reporting, the report queue (/reports), removing, restoring, banning
// and purging, the modlog (/modlog, /c/{name}/modlog) and the admin page (/admin). Every form is
// a post answered by a redirect; refused ones say why (the admin settings form comes back with
// what was typed).
import {
  banFromCommunity,
  banFromSite,
  createCommentReport,
  createPostReport,
  decideRegistrationApplication,
  findCommentById,
  findCommunityByName,
  findLocalPersonByName,
  findPersonById,
  findPersonByIdOrName,
  findPostById,
  getSite,
  hostOf,
  type LocalAccount,
  listAdmins,
  listCommentReports,
  listFederationLists,
  listModlog,
  listPostReports,
  listRegistrationApplications,
  listSiteBannedPersons,
  listTaglines,
  MAX_TAGLINE_LENGTH,
  MAX_TAGLINES,
  moderatesAnything,
  type PersonRow,
  purgeComment,
  purgePost,
  type RegistrationMode,
  removeComment,
  removePost,
  replaceTaglines,
  resolveCommentReport,
  resolvePostReport,
  setAdmin,
  setFederationLists,
  updateSite,
} from "@plenum/core";
import {
  type AdminSiteForm,
  renderAdminPage,
  renderMessagePage,
  renderModlogPage,
  renderNotFoundPage,
  renderReportsPage,
  siteFormFrom,
} from "@plenum/web";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { modNamesVisible } from "../api/v3/moderation.ts";
import { pageRequest, safeNext, sendPage } from "./context.ts";
import { checked, type Form, field } from "./forms.ts";
import { ERROR_MESSAGES } from "./messages.ts";

/** Reports of each kind on the queue page. */
const REPORTS_SHOWN = 50;
/** Modlog entries per page. */
const MODLOG_PER_PAGE = 50;
/** Registration applications shown on the admin page. */
const APPLICATIONS_SHOWN = 50;
const DAY_MS = 24 * 3600_000;
/** Longest site name and description (Lemmy's limits, as editSite checks them). */
const MAX_SITE_NAME = 20;
const MAX_SITE_DESCRIPTION = 150;
const MAX_PRONOUN_LENGTH = 30;
const MAX_PRONOUN_VALUES = 100;

const message = (code: string) => ERROR_MESSAGES[code] ?? `That did not work (${code}).`;

type IdParams = { Params: { id: string } };
type NameParams = { Params: { name: string } };
type Query = Record<string, string | undefined>;

/** Non-blank lines of a textarea, trimmed. */
const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");

export function registerModerationPages(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;
  const { db } = runtime.database;
  const csrf = { preHandler: app.csrfProtection };

  /** The reader, or a redirect to log in (and null). */
  async function member(request: FastifyRequest, reply: FastifyReply) {
    const viewer = await api.viewer(request);
    if (!viewer) {
      const next = request.method === "GET" ? request.url : back(request, "/");
      reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    return viewer;
  }

  const back = (request: FastifyRequest, fallback: string) => safeNext(field(request.body as Form, "back"), fallback);

  /** A refused form: a page saying why, with a way back. */
  async function refuse(request: FastifyRequest, reply: FastifyReply, code: string, status = 400) {
    const { ctx } = await pageRequest(runtime, request, reply);
    const page = renderMessagePage(ctx, {
      title: "That did not work",
      message: message(code),
      back: back(request, "/"),
    });
    return sendPage(reply, page, status);
  }

  async function forbidden(request: FastifyRequest, reply: FastifyReply, text: string) {
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(reply, renderMessagePage(ctx, { title: "Not for you", message: text }), 403);
  }

  // ---- Reporting ----

  for (const kind of ["post", "comment"] as const) {
    app.post<IdParams>(`/${kind}/:id/report`, csrf, async (request, reply) => {
      const viewer = await member(request, reply);
      if (!viewer) return reply;
      const input = { reason: field(request.body as Form, "reason") };
      const result =
        kind === "post"
          ? await createPostReport(db, viewer, { postId: request.params.id, ...input })
          : await createCommentReport(db, viewer, { commentId: request.params.id, ...input });
      if (!result.ok) return refuse(request, reply, result.error.type);
      return reply.redirect(
        `/report_sent?back=${encodeURIComponent(back(request, `/${kind}/${request.params.id}`))}`,
        303,
      );
    });
  }

  app.get<{ Querystring: Query }>("/report_sent", async (request, reply) => {
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(
      reply,
      renderMessagePage(ctx, {
        title: "Report sent",
        message: "Thank you. The community's moderators will look at it.",
        back: safeNext(request.query.back, "/"),
      }),
    );
  });

  // ---- The queue ----

  app.get<{ Querystring: Query }>("/reports", async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    if (!(await moderatesAnything(db, viewer))) {
      return forbidden(request, reply, "Only moderators and admins have a report queue.");
    }
    const showResolved = request.query.all === "1";
    const query = { unresolvedOnly: !showResolved, page: 1, limit: REPORTS_SHOWN };
    const [posts, comments] = await Promise.all([
      listPostReports(db, viewer, query),
      listCommentReports(db, viewer, query),
    ]);
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(
      reply,
      renderReportsPage(ctx, {
        postReports: posts.ok ? posts.value : [],
        commentReports: comments.ok ? comments.value : [],
        showResolved,
        isAdmin: viewer.localUser.admin,
      }),
    );
  });

  for (const kind of ["post", "comment"] as const) {
    app.post<IdParams>(`/reports/${kind}/:id/resolve`, csrf, async (request, reply) => {
      const viewer = await member(request, reply);
      if (!viewer) return reply;
      const input = { reportId: request.params.id, resolved: checked(request.body as Form, "resolved") };
      if (!/^\d+$/.test(input.reportId)) return refuse(request, reply, `couldnt_find_${kind}_report`, 404);
      const result =
        kind === "post" ? await resolvePostReport(db, viewer, input) : await resolveCommentReport(db, viewer, input);
      if (!result.ok) return refuse(request, reply, result.error.type);
      return reply.redirect(back(request, "/reports"), 303);
    });
  }

  // ---- Removing, restoring and purging ----

  const validId = (id: string) => /^\d+$/.test(id);

  app.post<IdParams>("/post/:id/remove", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    if (!validId(request.params.id)) return refuse(request, reply, "couldnt_find_post", 404);
    const form = request.body as Form;
    const result = await removePost(db, viewer, {
      postId: request.params.id,
      removed: checked(form, "removed"),
      reason: field(form, "reason"),
    });
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(back(request, `/post/${request.params.id}`), 303);
  });

  app.post<IdParams>("/comment/:id/remove", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    if (!validId(request.params.id)) return refuse(request, reply, "couldnt_find_comment", 404);
    const form = request.body as Form;
    const result = await removeComment(db, viewer, {
      commentId: request.params.id,
      removed: checked(form, "removed"),
      reason: field(form, "reason"),
    });
    if (!result.ok) return refuse(request, reply, result.error.type);
    // Back in a thread, to the comment's place in it.
    const to = back(request, `/comment/${request.params.id}`).split("#")[0] ?? "/";
    const inThread = to.startsWith("/post/") || to.startsWith("/comment/");
    return reply.redirect(inThread ? `${to}#comment-${request.params.id}` : to, 303);
  });

  app.post<IdParams>("/post/:id/purge", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const post = validId(request.params.id) ? await findPostById(db, request.params.id) : undefined;
    if (!post) return refuse(request, reply, "couldnt_find_post", 404);
    const result = await purgePost(db, viewer, { postId: post.id, reason: field(request.body as Form, "reason") });
    if (!result.ok) return refuse(request, reply, result.error.type);
    // The post's page is gone: back to its community.
    const community = await db
      .selectFrom("communities")
      .select("name")
      .where("id", "=", post.community_id)
      .executeTakeFirst();
    return reply.redirect(community ? `/c/${community.name}` : "/", 303);
  });

  app.post<IdParams>("/comment/:id/purge", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const comment = validId(request.params.id) ? await findCommentById(db, request.params.id) : undefined;
    if (!comment) return refuse(request, reply, "couldnt_find_comment", 404);
    const result = await purgeComment(db, viewer, {
      commentId: comment.id,
      reason: field(request.body as Form, "reason"),
    });
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(`/post/${comment.post_id}`, 303);
  });

  // ---- Bans ----

  /** A ban's end from the form's `days` (blank: for good). */
  function expiresFrom(form: Form): Date | null | "invalid" {
    const days = field(form, "days").trim();
    if (days === "") return null;
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 36_500) return "invalid";
    return new Date(Date.now() + n * DAY_MS);
  }

  app.post<NameParams>("/c/:name/ban", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const community = await findCommunityByName(db, request.params.name);
    if (!community) return refuse(request, reply, "couldnt_find_community", 404);
    const form = request.body as Form;
    const expiresAt = expiresFrom(form);
    if (expiresAt === "invalid") return refuse(request, reply, "invalid_ban_days");
    const personId = field(form, "person_id");
    if (!validId(personId)) return refuse(request, reply, "couldnt_find_person", 404);
    const result = await banFromCommunity(db, viewer, {
      communityId: community.id,
      personId,
      ban: checked(form, "ban"),
      reason: field(form, "reason"),
      expiresAt,
      removeData: checked(form, "remove_data"),
    });
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(back(request, `/c/${community.name}/modlog`), 303);
  });

  // ---- The modlog ----

  async function modlogPage(
    request: FastifyRequest<{ Querystring: Query }>,
    reply: FastifyReply,
    communityName: string | null,
  ) {
    const community = communityName ? await findCommunityByName(db, communityName) : null;
    if (communityName && !community) {
      const { ctx } = await pageRequest(runtime, request, reply);
      return sendPage(reply, renderNotFoundPage(ctx, `There is no community called ${communityName} here.`), 404);
    }
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(request.query.page ?? "1", 10) || 1));
    const namesHidden = !(await modNamesVisible(api, viewer, community?.id));
    const entries = await listModlog(
      db,
      { communityId: community?.id, page, limit: MODLOG_PER_PAGE },
      { hideModNames: namesHidden },
    );
    const base = community ? `/c/${community.name}/modlog` : "/modlog";
    return sendPage(
      reply,
      renderModlogPage(ctx, {
        community: community ?? null,
        entries,
        nextHref: entries.length === MODLOG_PER_PAGE ? `${base}?page=${page + 1}` : null,
        namesHidden,
      }),
    );
  }

  app.get<{ Querystring: Query }>("/modlog", async (request, reply) => modlogPage(request, reply, null));
  app.get<NameParams & { Querystring: Query }>("/c/:name/modlog", async (request, reply) =>
    modlogPage(request, reply, request.params.name),
  );

  // ---- The admin page ----

  /** The reader if an admin; otherwise answers (login, or a refusal) and gives null. */
  async function admin(request: FastifyRequest, reply: FastifyReply): Promise<LocalAccount | null> {
    const viewer = await member(request, reply);
    if (!viewer) return null;
    if (!viewer.localUser.admin) {
      await forbidden(request, reply, message("not_an_admin"));
      return null;
    }
    return viewer;
  }

  async function adminPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { form?: AdminSiteForm; errors?: string[]; notice?: string | null; status?: number } = {},
  ) {
    const [site, taglines, applications, admins, banned, lists] = await Promise.all([
      getSite(db),
      listTaglines(db),
      listRegistrationApplications(db, { unreadOnly: true, limit: APPLICATIONS_SHOWN, offset: 0 }),
      listAdmins(db),
      listSiteBannedPersons(db),
      listFederationLists(db),
    ]);
    const applicants: { application: (typeof applications)[number]; person: PersonRow }[] = [];
    for (const application of applications) {
      const person = await findPersonById(db, application.person_id);
      if (person) applicants.push({ application, person });
    }
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(
      reply,
      renderAdminPage(ctx, {
        form:
          options.form ??
          siteFormFrom(
            site,
            taglines.map((t) => t.content),
          ),
        errors: options.errors ?? [],
        notice: options.notice ?? null,
        applications: applicants,
        admins,
        banned,
        lists,
      }),
      options.status ?? 200,
    );
  }

  const NOTICES: Record<string, string> = {
    settings: "Settings saved.",
    application: "Application decided.",
    admins: "Admins changed.",
    ban: "Ban saved.",
    instances: "Instance lists saved.",
  };

  app.get<{ Querystring: Query }>("/admin", async (request, reply) => {
    if (!(await admin(request, reply))) return reply;
    return adminPage(request, reply, { notice: NOTICES[request.query.saved ?? ""] ?? null });
  });

  app.post("/admin/site", csrf, async (request, reply) => {
    if (!(await admin(request, reply))) return reply;
    const form = request.body as Form;
    const modes: readonly RegistrationMode[] = ["Open", "RequireApplication", "Closed"];
    const mode = modes.find((m) => m === field(form, "registration_mode"));
    const values: AdminSiteForm = {
      name: field(form, "name"),
      description: field(form, "description"),
      sidebar: field(form, "sidebar"),
      registrationMode: mode ?? "Open",
      applicationQuestion: field(form, "application_question"),
      enableDownvotes: checked(form, "enable_downvotes"),
      enableNsfw: checked(form, "enable_nsfw"),
      communityCreationAdminOnly: checked(form, "community_creation_admin_only"),
      hideModlogModNames: checked(form, "hide_modlog_mod_names"),
      pronouns: field(form, "pronouns"),
      taglines: field(form, "taglines"),
    };
    const pronouns = [...new Set(lines(values.pronouns))];
    const taglines = lines(values.taglines);
    const errors: string[] = [];
    const name = values.name.trim();
    if (name === "" || [...name].length > MAX_SITE_NAME) errors.push(message("invalid_site_name"));
    if ([...values.description].length > MAX_SITE_DESCRIPTION) errors.push(message("site_description_length_overflow"));
    if (!mode) errors.push(message("invalid_request"));
    if (mode === "RequireApplication" && values.applicationQuestion.trim() === "") {
      errors.push(message("application_question_required"));
    }
    if (pronouns.length > MAX_PRONOUN_VALUES || pronouns.some((p) => [...p].length > MAX_PRONOUN_LENGTH)) {
      errors.push(message("invalid_pronoun_list"));
    }
    if (taglines.length > MAX_TAGLINES || taglines.some((t) => [...t].length > MAX_TAGLINE_LENGTH)) {
      errors.push(message("invalid_taglines"));
    }
    if (errors.length > 0) return adminPage(request, reply, { form: values, errors, status: 400 });
    const text = (value: string) => (value.trim() === "" ? null : value);
    await updateSite(db, {
      name,
      description: text(values.description),
      sidebar: text(values.sidebar),
      registration_mode: mode,
      application_question: text(values.applicationQuestion),
      enable_downvotes: values.enableDownvotes,
      enable_nsfw: values.enableNsfw,
      community_creation_admin_only: values.communityCreationAdminOnly,
      hide_modlog_mod_names: values.hideModlogModNames,
      pronouns,
    });
    await replaceTaglines(db, taglines);
    return reply.redirect("/admin?saved=settings", 303);
  });

  app.post<IdParams>("/admin/applications/:id", csrf, async (request, reply) => {
    const me = await admin(request, reply);
    if (!me) return reply;
    if (!validId(request.params.id)) return refuse(request, reply, "couldnt_find_registration_application", 404);
    const form = request.body as Form;
    const result = await decideRegistrationApplication(db, {
      id: request.params.id,
      adminId: me.person.id,
      approve: checked(form, "approve"),
      denyReason: field(form, "deny_reason").trim() || null,
    });
    if (!result.ok) return refuse(request, reply, result.error.type, 404);
    return reply.redirect("/admin?saved=application#applications", 303);
  });

  app.post("/admin/admins", csrf, async (request, reply) => {
    const me = await admin(request, reply);
    if (!me) return reply;
    const form = request.body as Form;
    const personId = validId(field(form, "person_id"))
      ? field(form, "person_id")
      : (await findLocalPersonByName(db, field(form, "name").trim()))?.id;
    if (!personId) return refuse(request, reply, "couldnt_find_person", 404);
    const result = await setAdmin(db, me, { personId, added: checked(form, "added") });
    if (!result.ok) return refuse(request, reply, result.error.type);
    // Whoever dismissed themselves is no longer an admin: the admin page is not theirs any more.
    return reply.redirect(
      personId === me.person.id && !checked(form, "added") ? "/" : "/admin?saved=admins#admins",
      303,
    );
  });

  app.post("/admin/ban", csrf, async (request, reply) => {
    const me = await admin(request, reply);
    if (!me) return reply;
    const form = request.body as Form;
    const expiresAt = expiresFrom(form);
    if (expiresAt === "invalid") return refuse(request, reply, "invalid_ban_days");
    const person = validId(field(form, "person_id"))
      ? await findPersonById(db, field(form, "person_id"))
      : await findPersonByIdOrName(db, { name: field(form, "name").trim() });
    if (!person) return refuse(request, reply, "couldnt_find_person", 404);
    const result = await banFromSite(db, me, {
      personId: person.id,
      ban: checked(form, "ban"),
      reason: field(form, "reason"),
      expiresAt,
      removeData: checked(form, "remove_data"),
    });
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(back(request, "/admin?saved=ban#bans"), 303);
  });

  app.post("/admin/federation", csrf, async (request, reply) => {
    if (!(await admin(request, reply))) return reply;
    const form = request.body as Form;
    const result = await setFederationLists(db, {
      allowed: lines(field(form, "allowed_instances")),
      blocked: lines(field(form, "blocked_instances")),
      localHost: hostOf(runtime.config.origin),
    });
    if (!result.ok) {
      const error = result.error;
      const text =
        error.type === "invalid_instance"
          ? `${error.host}: ${message("invalid_instance")}`
          : error.type === "instance_in_both_lists"
            ? `${error.host}: ${message("instance_in_both_lists")}`
            : message(error.type);
      return adminPage(request, reply, { errors: [text], status: 400 });
    }
    return reply.redirect("/admin?saved=instances#instances", 303);
  });
}
