// /api/v3/megathread: Plenum's own calls (Lemmy has no megathreads). Series of recurring pinned
// threads, their slots, and reservations. docs/api.md, "Megathreads", lists them.
import {
  assignSlot,
  canModerate,
  createSeries,
  editSeries,
  ensureUpcomingSlots,
  exhaustiveCheck,
  findCommunityByName,
  findSeriesById,
  getSlotView,
  type LocalAccount,
  listPastThreads,
  listSeriesViews,
  listUpcomingSlots,
  type MegathreadScheduleKind,
  type MegathreadSeriesRow,
  type MegathreadSeriesView,
  type MegathreadSlotView,
  type Result,
  refuseSlot,
  releaseSlot,
  reserveSlot,
  type SeriesError,
  type SeriesInput,
  type SlotError,
  setSlotContent,
} from "@plenum/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { statusOf } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { ApiContext } from "./context.ts";
import { iso, isoOrUndefined, num, opt, toApiCommunity, toApiPerson } from "./serialize.ts";

const id = z.number().int().positive();
const queryId = z.coerce.number().int().positive();
/** Bounds on free text before the services check their own limits (which give their own codes). */
const text = z.string().max(200_000);

/** Slots per list answer by default, and at most. */
const DEFAULT_SLOT_LIMIT = 20;
const MAX_SLOT_LIMIT = 50;

const SCHEDULE_KINDS = ["Daily", "Weekly", "Monthly", "Once"] as const;
type ApiScheduleKind = (typeof SCHEDULE_KINDS)[number];
const toKind = (kind: ApiScheduleKind) => kind.toLowerCase() as MegathreadScheduleKind;
/** "weekly" → "Weekly", "reserved" → "Reserved": enums on the wire are PascalCase, as Lemmy's are. */
const pascal = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);
const fromKind = (kind: MegathreadScheduleKind) => pascal(kind) as ApiScheduleKind;

const SeriesFields = z.object({
  title_pattern: text,
  body_template: text.optional(),
  schedule: z.enum(SCHEDULE_KINDS),
  weekday: z.number().int().optional(),
  day_of_month: z.number().int().optional(),
  date: z.string().max(100).optional(),
  time: z.string().max(100),
  time_zone: z.string().max(200),
  pin_community: z.boolean().optional(),
  pin_local: z.boolean().optional(),
  comments_sort_new: z.boolean().optional(),
  lock_previous: z.boolean().optional(),
  active: z.boolean().optional(),
});
const CreateSeries = SeriesFields.extend({ community_id: id });
const EditSeries = SeriesFields.partial().extend({ series_id: id });
const GetSeries = z.object({ id: queryId });
const ListSeries = z.object({ community_id: queryId.optional(), community_name: z.string().max(300).optional() });
const ListSlots = z.object({
  series_id: queryId.optional(),
  community_id: queryId.optional(),
  type_: z.enum(["Upcoming", "Past"]).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_SLOT_LIMIT).optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
});
const GetSlot = z.object({ id: queryId });
const SlotAction = z.object({ slot_id: id });
const AssignSlot = z.object({ slot_id: id, person_id: id });
const RefuseSlot = z.object({ slot_id: id, refused: z.boolean() });
const EditSlot = z.object({ slot_id: id, title_suffix: text.optional(), body: text.optional() });

/** Statuses of this module's own codes; the rest come from api/errors.ts. */
const STATUS_BY_CODE: Record<string, number> = {
  slot_already_reserved: 409,
  already_reserved_in_series: 409,
  slot_not_open: 409,
  not_slot_holder: 403,
};

function failWith(reply: FastifyReply, code: string, message?: string): FastifyReply {
  return reply.code(STATUS_BY_CODE[code] ?? statusOf(code)).send(message ? { error: code, message } : { error: code });
}

function failSeries(reply: FastifyReply, error: SeriesError): FastifyReply {
  switch (error.type) {
    case "invalid_megathread_schedule":
      return failWith(reply, error.type, error.reason);
    case "couldnt_find_community":
    case "couldnt_find_megathread_series":
    case "object_not_local":
    case "not_a_mod_or_admin":
    case "not_an_admin":
    case "invalid_post_title":
    case "invalid_body_field":
    case "invalid_time_zone":
      return failWith(reply, error.type);
    default:
      return exhaustiveCheck(error);
  }
}

