// Background jobs: work a request causes but should not wait for (fetching a linked page). A job
// is recorded in the "jobs" queue in the same transaction as the change that needs it, so a
// committed post always gets its link preview, even if the process stops right after; workers
// (runWorker in packages/server) consume the queue.
import type { Db, DbLike } from "../db/connect.ts";
import { fetchLinkMetadata } from "../links/link-metadata.ts";
import { wake } from "../queue/consumer.ts";
import { enqueueMessages } from "../queue/queue.repository.ts";
import { exhaustiveCheck } from "../result.ts";

export const JOBS_QUEUE = "jobs";

export type Job =
  /** Fetch the page a post links to and store its title, description, image and content type. */
  { type: "fetch_link_metadata"; postId: string; url: string };

export async function recordJob(db: DbLike, job: Job): Promise<void> {
  await enqueueMessages(db, JOBS_QUEUE, [job]);
}

/** Call after the transaction that recorded jobs has committed, to skip the poll delay. */
export function jobsCommitted(): void {
  wake(JOBS_QUEUE);
}

export interface JobContext {
  db: Db;
  allowPrivateAddress: boolean;
  userAgent: string;
  /** Told about jobs that ended without doing their work (a failed fetch); they are not retried. */
  onSkipped?: (job: Job, reason: string) => void;
}

/**
 * Runs one job. Failures of the outside world (a page that times out, a refused address) end the
 * job: retrying would rarely help and would keep fetching a hostile URL. Database errors throw,
 * so the queue retries the job later.
 */
export async function handleJob(context: JobContext, job: Job): Promise<void> {
  switch (job.type) {
    case "fetch_link_metadata":
      return fetchPostLinkMetadata(context, job);
    default:
      return exhaustiveCheck(job.type);
  }
}

async function fetchPostLinkMetadata(context: JobContext, job: Job & { type: "fetch_link_metadata" }) {
  const { db } = context;
  const post = await db.selectFrom("posts").select(["url"]).where("id", "=", job.postId).executeTakeFirst();
  // Deleted, or the link changed since (an edit recorded a newer job for the new URL).
  if (!post || post.url !== job.url) return;
  const metadata = await fetchLinkMetadata(job.url, {
    allowPrivateAddress: context.allowPrivateAddress,
    userAgent: context.userAgent,
  });
  if (!metadata.ok) {
    context.onSkipped?.(job, metadata.error.type);
    return;
  }
  const m = metadata.value;
  const image = m.image ?? (m.contentType?.startsWith("image/") ? job.url : null);
  await db
    .updateTable("posts")
    .set((eb) => ({
      embed_title: m.title,
      embed_description: m.description,
      embed_video_url: m.embedVideoUrl,
      url_content_type: m.contentType,
      // A thumbnail the author chose (custom_thumbnail) stays.
      thumbnail_url: eb.fn.coalesce("thumbnail_url", eb.val(image)),
    }))
    .where("id", "=", job.postId)
    // Only if the link is still the one fetched.
    .where("url", "=", job.url)
    .execute();
}
