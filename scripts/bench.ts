// `npm run bench`: seeds a dataset through the production schema, starts the web process on real
// PostgreSQL, and measures the read paths that must stay fast at a million posts
// (performance-anchors.md §7; results and how to read them: docs/performance.md).
//
//   npm run bench                      100k posts, 1M comments, 2M votes, 200 communities, 10k persons
//   npm run bench -- --small           10k posts, 100k comments, 200k votes (a quick run)
//   npm run bench -- --large           1M posts (the target size)
//   options: --posts N --comments N --votes N --communities N --persons N
//            --duration S (seconds per scenario, default 10) --connections C (default 16)
//            --write (put the results into docs/performance.md between its bench markers)
//            --keep (with DATABASE_URL: leave the seeded database for EXPLAIN and friends)
//
// PostgreSQL: DATABASE_URL (a server where the user may create databases; a database
// plenum_bench_<random> is made and dropped), else a throwaway cluster from the machine's
// binaries in a temporary directory, tuned for a benchmark (fsync off: nothing is kept), with
// pg_stat_statements to count SQL statements per request.
//
// Seeding is set-based SQL (generate_series into staging tables, then one INSERT per table), as
// Lemmy's db_perf does; the production insert triggers rank every row. Two posts get the threads
// measured: one of 10,000 comments and one of 100, of the same shape (a fifth top-level, half
// replies to those, the rest a third level). Then VACUUM ANALYZE.
//
// Load: autocannon at a fixed concurrency against `node packages/server/src/bin/web.ts` (HTTP only:
// no worker polling the database during the runs), each scenario after a short warm-up, with a
// /healthz baseline in the same run. Nothing here is part of `npm test`.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, chown, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ensureSite,
  migrateToLatest,
  openDatabase,
  postListStatement,
  refreshCommunityActivity,
  refreshRanks,
  type SortType,
} from "@plenum/core";
import autocannon from "autocannon";
import { sql } from "kysely";
import pg from "pg";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

interface Size {
  posts: number;
  comments: number;
  votes: number;
  communities: number;
  persons: number;
}

const SIZES: Record<"small" | "default" | "large", Size> = {
  small: { posts: 10_000, comments: 100_000, votes: 200_000, communities: 50, persons: 2_000 },
  default: { posts: 100_000, comments: 1_000_000, votes: 2_000_000, communities: 200, persons: 10_000 },
  large: { posts: 1_000_000, comments: 1_000_000, votes: 2_000_000, communities: 200, persons: 10_000 },
};

/** Comments of the two measured threads: the big one and the one it is compared with. */
const BIG_THREAD = 10_000;
const SMALL_THREAD = 100;
/**
 * Top-level comments per thread page. Both threads have the same shape (replies dealt round-robin:
 * 2 or 3 replies per top-level comment and at most one reply to each of those), so a first page of
 * 20 is the whole 100-comment thread and as many comments of the 10,000-comment one: the ratio
 * compares equal pages of threads 100 times apart.
 */
const THREAD_LIMIT = 20;
/** Posts per page of the front-page scenarios (lemmy-ui's page size). */
const PAGE_LIMIT = 20;
/** The deep page measured (fewer on datasets too small for it): reached by walking cursors from page 1. */
const DEEP_PAGE = 500;
/** Seconds of load before each measured run (connections warm, caches filled). */
const WARMUP_SECONDS = 3;

