// Deleted things answer 410 Gone with their Tombstone, as Lemmy and Mastodon do, so a server
// fetching them learns they are gone for good rather than missing. Fedify answers 410 by itself
// only for actors (an actor dispatcher returning a Tombstone); an object dispatcher's result is
// always sent with 200 (handleObject in Fedify 2.3's middleware), so the HTTP mount passes each
// answer through here.
import { Tombstone } from "@fedify/vocab";

/** The Tombstone an actor dispatcher returns for a deleted or removed actor (Fedify answers 410). */
export function toActorTombstone(id: URL): Tombstone {
  return new Tombstone({ id });
}

/**
 * Fedify's answer, with 410 instead of 200 when the document served is a Tombstone. Only
 * ActivityPub documents are read (they are small: one object); anything else passes untouched.
 */
export async function withGoneStatus(response: Response): Promise<Response> {
  const type = response.headers.get("content-type") ?? "";
  if (response.status !== 200 || !type.includes("activity+json")) return response;
  const body = await response.text();
  const gone = body.includes('"Tombstone"') && isTombstoneDocument(body);
  return new Response(body, { status: gone ? 410 : 200, headers: response.headers });
}

function isTombstoneDocument(body: string): boolean {
  try {
    const document = JSON.parse(body) as { type?: unknown };
    return document.type === "Tombstone";
  } catch {
    return false;
  }
}
