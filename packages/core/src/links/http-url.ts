// Checks for URLs that people give us (post links, icons, banners, thumbnails).

/** Longest URL accepted, in characters (Lemmy's limit for post URLs). */
export const MAX_URL_LENGTH = 2000;

/** The URL, normalised by the URL parser, if it is an absolute http(s) URL of bounded length; else null. */
export function parseHttpUrl(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.hostname === "") return null;
  const href = url.href;
  return href.length > MAX_URL_LENGTH ? null : href;
}