export function toApiSeries(series: MegathreadSeriesRow) {
  return {
    id: num(series.id),
    community_id: num(series.community_id),
    creator_id: num(series.creator_id),
    title_pattern: series.title_pattern,
    body_template: series.body_template,
    schedule: fromKind(series.schedule_kind),
    weekday: opt(series.weekday),
    day_of_month: opt(series.month_day),
    date: opt(series.once_date),
    time: series.time_of_day,
    time_zone: series.time_zone,
    pin_community: series.pin_community,
    pin_local: series.pin_local,
    comments_sort_new: series.comments_sort_new,
    lock_previous: series.lock_previous,
    active: series.active,
    published: iso(series.published_at),
    updated: isoOrUndefined(series.updated_at),
  };
}

/**
 * A slot as the reader may see it: the holder's prepared title suffix and body are theirs and the
 * moderators' to read until the thread is posted.
 */
export function toApiSlotView(view: MegathreadSlotView, canSeeDraft: boolean) {
  const { slot } = view;
  const draft = canSeeDraft || slot.status === "posted";
  return {
    slot: {
      id: num(slot.id),
      series_id: num(slot.series_id),
      occurs_at: iso(slot.occurs_at),
      local_date: view.local.date,
      local_time: view.local.time,
      status: pascal(slot.status),
      title: view.title,
      title_suffix: draft ? opt(slot.title_suffix) : undefined,
      body: draft ? opt(slot.body) : undefined,
      reserved: isoOrUndefined(slot.reserved_at),
      assigned_by: slot.assigned_by ? num(slot.assigned_by) : undefined,
      post_id: slot.post_id ? num(slot.post_id) : undefined,
      sequence: opt(slot.sequence),
      posted: isoOrUndefined(slot.posted_at),
    },
    holder: view.holder ? toApiPerson(view.holder) : undefined,
    /** Who posted the thread (the holder, or the moderator who posted for the community). */
    creator: view.author ? toApiPerson(view.author) : undefined,
    community: toApiCommunity(view.community),
  };
}

function toApiSeriesView(view: MegathreadSeriesView) {
  return {
    series: toApiSeries(view.series),
    community: toApiCommunity(view.community),
    schedule_description: view.schedule,
    current_thread: view.current ? toApiSlotView(view.current, false) : undefined,
  };
}

