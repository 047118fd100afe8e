// Boosts from Mastodon as a reader sees them in a real browser: the Mastodon-like peer boosts a
// post and a comment on instance A; the post page names the booster (with their Pronouns field)
// and counts the comment's boost on its line; once undone, both are gone.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { LemmyHttp } from "lemmy-js-client";
import type { Browser } from "playwright-core";
import { chromiumAvailable, launchBrowser } from "../support/browser.ts";
import { startInstance, type TestInstance } from "../support/instances.ts";
import { type MastodonPeer, startMastodonPeer } from "../support/mastodon-peer.ts";
import { waitUntil } from "../support/wait.ts";

describe("boosts from Mastodon in the browser", () => {
  let a: TestInstance;
  let peer: MastodonPeer;
  let browser: Browser;
  let alice: LemmyHttp;

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error("Chromium is missing: apt-get install chromium (.ci/run does)");
    [a, peer] = await Promise.all([startInstance(), startMastodonPeer()]);
    browser = await launchBrowser();
    alice = await a.user("alice", { admin: true });
    await alice.createCommunity({ name: "lobby", title: "Lobby" });
  });

  afterAll(async () => {
    await browser?.close();
    await a?.stop();
    await peer?.close();
  });

  test("the post names its booster; the comment's line counts its boost; undone, both go", async () => {
    const lobby = (await alice.getCommunity({ name: "lobby" })).community_view.community;
    const post = (await alice.createPost({ community_id: lobby.id, name: "Boost me" })).post_view.post;
    const comment = (await alice.createComment({ post_id: post.id, content: "And me" })).comment_view.comment;
    const mia = peer.account("mia", { displayName: "Mia", pronouns: "she/her" });
    const postBoost = await peer.boost(mia, post.ap_id);
    const commentBoost = await peer.boost(mia, comment.ap_id);
    /** "post boosts,comment boosts", as the API counts them. */
    const boostCounts = async () => {
      const [readPost, readComment] = await Promise.all([
        alice.getPost({ id: post.id }),
        alice.getComment({ id: comment.id }),
      ]);
      const boostsOf = (counts: unknown) => (counts as { boosts: number }).boosts;
      return `${boostsOf(readPost.post_view.counts)},${boostsOf(readComment.comment_view.counts)}`;
    };
    await waitUntil(async () => (await boostCounts()) === "1,1", "both boosts to be recorded");

    const page = await browser.newPage({ javaScriptEnabled: true });
    await page.goto(`${a.origin}/post/${post.id}`);
    const boosted = page.locator(".post-full .boosts");
    expect(await boosted.textContent()).toMatch(/^Boosted by 1 person: Mia/);
    expect(await boosted.textContent()).toContain("she/her");
    expect(await boosted.locator("a").getAttribute("href")).toBe(`/u/mia@${peer.host}`);
    const commentLine = page.locator(`#comment-${comment.id} summary`);
    expect(await commentLine.textContent()).toContain("· 1 boost");

    await peer.undo(mia, postBoost);
    await peer.undo(mia, commentBoost);
    await waitUntil(async () => (await boostCounts()) === "0,0", "both boosts to be undone");
    await page.reload();
    expect(await page.locator(".boosts").count()).toBe(0);
    expect(await page.locator(`#comment-${comment.id} summary`).textContent()).not.toContain("boost");
    await page.close();
  });
});
