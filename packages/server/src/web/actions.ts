// Form actions: votes, comments, saves, moderation, follows, submitting posts and communities.
// Without JavaScript each answers a redirect back to where the reader was; app.js asks for JSON
// (votes) or an HTML fragment (replies) and updates the page in place.
import {
  createComment,
  createCommunity,
  createPost,
  editCommunity,
  featurePost,
  findCommunityByName,
  getCommentView,
  getPostView,
  getSite,
  listCommunityViews,
  lockPost,
  savePost,
  setCommunityFollow,
  setPostDeleted,
  type VoteScore,
  voteOnComment,
  votePost,
} from "@plenum/core";
import {
  type CommunityForm,
  renderCommentFragment,
  renderCommunityForm,
  renderMessagePage,
  renderNotFoundPage,
  renderSubmitPage,
} from "@plenum/web";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiContext } from "../api/v3/context.ts";
import { commentViewer, threadReader } from "./content-pages.ts";
import { pageRequest, safeNext, sendPage } from "./context.ts";
import { checked, type Form, field, wantsJson } from "./forms.ts";
import { ERROR_MESSAGES } from "./messages.ts";

type IdParams = { Params: { id: string } };
const message = (code: string) => ERROR_MESSAGES[code] ?? `That did not work (${code}).`;

function parseScore(value: string): VoteScore | null {
  return value === "1" ? 1 : value === "-1" ? -1 : value === "0" ? 0 : null;
}

