// Megathread pages and forms: the site's and each community's "Megathreads and spaces to hang
// out", reserving and releasing slots, a slot's page where its holder writes the thread, and the
// moderators' series form. Refused forms come back with the reason (and what was typed).
import {
  assignSlot,
  canModerate,
  createSeries,
  editSeries,
  ensureUpcomingSlots,
  findCommunityById,
  findCommunityByName,
  findLocalPersonByName,
  findSeriesById,
  getSlotView,
  type LocalAccount,
  listPastThreads,
  listSeriesViews,
  listUpcomingSlots,
  type MegathreadSchedule,
  type MegathreadScheduleKind,
  type MegathreadSeriesRow,
  refuseSlot,
  releaseSlot,
  reserveSlot,
  type SeriesInput,
  setSlotContent,
} from "@plenum/core";
import {
  type MegathreadsPage,
  renderMegathreadsPage,
  renderNotFoundPage,
  renderSeriesForm,
  renderSlotPage,
  type SeriesForm,
} from "@plenum/web";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { pageRequest, safeNext, sendPage } from "./context.ts";
import { checked, type Form, field } from "./forms.ts";
import { ERROR_MESSAGES } from "./messages.ts";

/** Upcoming slots shown on a megathreads page (the next weeks of a community's series). */
const UPCOMING_SHOWN = 30;
/** Past threads shown on a megathreads page. */
const PAST_SHOWN = 20;

const message = (code: string) => ERROR_MESSAGES[code] ?? `That did not work (${code}).`;

/** IANA time zone names for the form's suggestions (the browser's list of this Node's zones). */
const TIME_ZONES: readonly string[] = Intl.supportedValuesOf("timeZone");

const SCHEDULE_KINDS: readonly MegathreadScheduleKind[] = ["daily", "weekly", "monthly", "once"];

type NameParams = { Params: { name: string } };
type IdParams = { Params: { id: string } };

