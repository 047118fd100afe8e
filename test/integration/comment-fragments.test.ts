// The comment fragments app.js inserts in place ("more replies", a reply just written) are drawn
// like the post's page: the same badges and the same moderation forms for the same reader.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import { type ApiServer, startApiServer } from "../support/api.ts";

describe("comment fragments", () => {
  let server: ApiServer;
  const jwts = new Map<string, string>();
  let moe: LemmyHttp;
  let bob: LemmyHttp;
  let carl: LemmyHttp;
  let carlId: number;
  let postId: number;
  let rootId: number;
  let replyId: number;

  beforeAll(async () => {
    server = await startApiServer();
    for (const name of ["ada", "moe", "bob", "carl"]) jwts.set(name, (await server.user(name)).jwt);
    moe = server.client(jwts.get("moe"));
    bob = server.client(jwts.get("bob"));
    carl = server.client(jwts.get("carl"));
    carlId = (await carl.getSite()).my_user?.local_user_view.person.id ?? 0;
    const communityId = (await moe.createCommunity({ name: "tools", title: "Tools" })).community_view.community.id;
    postId = (await bob.createPost({ community_id: communityId, name: "Favourite hammer?" })).post_view.post.id;
    rootId = (await bob.createComment({ post_id: postId, content: "Mine is a claw hammer." })).comment_view.comment.id;
    replyId = (await carl.createComment({ post_id: postId, parent_id: rootId, content: "Sledgehammers only." }))
      .comment_view.comment.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** A page or fragment as the named person's browser gets it (the login cookie), or anonymously. */
  async function read(path: string, as?: string): Promise<string> {
    const jwt = as ? jwts.get(as) : undefined;
    const response = await fetch(`${server.origin}${path}`, { headers: jwt ? { cookie: `jwt=${jwt}` } : {} });
    expect(response.status).toBe(200);
    return response.text();
  }

  /** The markup of one comment's own header and forms (up to its replies' list). */
  function ownPart(html: string, commentId: number): string {
    const start = html.indexOf(`id="comment-${commentId}"`);
    if (start < 0) throw new Error(`comment ${commentId} not in the HTML`);
    const end = html.indexOf('<ul class="comments">', start);
    return html.slice(start, end < 0 ? undefined : end);
  }

  const formsOf = (part: string) => ({
    report: part.includes(`action="/comment/${replyId}/report"`),
    remove: part.includes(`action="/comment/${replyId}/remove"`),
    ban: part.includes('action="/c/tools/ban"'),
    purge: part.includes(`action="/comment/${replyId}/purge"`),
  });

  test("'more replies' carries the moderation forms the reader has on the post's page", async () => {
    const expected = {
      moe: { report: true, remove: true, ban: true, purge: false },
      ada: { report: true, remove: true, ban: true, purge: true },
      bob: { report: true, remove: false, ban: false, purge: false },
    };
    for (const [name, forms] of Object.entries(expected)) {
      const page = ownPart(await read(`/post/${postId}`, name), replyId);
      const fragment = await read(`/comment/${rootId}/replies`, name);
      expect(fragment).not.toContain(`id="comment-${rootId}"`);
      const part = ownPart(fragment, replyId);
      expect([name, formsOf(part)]).toEqual([name, forms]);
      expect([name, formsOf(page)]).toEqual([name, forms]);
      // The forms go back to the post, not to the fragment's URL.
      expect(part).not.toContain(`value="/comment/${rootId}/replies"`);
    }
    const anonymous = ownPart(await read(`/comment/${rootId}/replies`), replyId);
    expect(formsOf(anonymous)).toEqual({ report: false, remove: false, ban: false, purge: false });
  });

  test("a reply written in place comes back with the writer's moderation forms", async () => {
    // app.js posts the reply form with the page's CSRF token and asks for JSON with the fragment.
    const jwt = jwts.get("moe") ?? "";
    const pageResponse = await fetch(`${server.origin}/post/${postId}`, { headers: { cookie: `jwt=${jwt}` } });
    const page = await pageResponse.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    const secret = pageResponse.headers
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0] ?? "")
      .join("; ");
    expect(token).toBeTruthy();
    const response = await fetch(`${server.origin}/comment/${replyId}/reply`, {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
        cookie: `jwt=${jwt}; ${secret}`,
      },
      body: new URLSearchParams({ _csrf: token ?? "", back: `/post/${postId}`, content: "Pick one, both of you." }),
    });
    expect(response.status).toBe(200);
    const { html, id } = (await response.json()) as { html: string; id: string };
    const part = ownPart(html, Number(id));
    expect(part).toContain("Pick one, both of you.");
    expect(part).toContain('title="Moderator">mod</span>');
    expect(part).toContain(`action="/comment/${id}/remove"`);
    expect(part).not.toContain(`action="/comment/${id}/report"`);
  });

  test("a creator banned from the community is marked, on the page and in fragments", async () => {
    expect(ownPart(await read(`/comment/${rootId}/replies`), replyId)).not.toContain(">banned</span>");
    await moe.banFromCommunity({
      community_id: (await moe.getPost({ id: postId })).community_view.community.id,
      person_id: carlId,
      ban: true,
    });
    expect(ownPart(await read(`/comment/${rootId}/replies`), replyId)).toContain(
      'title="Banned from this community">banned</span>',
    );
    expect(ownPart(await read(`/post/${postId}`), replyId)).toContain(
      'title="Banned from this community">banned</span>',
    );
    // The moderator is offered to lift the ban instead of banning again.
    const forModerator = ownPart(await read(`/comment/${rootId}/replies`, "moe"), replyId);
    expect(forModerator).toContain("Unban carl");
  });
});