function parseArgs(argv: string[]) {
  const flags = new Set(argv.filter((arg) => arg.startsWith("--")));
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    const raw = index >= 0 ? argv[index + 1] : undefined;
    if (raw === undefined) return undefined;
    const number = Number(raw.replaceAll("_", ""));
    if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`--${name} needs a positive whole number`);
    return number;
  };
  const base = flags.has("--small") ? SIZES.small : flags.has("--large") ? SIZES.large : SIZES.default;
  const sized = ["posts", "comments", "votes", "communities", "persons"].some((name) => argv.includes(`--${name}`));
  const label = sized ? "custom" : flags.has("--small") ? "small" : flags.has("--large") ? "large" : "default";
  const size: Size = {
    posts: value("posts") ?? base.posts,
    comments: value("comments") ?? base.comments,
    votes: value("votes") ?? base.votes,
    communities: value("communities") ?? base.communities,
    persons: value("persons") ?? base.persons,
  };
  if (size.comments < BIG_THREAD + SMALL_THREAD)
    throw new Error(`--comments must be at least ${BIG_THREAD + SMALL_THREAD}`);
  return {
    size,
    duration: value("duration") ?? 10,
    connections: value("connections") ?? 16,
    write: flags.has("--write"),
    label,
    keep: flags.has("--keep") && Boolean(process.env.DATABASE_URL),
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the one given, or a throwaway cluster.

interface Server {
  adminUrl: string;
  stop(): Promise<void>;
}

async function findPgBin(): Promise<string> {
  const root = "/usr/lib/postgresql";
  const versions = (await readdir(root).catch(() => [] as string[]))
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) return join(root, version, "bin");
  throw new Error("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; set DATABASE_URL instead");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function startCluster(): Promise<Server> {
  const bin = await findPgBin();
  const dir = await mkdtemp(join(tmpdir(), "plenum-bench-pg-"));
  const dataDir = join(dir, "data");
  // initdb refuses to run as root: the cluster then belongs to the postgres user (as in test/run.ts).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const passwd = await readFile("/etc/passwd", "utf8");
    const [, , uid, gid] =
      passwd
        .split("\n")
        .find((line) => line.startsWith("postgres:"))
        ?.split(":") ?? [];
    if (uid === undefined || gid === undefined) throw new Error("running as root needs the postgres user");
    await chown(dir, Number(uid), Number(gid));
  }
  const run = (command: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", command, ...args], { stdio: "pipe" })
      : execFileSync(command, args, { stdio: "pipe" });
  run(join(bin, "initdb"), [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  const port = await freePort();
  await appendFile(
    join(dataDir, "postgresql.conf"),
    [
      "",
      "# scripts/bench.ts: a throwaway cluster for one benchmark run.",
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir.replaceAll("'", "''")}'`,
      // Nothing in this cluster is kept: durability only slows the seeding down.
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_wal_size = '8GB'",
      // performance-anchors.md §7.3's bench profile, scaled to this machine.
      "shared_buffers = '2GB'",
      "effective_cache_size = '8GB'",
      "maintenance_work_mem = '1GB'",
      "work_mem = '64MB'",
      "random_page_cost = 1.1",
      "jit = off",
      "shared_preload_libraries = 'pg_stat_statements'",
      "pg_stat_statements.track = 'top'",
      "",
    ].join("\n"),
  );
  run(join(bin, "pg_ctl"), ["start", "-D", dataDir, "-l", join(dir, "server.log"), "-w", "-s"]);
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run(join(bin, "pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate", "-w", "-s"]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

// ---------------------------------------------------------------------------------------------
// Seeding.

interface Seeded {
  refresh: { posts: number; comments: number; batches: number; seconds: number };
  bigThreadPostId: string;
  smallThreadPostId: string;
  communityId: string;
  counts: Record<string, number>;
  seconds: number;
}

async function seed(url: string, origin: string, size: Size): Promise<Seeded> {
  const started = performance.now();
  const handle = await openDatabase({ kind: "postgres", url, poolSize: 1 });
  const { db } = handle;
  try {
    await migrateToLatest(db);
    await ensureSite(db);
    const step = async (label: string, statement: ReturnType<typeof sql>) => {
      const t = performance.now();
      await statement.execute(db);
      console.log(`  ${label} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    };
    const host = new URL(origin).host;
    await step("instance", sql`insert into instances (host) values (${host}) on conflict (host) do nothing`);
    // Everything below draws from one seeded generator in this one connection: same data every run.
    await sql`select setseed(0.4242)`.execute(db);
    const { persons, communities, posts, comments, votes } = size;
    await step(
      `${persons} persons`,
      sql`insert into persons (ap_id, local, instance_id, name, display_name, inbox_url, published_at)
        select ${origin}::text || '/u/p' || g, true, i.id, 'p' || g, 'Person ' || g,
               ${origin}::text || '/u/p' || g || '/inbox', now() - interval '1 year'
        from generate_series(1, ${persons}::int) g, instances i where i.host = ${host}`,
    );
    await step(
      `${communities} communities`,
      sql`insert into communities (ap_id, local, instance_id, name, title, description, inbox_url, nsfw, published_at)
        select ${origin}::text || '/c/c' || g, true, i.id, 'c' || g, 'Community ' || g,
               'About topic ' || g, ${origin}::text || '/c/c' || g || '/inbox', g % 40 = 0, now() - interval '1 year'
        from generate_series(1, ${communities}::int) g, instances i where i.host = ${host}`,
    );
    // Staging: posts with their community (skewed: low numbers are big communities), author and time
    // (spread over 90 days); ids are fixed so comments and votes can point at them before they exist.
    await step(
      "staging posts",
      sql`create temporary table s_posts as
        select g as id,
               (select min(id) from communities) + floor(${communities}::int * power(random(), 2))::bigint as community_id,
               (select min(id) from persons) + floor(random() * ${persons}::int)::bigint as creator_id,
               now() - make_interval(secs => random() * 90 * 86400) as published_at,
               random() < 0.02 as nsfw
        from generate_series(1, ${posts}::int) g`,
    );
    // Comments: the two measured threads on posts 1 and 2, the rest spread over posts (skewed
    // towards some). Levels: a fifth top-level, half replies to those, the rest replies to replies.
    const general = comments - BIG_THREAD - SMALL_THREAD;
    await step(
      "staging comments",
      sql`create temporary table s_comments as
        with shaped as (
          select g as id,
                 case when g <= ${BIG_THREAD}::int then 1::bigint
                      when g <= ${BIG_THREAD + SMALL_THREAD}::int then 2::bigint
                      else 3 + floor(power(random(), 1.5) * (${posts}::int - 2))::bigint end as post_id,
                 case when g <= ${BIG_THREAD}::int then g
                      when g <= ${BIG_THREAD + SMALL_THREAD}::int then g - ${BIG_THREAD}::int
                      else g end as ordinal,
                 case when g <= ${BIG_THREAD}::int then ${BIG_THREAD}::int
                      when g <= ${BIG_THREAD + SMALL_THREAD}::int then ${SMALL_THREAD}::int
                      else ${general}::int end as total
          from generate_series(1, ${comments}::int) g
        )
        select id, post_id,
               case when ordinal <= total / 5 then 1 when ordinal <= total * 7 / 10 then 2 else 3 end as level,
               (select min(id) from persons) + floor(random() * ${persons}::int)::bigint as creator_id,
               -- r picks the parent below. In the measured threads it deals replies round-robin
               -- (the i-th reply of a level to the (i mod n)-th comment of the level above), so
               -- every top-level comment of either thread has the same replies below it and their
               -- first pages hold as many comments; elsewhere it is random.
               case when post_id > 2 then random()
                    when ordinal <= total / 5 then 0.5
                    when ordinal <= total * 7 / 10
                      then ((ordinal - total / 5 - 1) % (total / 5) + 0.5) / (total / 5)
                    else ((ordinal - total * 7 / 10 - 1) % (total / 2) + 0.5) / (total / 2) end as r
        from shaped`,
    );
    await sql`create index on s_comments (post_id, level, id)`.execute(db);
    await sql`analyze s_comments`.execute(db);
    // Parents: a level-2 comment answers a level-1 comment of its post (the k-th of the post's n,
    // k drawn at random), a level-3 one a level-2 one; comments whose post has no such parent
    // become top-level. Hash joins on (post, k), no correlated lookups.
    const levels: [string, ReturnType<typeof sql>][] = [
      [
        "level-1 comments",
        sql`create temporary table s_l1 as
          select id, post_id, row_number() over (partition by post_id order by id) - 1 as k,
                 count(*) over (partition by post_id) as n
          from s_comments where level = 1`,
      ],
      [
        "level-2 comments",
        sql`create temporary table s_l2 as
          select c.id, c.post_id, p.id as parent_id,
                 row_number() over (partition by c.post_id order by c.id) - 1 as k,
                 count(*) over (partition by c.post_id) as n
          from s_comments c
          join (select distinct post_id, n from s_l1) n1 on n1.post_id = c.post_id
          join s_l1 p on p.post_id = c.post_id and p.k = floor(c.r * n1.n)::bigint
          where c.level = 2`,
      ],
      [
        "level-3 comments",
        sql`create temporary table s_l3 as
          select c.id, c.post_id, p.id as parent_id, p.parent_id as grandparent_id
          from s_comments c
          join (select distinct post_id, n from s_l2) n2 on n2.post_id = c.post_id
          join s_l2 p on p.post_id = c.post_id and p.k = floor(c.r * n2.n)::bigint
          where c.level = 3`,
      ],
      [
        "comment tree",
        sql`create temporary table s_tree as
          select c.id, c.post_id, c.creator_id,
                 coalesce(l2.parent_id, l3.parent_id) as parent_id, l3.grandparent_id
          from s_comments c
          left join s_l2 l2 on l2.id = c.id
          left join s_l3 l3 on l3.id = c.id`,
      ],
    ];
    for (const [label, statement] of levels) await step(label, statement);
    await step(
      "comment times and paths",
      sql`create temporary table s_comment_rows as
        select t.id, t.post_id, t.creator_id, t.parent_id,
               case when t.parent_id is null then '0.' || t.id
                    when t.grandparent_id is null then '0.' || t.parent_id || '.' || t.id
                    else '0.' || t.grandparent_id || '.' || t.parent_id || '.' || t.id end as path,
               least(now(), p.published_at + make_interval(secs => power(random(), 3) * 3 * 86400 + t.id % 600)) as published_at
        from s_tree t join s_posts p on p.id = t.post_id`,
    );
    // Votes: half on posts, half on comments, by random people (duplicates dropped), 1 in 8 down.
    await step(
      "staging votes",
      sql`create temporary table s_post_votes as
        select distinct on (post_id, person_id) post_id, person_id, score from (
          select 1 + floor(power(random(), 3) * ${posts}::int)::bigint as post_id,
                 (select min(id) from persons) + floor(random() * ${persons}::int)::bigint as person_id,
                 case when random() < 0.125 then -1 else 1 end as score
          from generate_series(1, ${Math.floor(votes / 2)}::int)) v`,
    );
    await step(
      "staging comment votes",
      sql`create temporary table s_comment_votes as
        select distinct on (comment_id, person_id) comment_id, person_id, score from (
          select 1 + floor(power(random(), 2) * ${comments}::int)::bigint as comment_id,
                 (select min(id) from persons) + floor(random() * ${persons}::int)::bigint as person_id,
                 case when random() < 0.125 then -1 else 1 end as score
          from generate_series(1, ${votes - Math.floor(votes / 2)}::int)) v`,
    );
    await step(
      `${posts} posts`,
      sql`insert into posts
          (id, ap_id, local, instance_id, community_id, creator_id, title, body, url, nsfw, published_at,
           score, upvotes, downvotes, comment_count, newest_comment_at)
        overriding system value
        select p.id, ${origin}::text || '/post/' || p.id, true, i.id, p.community_id, p.creator_id,
               'Post number ' || p.id || ' about topic ' || (p.id % 997),
               case when p.id % 3 = 0 then 'A longer body for post ' || p.id || ', discussing topic ' || (p.id % 997) end,
               case when p.id % 4 = 0 then 'https://example.com/story/' || p.id end,
               p.nsfw, p.published_at,
               coalesce(v.up, 0) - coalesce(v.down, 0), coalesce(v.up, 0), coalesce(v.down, 0),
               coalesce(c.n, 0), c.newest
        from s_posts p
        cross join (select id from instances where host = ${host}) i
        left join (select post_id, count(*) filter (where score = 1) as up, count(*) filter (where score = -1) as down
                   from s_post_votes group by post_id) v on v.post_id = p.id
        left join (select post_id, count(*) as n, max(published_at) as newest from s_comment_rows group by post_id) c
          on c.post_id = p.id
        order by p.id`,
    );
    await step("post id sequence", sql`select setval(pg_get_serial_sequence('posts', 'id'), ${posts}::int)`);
    await step(
      `${comments} comments`,
      sql`insert into comments
          (id, ap_id, local, instance_id, post_id, creator_id, parent_id, path, body, published_at,
           score, upvotes, downvotes, child_count)
        overriding system value
        select c.id, ${origin}::text || '/comment/' || c.id, true, i.id, c.post_id, c.creator_id, c.parent_id,
               c.path::ltree, 'Comment ' || c.id || ' on topic ' || (c.post_id % 997), c.published_at,
               coalesce(v.up, 0) - coalesce(v.down, 0), coalesce(v.up, 0), coalesce(v.down, 0),
               coalesce(d.n, 0)
        from s_comment_rows c
        cross join (select id from instances where host = ${host}) i
        left join (select comment_id, count(*) filter (where score = 1) as up,
                          count(*) filter (where score = -1) as down
                   from s_comment_votes group by comment_id) v on v.comment_id = c.id
        left join (select a.ancestor, count(*) as n from (
                     select parent_id as ancestor from s_comment_rows where parent_id is not null
                     union all
                     select t.grandparent_id from s_tree t where t.grandparent_id is not null) a
                   group by a.ancestor) d on d.ancestor = c.id
        order by c.id`,
    );
    await step("comment id sequence", sql`select setval(pg_get_serial_sequence('comments', 'id'), ${comments}::int)`);
    await step("post votes", sql`insert into post_votes (post_id, person_id, score) select * from s_post_votes`);
    await step(
      "comment votes",
      sql`insert into comment_votes (comment_id, person_id, score) select * from s_comment_votes`,
    );
    await step(
      "counters",
      sql`with pc as (select creator_id, count(*) as n from posts group by creator_id),
               cc as (select creator_id, count(*) as n from comments group by creator_id)
        update persons p set post_count = coalesce(pc.n, 0), comment_count = coalesce(cc.n, 0)
        from persons q left join pc on pc.creator_id = q.id left join cc on cc.creator_id = q.id
        where p.id = q.id`,
    );
    await step(
      "community counters",
      sql`update communities c set post_count = s.posts, comment_count = s.comments
        from (select community_id, count(*) as posts, sum(comment_count) as comments from posts group by community_id) s
        where s.community_id = c.id`,
    );
    const t = performance.now();
    await refreshCommunityActivity(db);
    console.log(`  active users (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    await step("vacuum analyze", sql`vacuum analyze`);
    // One run of the worker's rank refresh over the seeded week (it is also what the worker does at start).
    const refreshStarted = performance.now();
    const refreshed = await refreshRanks(db);
    const refresh = {
      ...refreshed,
      seconds: (performance.now() - refreshStarted) / 1000,
    };
    console.log(
      `  rank refresh: ${refresh.posts} posts, ${refresh.comments} comments, ${refresh.batches} batches (${refresh.seconds.toFixed(1)} s)`,
    );
    await step("vacuum analyze after the refresh", sql`vacuum analyze`);
    const counted = await sql<Record<string, string>>`
      select (select count(*) from posts) as posts, (select count(*) from comments) as comments,
             (select count(*) from post_votes) + (select count(*) from comment_votes) as votes,
             (select count(*) from communities) as communities, (select count(*) from persons) as persons,
             (select count(*) from comments where post_id = 1) as big_thread,
             (select count(*) from comments where post_id = 2) as small_thread`.execute(db);
    const biggest = await sql<{ id: string }>`
      select community_id as id from posts group by community_id order by count(*) desc limit 1`.execute(db);
    return {
      refresh,
      bigThreadPostId: "1",
      smallThreadPostId: "2",
      communityId: biggest.rows[0]?.id ?? "1",
      counts: Object.fromEntries(Object.entries(counted.rows[0] ?? {}).map(([key, value]) => [key, Number(value)])),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The server and the load.

async function startWeb(databaseUrl: string, port: number): Promise<{ origin: string; child: ChildProcess }> {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(repoRoot, "packages/server/src/bin/web.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      PLENUM_ORIGIN: origin,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      PLENUM_RATE_LIMITS: "off",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(`${origin}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { origin, child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the server did not answer /healthz within a minute");
}

interface Scenario {
  name: string;
  path: string;
}

interface Measured {
  name: string;
  path: string;
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  statementsPerRequest: number | null;
  /** CPU time (user + system) of the web process per request served, in ms; null where /proc is missing. */
  cpuPerRequest: number | null;
  bytes: number;
  failures: number;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux this runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat (fields 14 and 15), or
 * null where there is no /proc. Other work on the machine slows requests down but does not add to
 * this, so CPU per request compares runs on a shared machine better than latency does.
 */
async function cpuSeconds(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user + system) ? (user + system) / CLOCK_TICKS_PER_SECOND : null;
}

async function statementCount(statsUrl: string, database: string): Promise<number | null> {
  try {
    const result = await adminQuery(
      statsUrl,
      `select coalesce(sum(s.calls), 0)::bigint as n from pg_stat_statements s join pg_database d on d.oid = s.dbid
       where d.datname = '${database.replaceAll("'", "''")}' and s.query not ilike '%pg_stat_statements%'`,
    );
    return Number(result.rows[0]?.n ?? 0);
  } catch {
    return null;
  }
}

async function measure(
  origin: string,
  scenario: Scenario,
  options: { duration: number; connections: number; statsUrl: string; database: string; webPid?: number },
): Promise<Measured> {
  const url = `${origin}${scenario.path}`;
  const sample = await fetch(url);
  const body = Buffer.from(await sample.arrayBuffer());
  if (!sample.ok)
    throw new Error(`${scenario.name}: ${url} answered ${sample.status}: ${body.toString().slice(0, 200)}`);
  await autocannon({ url, connections: options.connections, duration: WARMUP_SECONDS });
  const before = await statementCount(options.statsUrl, options.database);
  const cpuBefore = await cpuSeconds(options.webPid);
  const result = await autocannon({ url, connections: options.connections, duration: options.duration });
  const cpuAfter = await cpuSeconds(options.webPid);
  const after = await statementCount(options.statsUrl, options.database);
  const requests = result.requests.total;
  return {
    name: scenario.name,
    path: scenario.path,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    requests,
    // The count query leaves itself out (it names pg_stat_statements).
    statementsPerRequest: before === null || after === null || requests === 0 ? null : (after - before) / requests,
    cpuPerRequest:
      cpuBefore === null || cpuAfter === null || requests === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / requests,
    bytes: body.length,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/** Walks `pages - 1` cursors from the first page and returns the path of page `pages`. */
async function deepPagePath(origin: string, query: string, pages: number): Promise<string> {
  let cursor: string | undefined;
  for (let page = 1; page < pages; page++) {
    const response = await fetch(`${origin}/api/v3/post/list?${query}${cursor ? `&page_cursor=${cursor}` : ""}`);
    const body = (await response.json()) as { next_page?: string };
    if (!body.next_page) throw new Error(`the listing ended at page ${page}; seed more posts for page ${pages}`);
    cursor = body.next_page;
  }
  return `/api/v3/post/list?${query}&page_cursor=${cursor}`;
}

/**
 * The database's share of a front page: PostgreSQL's own planning and execution time for the
 * page's query (EXPLAIN ANALYZE, median of 21 runs), from a cursor or from the top.
 */
async function databaseTime(url: string, sort: SortType, cursor: string | undefined) {
  const handle = await openDatabase({ kind: "postgres", url, poolSize: 1 });
  try {
    const built = postListStatement(handle.db, {
      viewer: null,
      listingType: "All",
      sort,
      showNsfw: false,
      limit: PAGE_LIMIT,
      cursor,
    });
    if (!built.ok) throw new Error(built.error.reason);
    const compiled = built.value.statement;
    const planning: number[] = [];
    const execution: number[] = [];
    for (let run = 0; run < 21; run++) {
      const result = await handle.db.executeQuery<{
        "QUERY PLAN": [{ "Planning Time": number; "Execution Time": number }];
      }>({ ...compiled, sql: `explain (analyze, format json) ${compiled.sql}` });
      const plan = result.rows[0]?.["QUERY PLAN"][0];
      planning.push(plan?.["Planning Time"] ?? 0);
      execution.push(plan?.["Execution Time"] ?? 0);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    return { planning: median(planning), execution: median(execution) };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

function machine(postgresVersion: string) {
  const cpuModel = cpus()[0]?.model ?? "unknown CPU";
  return {
    nproc: cpus().length,
    cpu: cpuModel.trim(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: postgresVersion,
  };
}

function report(
  deepPage: number,
  command: string,
  size: Size,
  seeded: Seeded,
  results: Measured[],
  info: ReturnType<typeof machine>,
  options: { duration: number; connections: number; loadBefore: number; loadAfter: number; dbTimes: string[] },
): string {
  const byName = new Map(results.map((r) => [r.name, r]));
  const ratio = (a: string, b: string, key: "p50" | "p99") => {
    const x = byName.get(a)?.[key];
    const y = byName.get(b)?.[key];
    return x !== undefined && y ? (x / y).toFixed(2) : "n/a";
  };
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `Run on ${date}: \`${command}\``,
    "",
    `Machine: ${info.nproc} cores (${info.cpu}), ${info.memoryGiB} GiB memory, Node ${info.node}, ${info.postgres}. ` +
      "Server, PostgreSQL and load generator share the machine; " +
      `its 1-minute load average was ${options.loadBefore.toFixed(1)} before the load and ${options.loadAfter.toFixed(1)} after it ` +
      "(this run's server, database and load generator alone account for about 2 to 3; more means other work shared the cores).",
    "",
    `Dataset (asked: ${size.posts} posts, ${size.comments} comments, ${size.votes} votes, ${size.communities} communities, ` +
      `${size.persons} persons): ${Object.entries(seeded.counts)
        .map(([key, value]) => `${key.replaceAll("_", " ")} ${value.toLocaleString("en")}`)
        .join(", ")}; seeded in ${seeded.seconds.toFixed(0)} s.`,
    "",
    `Rank refresh (the worker's 10-minute job, once, idle server): ${seeded.refresh.posts.toLocaleString("en")} posts and ` +
      `${seeded.refresh.comments.toLocaleString("en")} comments in ${seeded.refresh.batches} batches of up to 1,000, ` +
      `${seeded.refresh.seconds.toFixed(1)} s.`,
    "",
    `Load: autocannon, ${options.connections} connections, ${options.duration} s per scenario after a ${WARMUP_SECONDS} s warm-up; ` +
      "statements per request from pg_stat_statements; web CPU = CPU time (user + system) of the web process per request, " +
      "from /proc (other work on the machine slows requests but does not add to it); bytes of one response body.",
    "",
    `Database time per front page (PostgreSQL's planning + execution, EXPLAIN ANALYZE, median of 21, no load): ${options.dbTimes.join("; ")}.`,
    "",
    "| scenario | p50 ms | p99 ms | req/s | web CPU ms/request | statements/request | response bytes | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.p50} | ${r.p99} | ${r.rps.toFixed(0)} | ${r.cpuPerRequest?.toFixed(2) ?? "n/a"} | ${
          r.statementsPerRequest === null ? "n/a" : r.statementsPerRequest.toFixed(2)
        } | ${r.bytes.toLocaleString("en")} | ${r.failures} |`,
    ),
    "",
    `Ratios: Active page ${deepPage} / page 1: p50 ${ratio(`front page Active, page ${deepPage}`, "front page Active, page 1", "p50")}, ` +
      `p99 ${ratio(`front page Active, page ${deepPage}`, "front page Active, page 1", "p99")}; ` +
      `Hot page ${deepPage} / page 1: p50 ${ratio(`front page Hot, page ${deepPage}`, "front page Hot, page 1", "p50")}, ` +
      `p99 ${ratio(`front page Hot, page ${deepPage}`, "front page Hot, page 1", "p99")}; ` +
      `thread of ${BIG_THREAD} / of ${SMALL_THREAD} comments: p50 ${ratio("thread of 10,000 comments", "thread of 100 comments", "p50")}, ` +
      `p99 ${ratio("thread of 10,000 comments", "thread of 100 comments", "p99")}.`,
  ];
  return lines.join("\n");
}

/**
 * Puts the report into docs/performance.md between its markers: `<!-- bench:results:begin -->` for
 * the default size, `<!-- bench:results:<size>:begin -->` for --small, --large and custom sizes
 * (a section is added at the end the first time).
 */
async function writeReport(label: string, text: string): Promise<void> {
  const path = join(repoRoot, "docs/performance.md");
  const current = await readFile(path, "utf8");
  const tag = label === "default" ? "bench:results" : `bench:results:${label}`;
  const beginMark = `<!-- ${tag}:begin -->`;
  const endMark = `<!-- ${tag}:end -->`;
  const begin = current.indexOf(beginMark);
  const end = current.indexOf(endMark);
  if (begin < 0 || end < begin) {
    await writeFile(path, `${current.trimEnd()}\n\n### ${label} dataset\n\n${beginMark}\n${text}\n${endMark}\n`);
    return;
  }
  await writeFile(path, `${current.slice(0, begin + beginMark.length)}\n${text}\n${current.slice(end)}`);
}

// ---------------------------------------------------------------------------------------------

/** Cleanup to run on every way out, SIGINT and SIGTERM included. */
let cleanup: () => Promise<void> = async () => {};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`bench: ${args.command}`);
  const server: Server = process.env.DATABASE_URL
    ? { adminUrl: process.env.DATABASE_URL, stop: async () => {} }
    : await startCluster();
  const database = `plenum_bench_${randomBytes(4).toString("hex")}`;
  let web: ChildProcess | null = null;
  let cleaned: Promise<void> | null = null;
  cleanup = () => {
    cleaned ??= (async () => {
      if (web && web.exitCode === null) {
        web.kill("SIGTERM");
        await new Promise((resolve) => web?.once("exit", resolve));
      }
      if (args.keep) console.log(`bench: kept ${withDatabase(server.adminUrl, database)}`);
      else await adminQuery(server.adminUrl, `drop database if exists ${database} with (force)`).catch(() => {});
      await server.stop();
    })();
    return cleaned;
  };
  try {
    await adminQuery(server.adminUrl, `create database ${database}`);
    const url = withDatabase(server.adminUrl, database);
    await adminQuery(url, "create extension if not exists pg_stat_statements").catch(() => {
      console.log("bench: pg_stat_statements is not available; statements per request will be n/a");
    });
    // The server's port is chosen now: seeded rows get the URLs of the instance it serves.
    const port = await freePort();
    console.log(`bench: seeding ${database}`);
    const seeded = await seed(url, `http://127.0.0.1:${port}`, args.size);
    console.log(`bench: seeded in ${seeded.seconds.toFixed(0)} s: ${JSON.stringify(seeded.counts)}`);
    const running = await startWeb(url, port);
    web = running.child;
    const { origin } = running;
    const front = (sort: string) => `type_=All&sort=${sort}&limit=${PAGE_LIMIT}`;
    // NSFW posts (2 %) and posts in NSFW communities are not listed to anonymous readers.
    const deepPage = Math.min(DEEP_PAGE, Math.floor(((seeded.counts.posts ?? 0) * 0.9) / PAGE_LIMIT));
    const scenarios: Scenario[] = [
      { name: "/healthz (baseline)", path: "/healthz" },
      { name: "front page Active, page 1", path: `/api/v3/post/list?${front("Active")}` },
      { name: `front page Active, page ${deepPage}`, path: await deepPagePath(origin, front("Active"), deepPage) },
      { name: "front page Hot, page 1", path: `/api/v3/post/list?${front("Hot")}` },
      { name: `front page Hot, page ${deepPage}`, path: await deepPagePath(origin, front("Hot"), deepPage) },
      {
        name: "community page Hot (largest community)",
        path: `/api/v3/post/list?community_id=${seeded.communityId}&sort=Hot&limit=${PAGE_LIMIT}`,
      },
      {
        name: "thread of 10,000 comments",
        path: `/api/v3/comment/list?post_id=${seeded.bigThreadPostId}&max_depth=8&sort=Hot&type_=All&limit=${THREAD_LIMIT}`,
      },
      {
        name: "thread of 100 comments",
        path: `/api/v3/comment/list?post_id=${seeded.smallThreadPostId}&max_depth=8&sort=Hot&type_=All&limit=${THREAD_LIMIT}`,
      },
    ];
    const cursorOf = (path: string) => new URLSearchParams(path.split("?")[1]).get("page_cursor") ?? undefined;
    const dbTimes: string[] = [];
    for (const scenario of scenarios.filter((s) => s.name.startsWith("front page"))) {
      const sort: SortType = scenario.name.includes("Active") ? "Active" : "Hot";
      const time = await databaseTime(url, sort, cursorOf(scenario.path));
      dbTimes.push(
        `${scenario.name}: planning ${time.planning.toFixed(2)} ms + execution ${time.execution.toFixed(2)} ms`,
      );
    }
    console.log(`  database time per page (EXPLAIN ANALYZE, median of 21): ${dbTimes.join("; ")}`);
    const results: Measured[] = [];
    const loadBefore = loadavg()[0] ?? 0;
    for (const scenario of scenarios) {
      const measured = await measure(origin, scenario, {
        duration: args.duration,
        connections: args.connections,
        statsUrl: url,
        database,
        webPid: web.pid,
      });
      console.log(
        `  ${measured.name}: p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${measured.rps.toFixed(0)} req/s, ` +
          `${measured.cpuPerRequest?.toFixed(2) ?? "n/a"} web CPU ms/request, ` +
          `${measured.statementsPerRequest?.toFixed(2) ?? "n/a"} statements/request, ${measured.bytes} bytes` +
          (measured.failures ? `, ${measured.failures} errors` : ""),
      );
      results.push(measured);
    }
    const version = (await adminQuery(server.adminUrl, "select version() as v")).rows[0]?.v as string;
    const text = report(
      deepPage,
      args.command,
      args.size,
      seeded,
      results,
      machine(version.split(" on ")[0] ?? version),
      { ...args, loadBefore, loadAfter: loadavg()[0] ?? 0, dbTimes },
    );
    console.log(`\n${text}\n`);
    if (args.write) {
      await writeReport(args.label, text);
      console.log("bench: written to docs/performance.md");
    }
  } finally {
    await cleanup();
  }
}

await main();
