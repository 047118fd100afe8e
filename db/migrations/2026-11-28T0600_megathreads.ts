// Frozen: never edit after it has been applied anywhere. Add a new migration instead.
// Megathreads: recurring pinned threads of a community, and their slots, which members reserve
// (docs/architecture.md, "Megathreads").
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // A series: what to post (title pattern, body template), when (schedule in a time zone) and how
  // (pins, comment sort, locking the previous thread).
  await sql`
    create table megathread_series (
      id bigserial primary key,
      community_id bigint not null references communities(id) on delete cascade,
      creator_id bigint not null references persons(id),
      title_pattern text not null,
      body_template text not null default '',
      schedule_kind text not null check (schedule_kind in ('daily', 'weekly', 'monthly', 'once')),
      -- ISO weekday, 1 = Monday … 7 = Sunday (weekly only).
      weekday smallint check (weekday between 1 and 7),
      -- 1-31; months without that day use their last day (monthly only).
      month_day smallint check (month_day between 1 and 31),
      -- The local date of a one-off thread, YYYY-MM-DD (text: pg would turn a date into a Date at
      -- the process's midnight).
      once_date text check (once_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      -- Local wall-clock time, HH:MM (24 h).
      time_of_day text not null check (time_of_day ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      -- IANA time zone name (Europe/Berlin).
      time_zone text not null,
      pin_community boolean not null default true,
      pin_local boolean not null default false,
      comments_sort_new boolean not null default true,
      lock_previous boolean not null default false,
      active boolean not null default true,
      published_at timestamptz not null default now(),
      updated_at timestamptz,
      check (schedule_kind <> 'weekly' or weekday is not null),
      check (schedule_kind <> 'monthly' or month_day is not null),
      check (schedule_kind <> 'once' or once_date is not null)
    )`.execute(db);
  await sql`create index megathread_series_community_idx on megathread_series (community_id)`.execute(db);

  // A slot: one occurrence of a series, materialized ahead of time so members can reserve it. The
  // slot row is the scheduler's unit of work: (series_id, occurs_at) is unique, the scheduler
  // claims due slots with FOR UPDATE SKIP LOCKED and sets post_id in the transaction that creates
  // the post, so no occurrence is ever posted twice.
  await sql`
    create table megathread_slots (
      id bigserial primary key,
      series_id bigint not null references megathread_series(id) on delete cascade,
      occurs_at timestamptz not null,
      status text not null default 'open'
        check (status in ('open', 'reserved', 'refused', 'posted', 'missed')),
      reserved_by bigint references persons(id) on delete set null,
      reserved_at timestamptz,
      -- The moderator who assigned the slot; null when the member reserved it.
      assigned_by bigint references persons(id) on delete set null,
      title_suffix text,
      body text,
      post_id bigint references posts(id) on delete set null,
      -- The thread's number in its series ({n}), set when it is posted.
      sequence integer,
      posted_at timestamptz,
      unique (series_id, occurs_at),
      check (status <> 'reserved' or reserved_by is not null)
    )`.execute(db);
  // One reservation per member per series at a time (a posted slot no longer counts).
  await sql`
    create unique index megathread_slots_one_reservation_idx
      on megathread_slots (series_id, reserved_by) where status = 'reserved'`.execute(db);
  // The scheduler's claim: slots still waiting, by time.
  await sql`
    create index megathread_slots_due_idx
      on megathread_slots (occurs_at) where status in ('open', 'reserved')`.execute(db);
  // Post → its slot (the post page asks whether a post is a megathread), and one slot per post.
  await sql`create unique index megathread_slots_post_idx on megathread_slots (post_id) where post_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table megathread_slots`.execute(db);
  await sql`drop table megathread_series`.execute(db);
}
