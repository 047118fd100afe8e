// Input validation for API calls with zod. A malformed request is `invalid_request` (400) with
// the first problem in `message`; checks with their own Lemmy error codes live in the services.
import type { z } from "zod";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): Parsed<z.infer<T>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.join(".") ?? "";
  return { ok: false, message: path ? `${path}: ${issue?.message}` : (issue?.message ?? "invalid input") };
}
