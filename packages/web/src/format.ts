// Small presentation helpers shared by pages.
import { nameWithPronouns } from "@plenum/core";
import { type Html, html } from "./html.ts";

const UNITS: ReadonlyArray<[string, number]> = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "1 year ago", as the seed page shows times. */
export function relativeTime(date: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  for (const [unit, size] of UNITS) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  }
  return "just now";
}

/** A relative time with the exact time on hover. */
export function timeAgo(date: Date): Html {
  const exact = date.toISOString();
  return html`<time datetime="${exact}" title="${exact.replace("T", " ").slice(0, 19)} UTC">${relativeTime(date)}</time>`;
}

export interface NameParts {
  name: string;
  displayName?: string | null;
  pronouns?: readonly string[];
  /** Link target: the person's page on this site. */
  href: string;
}

/** `display name [they/them, any]`, linked to the person's page. */
export function personLink(person: NameParts): Html {
  const shown = person.displayName || person.name;
  return html`<a href="${person.href}">${shown}</a>${
    person.pronouns && person.pronouns.length > 0
      ? html` <span class="pronouns">[${person.pronouns.join(", ")}]</span>`
      : null
  }`;
}

/** The plain-text form of a name with pronouns (titles, alt texts). */
export { nameWithPronouns };

/** The host of a link, shown after a post title. */
export function domainOf(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return "";
  }
}
