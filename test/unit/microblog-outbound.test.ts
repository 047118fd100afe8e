// Pure parts of what microblog servers are sent: which software counts as which kind of server,
// the excerpt Mastodon shows of a post, which activities create a post, and reading NodeInfo.
import { describe, expect, test } from "@jest/globals";
import { instanceKindOf } from "@plenum/core";
import { createdPostId } from "../../packages/federation/src/microblog.ts";
import { softwareOf } from "../../packages/federation/src/nodeinfo.ts";
import { excerptOf, SUMMARY_MAX_CHARS } from "../../packages/federation/src/objects.ts";

describe("instance kinds", () => {
  test("microblogs, their forks, link aggregators and the unknown", () => {
    for (const name of ["mastodon", "Pleroma", "akkoma", "misskey", "sharkey", "firefish", "gotosocial", "snac"]) {
      expect(instanceKindOf(name)).toBe("microblog");
    }
    for (const name of ["lemmy", "mbin", "kbin", "piefed", "plenum"]) expect(instanceKindOf(name)).toBe("threadiverse");
    expect(instanceKindOf("something-new")).toBe("unknown");
    expect(instanceKindOf(null)).toBe("unknown");
  });

  test("NodeInfo's software name is read lowercased, and a document without one gives nothing", () => {
    expect(softwareOf({ software: { name: "Mastodon", version: "4.3.0" } })).toEqual({
      software: "mastodon",
      version: "4.3.0",
    });
    expect(softwareOf({ software: { name: "" } })).toBeNull();
    expect(softwareOf({ software: "mastodon" })).toBeNull();
    expect(softwareOf(null)).toBeNull();
  });
});

describe("a post's summary", () => {
  test("is the body's plain text, absent without a body", () => {
    expect(excerptOf("Look **here** at [this](https://example.com)")).toBe("Look here at this");
    expect(excerptOf(null)).toBeUndefined();
    expect(excerptOf("")).toBeUndefined();
  });

  test("is cut at a word within the bound, never inside an escaped character", () => {
    const long = excerptOf("word ".repeat(400)) ?? "";
    expect(long.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(long).toMatch(/word…$/);
    const ampersands = excerptOf("&".repeat(1000)) ?? "";
    expect(ampersands.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(ampersands).toMatch(/^(&amp;)+…$/);
    expect(excerptOf("a <b> & c")).toBe("a &lt;b&gt; &amp; c");
  });
});

describe("what microblog followers are sent", () => {
  const page = { id: "https://a.example/post/1", type: "Page" };
  test("the Create of a post, not its Update, nor comments or votes", () => {
    expect(createdPostId({ type: "Create", object: page })).toBe(page.id);
    expect(createdPostId({ type: "Create", object: { id: "https://m.example/s/1", type: "Note" } })).toBe(
      "https://m.example/s/1",
    );
    expect(createdPostId({ type: "Update", object: page })).toBeNull();
    expect(createdPostId({ type: "Create", object: { id: "x", type: "Note", inReplyTo: page.id } })).toBeNull();
    expect(createdPostId({ type: "Like", object: page.id })).toBeNull();
  });
});
