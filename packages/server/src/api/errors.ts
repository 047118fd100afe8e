// API errors in Lemmy's form, `{ "error": "snake_case_code" }`, with an HTTP status that says
// what kind of failure it is (Lemmy 0.19 answers 400 for most; clients read only the code).
import type { FastifyReply } from "fastify";

const STATUS_BY_CODE: Record<string, number> = {
  not_logged_in: 401,
  incorrect_login: 401,
  not_an_admin: 403,
  not_a_moderator: 403,
  not_a_mod_or_admin: 403,
  no_id_given: 400,
  site_ban: 403,
  banned_from_community: 403,
  not_top_mod: 403,
  not_higher_mod: 403,
  not_higher_admin: 403,
  cannot_leave_admin: 403,
  only_mods_can_post_in_community: 403,
  only_admins_can_create_communities: 403,
  no_post_edit_allowed: 403,
  no_comment_edit_allowed: 403,
  registration_closed: 403,
  registration_application_is_pending: 403,
  registration_denied: 403,
  downvotes_are_disabled: 403,
  locked: 403,
  rate_limit_error: 429,
  user_already_exists: 409,
  email_already_exists: 409,
  community_already_exists: 409,
  already_exists: 409,
  payload_too_large: 413,
};

/** 404 for every couldnt_find_*, else the table above, else 400. */
export function statusOf(code: string): number {
  if (code.startsWith("couldnt_find_") || code === "not_found") return 404;
  return STATUS_BY_CODE[code] ?? 400;
}

export interface ErrorBody {
  error: string;
  /** Plenum's addition: a human-readable detail (Lemmy clients ignore it). */
  message?: string;
}

export function fail(reply: FastifyReply, code: string, message?: string): FastifyReply {
  const body: ErrorBody = message ? { error: code, message } : { error: code };
  return reply.code(statusOf(code)).send(body);
}
