// RSS feeds at Lemmy's paths: /feeds/all.xml, /feeds/local.xml, /feeds/c/{name}.xml, /feeds/u/{name}.xml.
import {
  findCommunityByName,
  findPersonByIdOrName,
  getCachedSite,
  listPostViews,
  type PostListOptions,
} from "@plenum/core";
import { renderRss } from "@plenum/web";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";

/** Items per feed: what readers poll for; older posts are on the site. */
const FEED_ITEMS = 20;
/** Seconds a feed may be cached: readers poll often, new posts are not that urgent. */
const FEED_CACHE_SECONDS = 300;

export function registerFeeds(app: FastifyInstance, api: ApiContext): void {
  const { db } = api.runtime.database;
  const origin = api.runtime.config.origin;

  async function send(
    reply: FastifyReply,
    options: Omit<PostListOptions, "viewer" | "limit" | "showNsfw">,
    channel: { title: string; description: string; path: string; self: string },
  ) {
    const page = await listPostViews(db, { ...options, viewer: null, limit: FEED_ITEMS, showNsfw: false });
    const posts = page.ok ? page.value.posts : [];
    const xml = renderRss(
      origin,
      {
        title: channel.title,
        description: channel.description,
        link: `${origin}${channel.path}`,
        self: `${origin}${channel.self}`,
      },
      posts,
    );
    return reply
      .type("application/rss+xml; charset=utf-8")
      .header("cache-control", `public, max-age=${FEED_CACHE_SECONDS}`)
      .send(xml);
  }

  for (const listing of ["All", "Local"] as const) {
    app.get(`/feeds/${listing.toLowerCase()}.xml`, async (_request, reply) => {
      const site = await getCachedSite(db);
      return send(
        reply,
        { listingType: listing, sort: "New" },
        {
          title: `${site.name}: ${listing === "All" ? "all posts" : "local posts"}`,
          description: site.description ?? site.name,
          path: `/?type=${listing}&sort=New`,
          self: `/feeds/${listing.toLowerCase()}.xml`,
        },
      );
    });
  }

  app.get<{ Params: { name: string } }>("/feeds/c/:name.xml", async (request, reply) => {
    const community = await findCommunityByName(db, request.params.name);
    if (!community || community.deleted || community.removed)
      return reply.code(404).send({ error: "couldnt_find_community" });
    return send(
      reply,
      { listingType: "All", communityId: community.id, sort: "New" },
      {
        title: community.title,
        description: community.description ?? community.title,
        path: `/c/${request.params.name}`,
        self: `/feeds/c/${request.params.name}.xml`,
      },
    );
  });

  app.get<{ Params: { name: string } }>("/feeds/u/:name.xml", async (request, reply) => {
    const person = await findPersonByIdOrName(db, { name: request.params.name });
    if (!person || person.deleted) return reply.code(404).send({ error: "couldnt_find_person" });
    return send(
      reply,
      { listingType: "All", creatorId: person.id, sort: "New" },
      {
        title: `Posts by ${person.display_name ?? person.name}`,
        description: `Posts by ${person.name}`,
        path: `/u/${request.params.name}`,
        self: `/feeds/u/${request.params.name}.xml`,
      },
    );
  });
}
