// Read views of megathreads: series with their current thread, upcoming slots with who holds
// them, past threads, and whether a post is a megathread that opens with comments sorted New.
import { COMMUNITY_COLUMNS, PERSON_COLUMNS, POST_COLUMNS } from "../db/columns.ts";
import type { DbLike } from "../db/connect.ts";
import type { CommunityRow, MegathreadSeriesRow, MegathreadSlotRow, PersonRow, PostRow } from "../db/schema.ts";
import { scheduleOf } from "./megathread.repository.ts";
import { describeSchedule, localDateTime } from "./megathread.schedule.ts";
import { megathreadTitle } from "./megathread.service.ts";

/**
 * Whether a post is a thread of a series whose comments open sorted New (the post page's and
 * getComments' default sort).
 */
export async function isNewSortedMegathread(db: DbLike, postId: string): Promise<boolean> {
  const row = await db
    .selectFrom("megathread_slots as sl")
    .innerJoin("megathread_series as s", "s.id", "sl.series_id")
    .select("s.comments_sort_new")
    .where("sl.post_id", "=", postId)
    .executeTakeFirst();
  return row?.comments_sort_new ?? false;
}

export interface MegathreadSlotView {
  slot: MegathreadSlotRow;
  series: MegathreadSeriesRow;
  community: CommunityRow;
  /** Who holds the slot (or posted its thread); null when open. */
  holder: PersonRow | null;
  /** The thread, once posted (null if it was deleted for good). */
  post: PostRow | null;
  /** Who posted the thread: the holder, or the moderator who posted for the community. */
  author: PersonRow | null;
  /** The slot's time in the series' time zone. */
  local: { date: string; time: string; weekday: number };
  /** The thread's title: as posted, or as it will be (with "#…" for the number not known yet). */
  title: string;
}

export interface MegathreadSeriesView {
  series: MegathreadSeriesRow;
  community: CommunityRow;
  /** The schedule in words. */
  schedule: string;
  /** The latest posted thread, if any. */
  current: MegathreadSlotView | null;
}

interface SlotFilter {
  communityId?: string;
  seriesId?: string;
}

/** Reads the series, communities, holders and posts of slots, and puts the views together. */
async function slotViews(db: DbLike, slots: MegathreadSlotRow[]): Promise<MegathreadSlotView[]> {
  if (slots.length === 0) return [];
  const unique = (ids: (string | null)[]) => [...new Set(ids.filter((id): id is string => id !== null))];
  const seriesRows = await db
    .selectFrom("megathread_series")
    .selectAll()
    .where("id", "in", unique(slots.map((s) => s.series_id)))
    .execute();
  const series = new Map(seriesRows.map((s) => [s.id, s]));
  const communityIds = unique(seriesRows.map((s) => s.community_id));
  const postIds = unique(slots.map((s) => s.post_id));
  const [communities, posts] = await Promise.all([
    db.selectFrom("communities").select(COMMUNITY_COLUMNS).where("id", "in", communityIds).execute(),
    postIds.length > 0
      ? db.selectFrom("posts").select(POST_COLUMNS).where("id", "in", postIds).execute()
      : ([] as PostRow[]),
  ]);
  const personIds = unique([...slots.map((s) => s.reserved_by), ...posts.map((p) => p.creator_id)]);
  const persons =
    personIds.length > 0
      ? await db.selectFrom("persons").select(PERSON_COLUMNS).where("id", "in", personIds).execute()
      : [];
  const communityById = new Map<string, CommunityRow>(communities.map((c) => [c.id, c]));
  const personById = new Map<string, PersonRow>(persons.map((p) => [p.id, p]));
  const postById = new Map<string, PostRow>(posts.map((p) => [p.id, p]));
  return slots.flatMap((slot) => {
    const s = series.get(slot.series_id);
    const community = s ? communityById.get(s.community_id) : undefined;
    if (!s || !community) return [];
    const post = slot.post_id ? (postById.get(slot.post_id) ?? null) : null;
    const local = localDateTime(slot.occurs_at, s.time_zone);
    return [
      {
        slot,
        series: s,
        community,
        holder: slot.reserved_by ? (personById.get(slot.reserved_by) ?? null) : null,
        post,
        author: post ? (personById.get(post.creator_id) ?? null) : null,
        local,
        title: post?.title ?? megathreadTitle(s.title_pattern, slot.title_suffix, { ...local, n: "…" }),
      },
    ];
  });
}