export function registerActions(app: FastifyInstance, api: ApiContext): void {
  const { runtime } = api;
  const { db } = runtime.database;
  const { urls } = runtime.contextData;
  const csrf = { preHandler: app.csrfProtection };

  /** The reader, or a redirect to log in (and null). */
  async function member(request: FastifyRequest, reply: FastifyReply) {
    const viewer = await api.viewer(request);
    if (!viewer) {
      const back = safeNext(field(request.body as Form, "back"), "/");
      reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
    }
    return viewer;
  }

  /** A refused action: JSON for app.js, otherwise a page saying why with a way back. */
  async function refuse(request: FastifyRequest, reply: FastifyReply, code: string) {
    if (wantsJson(request.headers.accept)) return reply.code(400).send({ error: code });
    const { ctx } = await pageRequest(runtime, request, reply);
    const back = safeNext(field(request.body as Form, "back"), "/");
    return sendPage(reply, renderMessagePage(ctx, { title: "That did not work", message: message(code), back }), 400);
  }

  const back = (request: FastifyRequest, fallback: string) => safeNext(field(request.body as Form, "back"), fallback);

  app.post<IdParams>("/post/:id/vote", { ...csrf, config: api.rateLimit("vote") }, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const score = parseScore(field(request.body as Form, "score"));
    if (score === null) return refuse(request, reply, "invalid_request");
    const result = await votePost(db, await getSite(db), viewer, request.params.id, score);
    if (!result.ok) return refuse(request, reply, result.error.type);
    if (wantsJson(request.headers.accept)) return { score: result.value.score, myVote: result.value.myVote };
    return reply.redirect(back(request, `/post/${request.params.id}`), 303);
  });

  app.post<IdParams>("/comment/:id/vote", { ...csrf, config: api.rateLimit("vote") }, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const score = parseScore(field(request.body as Form, "score"));
    if (score === null) return refuse(request, reply, "invalid_request");
    const site = await getSite(db);
    const result = await voteOnComment(db, {
      commentId: request.params.id,
      personId: viewer.person.id,
      score,
      downvotesEnabled: site.enable_downvotes,
    });
    if (!result.ok) return refuse(request, reply, result.error.type);
    if (wantsJson(request.headers.accept)) return { score: result.value.score, myVote: result.value.myVote };
    return reply.redirect(back(request, `/comment/${request.params.id}`), 303);
  });

  async function comment(request: FastifyRequest, reply: FastifyReply, postId: string, parentId: string | null) {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const result = await createComment(
      db,
      urls,
      { personId: viewer.person.id, admin: viewer.localUser.admin },
      { postId, parentId, content: field(request.body as Form, "content") },
    );
    if (!result.ok) return refuse(request, reply, result.error.type);
    if (wantsJson(request.headers.accept)) {
      const [view, post] = await Promise.all([
        getCommentView(db, result.value.id, commentViewer(viewer)),
        getPostView(db, postId, viewer.person.id),
      ]);
      if (!view || !post) return refuse(request, reply, "couldnt_find_comment");
      const { ctx } = await pageRequest(runtime, request, reply);
      const reader = await threadReader(db, viewer, post);
      const html = renderCommentFragment(ctx, [view], { view: post, reader }, false);
      return { html, id: result.value.id };
    }
    return reply.redirect(`${back(request, `/post/${postId}`).split("#")[0]}#comment-${result.value.id}`, 303);
  }

  app.post<IdParams>("/post/:id/comment", { ...csrf, config: api.rateLimit("comment") }, async (request, reply) =>
    comment(request, reply, request.params.id, null),
  );

  app.post<IdParams>("/comment/:id/reply", { ...csrf, config: api.rateLimit("comment") }, async (request, reply) => {
    const parent = await db
      .selectFrom("comments")
      .select("post_id")
      .where("id", "=", request.params.id)
      .executeTakeFirst();
    if (!parent) return refuse(request, reply, "couldnt_find_comment");
    return comment(request, reply, parent.post_id, request.params.id);
  });

  app.post<IdParams>("/post/:id/save", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const result = await savePost(db, viewer, request.params.id, checked(request.body as Form, "save"));
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(`/post/${request.params.id}`, 303);
  });

  app.post<IdParams>("/post/:id/delete", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const result = await setPostDeleted(db, viewer, request.params.id, checked(request.body as Form, "deleted"));
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(`/post/${request.params.id}`, 303);
  });

  for (const [path, featureType] of [
    ["feature", "Community"],
    ["feature_local", "Local"],
  ] as const) {
    app.post<IdParams>(`/post/:id/${path}`, csrf, async (request, reply) => {
      const viewer = await member(request, reply);
      if (!viewer) return reply;
      const result = await featurePost(db, viewer, {
        postId: request.params.id,
        featured: checked(request.body as Form, "featured"),
        featureType,
      });
      if (!result.ok) return refuse(request, reply, result.error.type);
      return reply.redirect(`/post/${request.params.id}`, 303);
    });
  }

  app.post<IdParams>("/post/:id/lock", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const result = await lockPost(db, viewer, request.params.id, checked(request.body as Form, "locked"));
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(`/post/${request.params.id}`, 303);
  });

  app.post<{ Params: { name: string } }>("/c/:name/follow", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const community = await findCommunityByName(db, request.params.name);
    if (!community) return refuse(request, reply, "couldnt_find_community");
    const result = await setCommunityFollow(db, urls, viewer, community.id, checked(request.body as Form, "follow"));
    if (!result.ok) return refuse(request, reply, result.error.type);
    return reply.redirect(`/c/${request.params.name}`, 303);
  });

  // Submitting a post.
  async function submitPage(request: FastifyRequest, reply: FastifyReply, form: Form | undefined, errors: string[]) {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent("/submit")}`);
    const communities = await listCommunityViews(db, {
      viewerId: viewer.person.id,
      listingType: "All",
      sort: "TopAll",
      showNsfw: true,
      page: 1,
      limit: 200,
    });
    const query = request.query as Record<string, string | undefined>;
    return sendPage(
      reply,
      renderSubmitPage(ctx, {
        communities: communities
          .filter((c) => c.community.local)
          .map((c) => ({ id: c.community.id, title: c.community.title, handle: `!${c.community.name}` })),
        communityId: form ? field(form, "community_id") : (query.community ?? ""),
        title: field(form, "title"),
        url: field(form, "url"),
        body: field(form, "body"),
        nsfw: checked(form, "nsfw"),
        errors,
      }),
      errors.length > 0 ? 400 : 200,
    );
  }

  app.get("/submit", async (request, reply) => submitPage(request, reply, undefined, []));

  app.post("/submit", { ...csrf, config: api.rateLimit("post") }, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const form = request.body as Form;
    const communityId = field(form, "community_id");
    if (!/^\d+$/.test(communityId)) return submitPage(request, reply, form, [message("couldnt_find_community")]);
    const result = await createPost(db, urls, viewer, {
      communityId,
      title: field(form, "title"),
      url: field(form, "url") || undefined,
      body: field(form, "body") || undefined,
      nsfw: checked(form, "nsfw"),
    });
    if (!result.ok) return submitPage(request, reply, form, [message(result.error.type)]);
    return reply.redirect(`/post/${result.value.id}`, 303);
  });

  // Creating and editing communities.
  function communityFormValues(form: Form | undefined): Omit<CommunityForm, "errors" | "name"> {
    return {
      newName: field(form, "name"),
      title: field(form, "title"),
      description: field(form, "description"),
      sidebar: field(form, "sidebar"),
      iconUrl: field(form, "icon"),
      bannerUrl: field(form, "banner"),
      nsfw: checked(form, "nsfw"),
      postingRestrictedToMods: checked(form, "posting_restricted_to_mods"),
    };
  }

  const settingsFrom = (form: Form) => ({
    title: field(form, "title"),
    description: field(form, "description"),
    sidebar: field(form, "sidebar"),
    icon: field(form, "icon"),
    banner: field(form, "banner"),
    nsfw: checked(form, "nsfw"),
    postingRestrictedToMods: checked(form, "posting_restricted_to_mods"),
  });

  app.get("/create_community", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent("/create_community")}`);
    return sendPage(reply, renderCommunityForm(ctx, { ...communityFormValues(undefined), errors: [] }));
  });

  app.post("/create_community", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const form = request.body as Form;
    const result = await createCommunity(db, urls, await getSite(db), viewer, {
      name: field(form, "name"),
      ...settingsFrom(form),
    });
    if (result.ok) return reply.redirect(`/c/${result.value.name}`, 303);
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(
      reply,
      renderCommunityForm(ctx, { ...communityFormValues(form), errors: [message(result.error.type)] }),
      400,
    );
  });

  app.get<{ Params: { name: string } }>("/c/:name/edit", async (request, reply) => {
    const { ctx, viewer } = await pageRequest(runtime, request, reply);
    if (!viewer) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
    const community = await findCommunityByName(db, request.params.name);
    if (!community?.local) return sendPage(reply, renderNotFoundPage(ctx, "There is no such community here."), 404);
    return sendPage(
      reply,
      renderCommunityForm(ctx, {
        name: community.name,
        newName: community.name,
        title: community.title,
        description: community.description ?? "",
        sidebar: community.sidebar ?? "",
        iconUrl: community.icon_url ?? "",
        bannerUrl: community.banner_url ?? "",
        nsfw: community.nsfw,
        postingRestrictedToMods: community.posting_restricted_to_mods,
        errors: [],
      }),
    );
  });

  app.post<{ Params: { name: string } }>("/c/:name/edit", csrf, async (request, reply) => {
    const viewer = await member(request, reply);
    if (!viewer) return reply;
    const community = await findCommunityByName(db, request.params.name);
    if (!community?.local) return refuse(request, reply, "couldnt_find_community");
    const form = request.body as Form;
    const result = await editCommunity(db, await getSite(db), viewer, community.id, settingsFrom(form));
    if (result.ok) return reply.redirect(`/c/${community.name}`, 303);
    const { ctx } = await pageRequest(runtime, request, reply);
    return sendPage(
      reply,
      renderCommunityForm(ctx, {
        ...communityFormValues(form),
        name: community.name,
        errors: [message(result.error.type)],
      }),
      400,
    );
  });
}