export function registerMegathreadPages(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;
  const { db } = runtime.database;
  const csrf = { preHandler: app.csrfProtection };

  async function notFound(request: FastifyRequest, reply: FastifyReply, what: string) {
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(reply, renderNotFoundPage(ctx, what), 404);
  }

  /** A megathreads page: the site's (community null) or one community's, with any errors. */
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    communityName: string | null,
    errors: string[] = [],
    status = 200,
  ) {
    const community = communityName ? await findCommunityByName(db, communityName) : null;
    if (communityName && (!community || community.deleted || community.removed)) {
      return notFound(request, reply, `There is no community called ${communityName} here.`);
    }
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const now = new Date();
    const filter = { communityId: community?.id };
    await ensureUpcomingSlots(db, now, filter);
    const [series, upcoming, past] = await Promise.all([
      listSeriesViews(db, filter),
      listUpcomingSlots(db, { ...filter, now, limit: UPCOMING_SHOWN }),
      listPastThreads(db, { ...filter, limit: PAST_SHOWN }),
    ]);
    const communityIds = new Set([...series.map((s) => s.community.id), ...(community ? [community.id] : [])]);
    const moderates = new Set<string>();
    if (viewer) {
      for (const id of communityIds) if (await canModerate(db, viewer, id)) moderates.add(id);
    }
    // Past threads below the current ones, without repeating them.
    const current = new Set(series.flatMap((s) => (s.current ? [s.current.slot.id] : [])));
    const page: MegathreadsPage = {
      community: community ?? null,
      series,
      upcoming,
      past: past.filter((view) => !current.has(view.slot.id)),
      moderates,
      holding: viewer ? await seriesHeldBy(viewer) : new Set(),
      errors,
    };
    return sendPage(reply, renderMegathreadsPage(ctx, page), status);
  }

  /** Series in which the viewer holds a reservation (they may hold one slot per series). */
  async function seriesHeldBy(viewer: LocalAccount): Promise<Set<string>> {
    const rows = await db
      .selectFrom("megathread_slots")
      .select("series_id")
      .where("reserved_by", "=", viewer.person.id)
      .where("status", "=", "reserved")
      .execute();
    return new Set(rows.map((r) => r.series_id));
  }

  /** The reader, or a redirect to log in (and null). */
  async function member(request: FastifyRequest, reply: FastifyReply) {
    const viewer = await api.viewer(request);
    if (!viewer) {
      reply.redirect(
        `/login?next=${encodeURIComponent(safeNext(field(request.body as Form, "back"), "/megathreads"))}`,
        303,
      );
    }
    return viewer;
  }

  /** Back to the megathreads page a slot form came from, or that page again with the reason. */
  async function afterSlotAction(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    result: { ok: true } | { ok: false; error: { type: string } },
  ) {
    const back = safeNext(field(request.body as Form, "back"), "/megathreads").split("#")[0] ?? "/megathreads";
    if (result.ok) return reply.redirect(`${back}#slot-${request.params.id}`, 303);
    const community = /^\/c\/([a-z0-9_]+)\/megathreads$/.exec(back)?.[1] ?? null;
    const status = result.error.type.startsWith("couldnt_find") ? 404 : 409;
    return listPage(request, reply, community, [message(result.error.type)], status);
  }

  app.get("/megathreads", async (request, reply) => listPage(request, reply, null));

  app.get<NameParams>("/c/:name/megathreads", async (request, reply) => listPage(request, reply, request.params.name));

  app.post<IdParams>("/megathreads/slot/:id/reserve", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    return afterSlotAction(request, reply, await reserveSlot(db, viewer, request.params.id));
  });

  app.post<IdParams>("/megathreads/slot/:id/release", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    return afterSlotAction(request, reply, await releaseSlot(db, viewer, request.params.id));
  });

  app.post<IdParams>("/megathreads/slot/:id/assign", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const person = await findLocalPersonByName(
      db,
      field(request.body as Form, "name")
        .trim()
        .toLowerCase(),
    );
    if (!person) return afterSlotAction(request, reply, { ok: false, error: { type: "couldnt_find_person" } });
    return afterSlotAction(request, reply, await assignSlot(db, viewer, request.params.id, person.id));
  });

  app.post<IdParams>("/megathreads/slot/:id/refuse", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const refused = checked(request.body as Form, "refused");
    return afterSlotAction(request, reply, await refuseSlot(db, viewer, request.params.id, refused));
  });

  // A slot's page: its holder writes the thread ahead.
  async function slotPage(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: Form | undefined,
    errors: string[],
    saved = false,
  ) {
    const view = /^\d+$/.test(request.params.id) ? await getSlotView(db, request.params.id) : undefined;
    if (!view) return notFound(request, reply, "There is no such megathread slot here.");
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const canEdit = view.slot.status === "reserved" && viewer !== null && view.slot.reserved_by === viewer.person.id;
    return sendPage(
      reply,
      renderSlotPage(ctx, {
        view,
        canEdit,
        titleSuffix: form ? field(form, "title_suffix") : (view.slot.title_suffix ?? ""),
        body: form ? field(form, "body") : (view.slot.body ?? view.series.body_template),
        errors,
        saved,
      }),
      errors.length > 0 ? 400 : 200,
    );
  }

  app.get<IdParams>("/megathreads/slot/:id", async (request, reply) =>
    slotPage(request, reply, undefined, [], (request.query as { saved?: string }).saved === "1"),
  );

  app.post<IdParams>("/megathreads/slot/:id", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const form = request.body as Form;
    const result = await setSlotContent(db, viewer, request.params.id, {
      titleSuffix: field(form, "title_suffix"),
      body: field(form, "body"),
    });
    if (!result.ok) return slotPage(request, reply, form, [message(result.error.type)]);
    return reply.redirect(`/megathreads/slot/${request.params.id}?saved=1`, 303);
  });

  // The moderators' series form.
  function formValues(form: Form): Omit<SeriesForm, "community" | "isAdmin" | "timeZones" | "errors" | "seriesId"> {
    return {
      titlePattern: field(form, "title_pattern"),
      bodyTemplate: field(form, "body_template"),
      schedule: field(form, "schedule"),
      weekday: field(form, "weekday"),
      dayOfMonth: field(form, "day_of_month"),
      date: field(form, "date"),
      time: field(form, "time"),
      timeZone: field(form, "time_zone"),
      pinCommunity: checked(form, "pin_community"),
      pinLocal: checked(form, "pin_local"),
      commentsSortNew: checked(form, "comments_sort_new"),
      lockPrevious: checked(form, "lock_previous"),
      active: checked(form, "active"),
    };
  }

  function storedValues(series: MegathreadSeriesRow): ReturnType<typeof formValues> {
    return {
      titlePattern: series.title_pattern,
      bodyTemplate: series.body_template,
      schedule: series.schedule_kind,
      weekday: series.weekday ? String(series.weekday) : "1",
      dayOfMonth: series.month_day ? String(series.month_day) : "",
      date: series.once_date ?? "",
      time: series.time_of_day,
      timeZone: series.time_zone,
      pinCommunity: series.pin_community,
      pinLocal: series.pin_local,
      commentsSortNew: series.comments_sort_new,
      lockPrevious: series.lock_previous,
      active: series.active,
    };
  }

  /** The form's fields as a series input; fields of other schedule kinds are left out. */
  function seriesInput(
    form: Form,
    viewer: LocalAccount,
  ): SeriesInput & { titlePattern: string; schedule: MegathreadSchedule } {
    const values = formValues(form);
    const kind = SCHEDULE_KINDS.find((k) => k === values.schedule) ?? "weekly";
    const integer = (value: string) => (/^\d{1,2}$/.test(value) ? Number(value) : Number.NaN);
    return {
      titlePattern: values.titlePattern,
      bodyTemplate: values.bodyTemplate,
      schedule: {
        kind,
        weekday: kind === "weekly" ? integer(values.weekday) : null,
        monthDay: kind === "monthly" ? integer(values.dayOfMonth) : null,
        date: kind === "once" ? values.date : null,
        time: values.time,
        timeZone: values.timeZone,
      },
      pinCommunity: values.pinCommunity,
      // Only admins see (and may change) the site-wide pin.
      pinLocal: viewer.localUser.admin ? values.pinLocal : undefined,
      commentsSortNew: values.commentsSortNew,
      lockPrevious: values.lockPrevious,
    };
  }

  async function seriesFormPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: Omit<SeriesForm, "isAdmin" | "timeZones">,
    status = 200,
  ) {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    const page = renderSeriesForm(ctx, { ...form, isAdmin: viewer?.localUser.admin ?? false, timeZones: TIME_ZONES });
    return sendPage(reply, page, status);
  }

  /** The community of a new-series form, if the viewer may run its megathreads. */
  async function moderatedCommunity(request: FastifyRequest<NameParams>, reply: FastifyReply, viewer: LocalAccount) {
    const community = await findCommunityByName(db, request.params.name);
    if (!community?.local || community.deleted || community.removed) {
      await notFound(request, reply, "There is no such community here.");
      return null;
    }
    if (!(await canModerate(db, viewer, community.id))) {
      const { ctx } = await pageRequest(runtime, request, reply);
      await sendPage(reply, renderNotFoundPage(ctx, message("not_a_mod_or_admin")), 403);
      return null;
    }
    return community;
  }

  app.get<NameParams>("/c/:name/megathreads/new", async (request, reply) => {
    const viewer = await api.viewer(request);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
    const community = await moderatedCommunity(request, reply, viewer);
    if (!community) return reply;
    return seriesFormPage(request, reply, {
      community,
      titlePattern: "",
      bodyTemplate: "",
      schedule: "weekly",
      weekday: "1",
      dayOfMonth: "1",
      date: "",
      time: "09:00",
      timeZone: "UTC",
      pinCommunity: true,
      pinLocal: false,
      commentsSortNew: true,
      lockPrevious: true,
      active: true,
      errors: [],
    });
  });

  app.post<NameParams>("/c/:name/megathreads/new", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const community = await moderatedCommunity(request, reply, viewer);
    if (!community) return reply;
    const form = request.body as Form;
    const result = await createSeries(db, viewer, community.id, seriesInput(form, viewer));
    if (result.ok) return reply.redirect(`/c/${community.name}/megathreads`, 303);
    return seriesFormPage(
      request,
      reply,
      { community, ...formValues(form), active: true, errors: [message(result.error.type)] },
      400,
    );
  });

  app.get<IdParams>("/megathreads/series/:id/edit", async (request, reply) => {
    const viewer = await api.viewer(request);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
    const series = /^\d+$/.test(request.params.id) ? await findSeriesById(db, request.params.id) : undefined;
    const community = series ? await findCommunityById(db, series.community_id) : undefined;
    if (!series || !community) return notFound(request, reply, "There is no such megathread series here.");
    if (!(await canModerate(db, viewer, community.id))) {
      const { ctx } = await pageRequest(runtime, request, reply);
      return sendPage(reply, renderNotFoundPage(ctx, message("not_a_mod_or_admin")), 403);
    }
    return seriesFormPage(request, reply, { community, seriesId: series.id, ...storedValues(series), errors: [] });
  });

  app.post<IdParams>("/megathreads/series/:id/edit", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const series = /^\d+$/.test(request.params.id) ? await findSeriesById(db, request.params.id) : undefined;
    const community = series ? await findCommunityById(db, series.community_id) : undefined;
    if (!series || !community) return notFound(request, reply, "There is no such megathread series here.");
    const form = request.body as Form;
    const result = await editSeries(db, viewer, series.id, {
      ...seriesInput(form, viewer),
      active: checked(form, "active"),
    });
    if (result.ok) return reply.redirect(`/c/${community.name}/megathreads`, 303);
    return seriesFormPage(
      request,
      reply,
      { community, seriesId: series.id, ...formValues(form), errors: [message(result.error.type)] },
      result.error.type === "not_a_mod_or_admin" || result.error.type === "not_an_admin" ? 403 : 400,
    );
  });
}
