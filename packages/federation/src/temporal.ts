// Fedify's types name the global Temporal (TypeScript's esnext.temporal lib), but Node 24 has no
// global Temporal at run time; Fedify itself uses @js-temporal/polyfill. These helpers build
// polyfill values typed as the global ones.
import { Temporal as Polyfill } from "@js-temporal/polyfill";

export function toInstant(date: Date): Temporal.Instant {
  return Polyfill.Instant.fromEpochMilliseconds(date.getTime()) as unknown as Temporal.Instant;
}

export function toDate(instant: Temporal.Instant): Date {
  return new Date(instant.epochMilliseconds);
}

export function duration(like: Temporal.DurationLike): Temporal.Duration {
  return Polyfill.Duration.from(like) as unknown as Temporal.Duration;
}
