// The URL scheme of local actors and objects, shared by rows (ap_id, inbox_url) and by the
// Fedify routes in packages/federation, which must produce the same URLs (a test checks it).
// Lemmy's scheme: /c/{name} for communities, /u/{name} for persons, one shared /inbox.

export interface LocalUrls {
  origin: string;
  community(name: string): string;
  person(name: string): string;
  inbox(actorUrl: string): string;
  sharedInbox(): string;
  outbox(actorUrl: string): string;
  followers(actorUrl: string): string;
  featured(communityUrl: string): string;
  moderators(communityUrl: string): string;
  post(id: string): string;
  comment(id: string): string;
}

export function localUrls(origin: string): LocalUrls {
  const base = origin.replace(/\/+$/, "");
  return {
    origin: base,
    community: (name) => `${base}/c/${encodeURIComponent(name)}`,
    person: (name) => `${base}/u/${encodeURIComponent(name)}`,
    inbox: (actorUrl) => `${actorUrl}/inbox`,
    sharedInbox: () => `${base}/inbox`,
    outbox: (actorUrl) => `${actorUrl}/outbox`,
    followers: (actorUrl) => `${actorUrl}/followers`,
    featured: (communityUrl) => `${communityUrl}/featured`,
    moderators: (communityUrl) => `${communityUrl}/moderators`,
    post: (id) => `${base}/post/${id}`,
    comment: (id) => `${base}/comment/${id}`,
  };
}

/** The host (with port) an origin or URL names, as stored in instances.host. */
export function hostOf(url: string): string {
  return new URL(url).host;
}