export function registerMegathreadRoutes(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;

  /** Whether the reader moderates a community (they see drafts and may assign and refuse). */
  async function moderates(reader: LocalAccount | null, communityId: string, cache = new Map<string, boolean>()) {
    if (!reader) return false;
    const known = cache.get(communityId);
    if (known !== undefined) return known;
    const result = await canModerate(db, reader, communityId);
    cache.set(communityId, result);
    return result;
  }

  async function slotViews(reader: LocalAccount | null, views: MegathreadSlotView[]) {
    const cache = new Map<string, boolean>();
    return Promise.all(
      views.map(async (view) =>
        toApiSlotView(
          view,
          view.slot.reserved_by === reader?.person.id || (await moderates(reader, view.community.id, cache)),
        ),
      ),
    );
  }

  async function seriesResponse(reply: FastifyReply, seriesId: string) {
    const [view] = await listSeriesViews(db, { seriesId });
    if (!view) return failWith(reply, "couldnt_find_megathread_series");
    return { series_view: toApiSeriesView(view) };
  }

  async function slotResponse(reply: FastifyReply, result: Result<{ id: string }, SlotError>, reader: LocalAccount) {
    if (!result.ok) return failWith(reply, result.error.type);
    const view = await getSlotView(db, result.value.id);
    if (!view) return failWith(reply, "couldnt_find_megathread_slot");
    return { slot_view: (await slotViews(reader, [view]))[0] };
  }

  function seriesInput(v: Partial<z.infer<typeof SeriesFields>>): SeriesInput {
    const schedule: SeriesInput["schedule"] = {};
    if (v.schedule !== undefined) schedule.kind = toKind(v.schedule);
    if (v.weekday !== undefined) schedule.weekday = v.weekday;
    if (v.day_of_month !== undefined) schedule.monthDay = v.day_of_month;
    if (v.date !== undefined) schedule.date = v.date;
    if (v.time !== undefined) schedule.time = v.time;
    if (v.time_zone !== undefined) schedule.timeZone = v.time_zone;
    return {
      titlePattern: v.title_pattern,
      bodyTemplate: v.body_template,
      schedule,
      pinCommunity: v.pin_community,
      pinLocal: v.pin_local,
      commentsSortNew: v.comments_sort_new,
      lockPrevious: v.lock_previous,
      active: v.active,
    };
  }

  app.get("/megathread/series/list", async (request, reply) => {
    const input = parseInput(ListSeries, request.query);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    let communityId = input.value.community_id ? String(input.value.community_id) : undefined;
    if (!communityId && input.value.community_name) {
      const community = await findCommunityByName(db, input.value.community_name);
      if (!community) return failWith(reply, "couldnt_find_community");
      communityId = community.id;
    }
    const views = await listSeriesViews(db, { communityId });
    return { series: views.map(toApiSeriesView) };
  });

  app.get("/megathread/series", async (request, reply) => {
    const input = parseInput(GetSeries, request.query);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    return seriesResponse(reply, String(input.value.id));
  });

  app.post("/megathread/series", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(CreateSeries, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const v = input.value;
    const fields = seriesInput(v);
    const result = await createSeries(db, me, String(v.community_id), {
      ...fields,
      titlePattern: v.title_pattern,
      schedule: {
        kind: toKind(v.schedule),
        weekday: v.weekday,
        monthDay: v.day_of_month,
        date: v.date,
        time: v.time,
        timeZone: v.time_zone,
      },
    });
    if (!result.ok) return failSeries(reply, result.error);
    return seriesResponse(reply, result.value.id);
  });

  app.put("/megathread/series", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(EditSeries, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const result = await editSeries(db, me, String(input.value.series_id), seriesInput(input.value));
    if (!result.ok) return failSeries(reply, result.error);
    return seriesResponse(reply, result.value.id);
  });

  app.get("/megathread/slot/list", async (request, reply) => {
    const input = parseInput(ListSlots, request.query);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const v = input.value;
    const seriesId = v.series_id ? String(v.series_id) : undefined;
    if (seriesId && !(await findSeriesById(db, seriesId))) return failWith(reply, "couldnt_find_megathread_series");
    const communityId = v.community_id ? String(v.community_id) : undefined;
    const limit = v.limit ?? DEFAULT_SLOT_LIMIT;
    const me = await api.viewer(request);
    const now = new Date();
    let views: MegathreadSlotView[];
    if (v.type_ === "Past") {
      views = await listPastThreads(db, { seriesId, communityId, limit, offset: ((v.page ?? 1) - 1) * limit });
    } else {
      // Upcoming slots exist as rows only once someone asks (or the scheduler needs them).
      await ensureUpcomingSlots(db, now, { seriesId, communityId });
      views = await listUpcomingSlots(db, { seriesId, communityId, now, limit });
    }
    return { slots: await slotViews(me, views) };
  });

  app.get("/megathread/slot", async (request, reply) => {
    const input = parseInput(GetSlot, request.query);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const view = await getSlotView(db, String(input.value.id));
    if (!view) return failWith(reply, "couldnt_find_megathread_slot");
    return { slot_view: (await slotViews(await api.viewer(request), [view]))[0] };
  });

  app.post("/megathread/slot/reserve", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(SlotAction, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    return slotResponse(reply, await reserveSlot(db, me, String(input.value.slot_id)), me);
  });

  app.post("/megathread/slot/release", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(SlotAction, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    return slotResponse(reply, await releaseSlot(db, me, String(input.value.slot_id)), me);
  });

  app.post("/megathread/slot/assign", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(AssignSlot, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const v = input.value;
    return slotResponse(reply, await assignSlot(db, me, String(v.slot_id), String(v.person_id)), me);
  });

  app.post("/megathread/slot/refuse", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(RefuseSlot, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const v = input.value;
    return slotResponse(reply, await refuseSlot(db, me, String(v.slot_id), v.refused), me);
  });

  app.put("/megathread/slot", async (request, reply) => {
    const me = await api.requireViewer(request, reply);
    if (!me) return reply;
    const input = parseInput(EditSlot, request.body);
    if (!input.ok) return failWith(reply, "invalid_request", input.message);
    const v = input.value;
    const result = await setSlotContent(db, me, String(v.slot_id), { titleSuffix: v.title_suffix, body: v.body });
    return slotResponse(reply, result, me);
  });
}