function slotsOf(db: DbLike, filter: SlotFilter) {
  let query = db
    .selectFrom("megathread_slots as sl")
    .innerJoin("megathread_series as s", "s.id", "sl.series_id")
    .innerJoin("communities as c", "c.id", "s.community_id")
    .selectAll("sl")
    .where("c.deleted", "=", false)
    .where("c.removed", "=", false);
  if (filter.communityId) query = query.where("s.community_id", "=", filter.communityId);
  if (filter.seriesId) query = query.where("sl.series_id", "=", filter.seriesId);
  return query;
}

/** Upcoming slots (open, reserved or refused), soonest first, of active series. */
export async function listUpcomingSlots(
  db: DbLike,
  filter: SlotFilter & { now: Date; limit: number },
): Promise<MegathreadSlotView[]> {
  const slots = await slotsOf(db, filter)
    .where("s.active", "=", true)
    .where("sl.occurs_at", ">", filter.now)
    .where("sl.status", "in", ["open", "reserved", "refused"])
    .orderBy("sl.occurs_at")
    .orderBy("sl.id")
    .limit(filter.limit)
    .execute();
  return slotViews(db, slots);
}

/** Posted threads, newest first. */
export async function listPastThreads(
  db: DbLike,
  filter: SlotFilter & { limit: number; offset?: number },
): Promise<MegathreadSlotView[]> {
  const slots = await slotsOf(db, filter)
    .where("sl.status", "=", "posted")
    .orderBy("sl.occurs_at", "desc")
    .orderBy("sl.id", "desc")
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return slotViews(db, slots);
}

export async function getSlotView(db: DbLike, slotId: string): Promise<MegathreadSlotView | undefined> {
  const slots = await slotsOf(db, {}).where("sl.id", "=", slotId).execute();
  return (await slotViews(db, slots))[0];
}

/**
 * Series (of one community, or of every community on the site), each with its latest posted
 * thread; active series first, then by community and title.
 */
export async function listSeriesViews(
  db: DbLike,
  filter: { communityId?: string; seriesId?: string; limit?: number } = {},
): Promise<MegathreadSeriesView[]> {
  let query = db
    .selectFrom("megathread_series as s")
    .innerJoin("communities as c", "c.id", "s.community_id")
    .selectAll("s")
    .where("c.deleted", "=", false)
    .where("c.removed", "=", false);
  if (filter.communityId) query = query.where("s.community_id", "=", filter.communityId);
  if (filter.seriesId) query = query.where("s.id", "=", filter.seriesId);
  const rows = await query
    .orderBy("s.active", "desc")
    .orderBy("c.name")
    .orderBy("s.id")
    .limit(filter.limit ?? 200)
    .execute();
  if (rows.length === 0) return [];
  const seriesIds = rows.map((s) => s.id);
  // The latest posted slot of each series.
  const latest = await db
    .selectFrom("megathread_slots")
    .selectAll()
    .distinctOn("series_id")
    .where("series_id", "in", seriesIds)
    .where("status", "=", "posted")
    .orderBy("series_id")
    .orderBy("occurs_at", "desc")
    .execute();
  const [current, communities] = await Promise.all([
    slotViews(db, latest),
    db
      .selectFrom("communities")
      .select(COMMUNITY_COLUMNS)
      .where("id", "in", [...new Set(rows.map((s) => s.community_id))])
      .execute(),
  ]);
  const currentBySeries = new Map(current.map((view) => [view.slot.series_id, view]));
  const communityById = new Map(communities.map((c) => [c.id, c]));
  return rows.flatMap((series) => {
    const community = communityById.get(series.community_id);
    if (!community) return [];
    return [
      {
        series,
        community,
        schedule: describeSchedule(scheduleOf(series)),
        current: currentBySeries.get(series.id) ?? null,
      },
    ];
  });
}
