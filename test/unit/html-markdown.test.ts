// Remote HTML without a Markdown source is stored as Markdown: sanitised first, then written so
// that rendering it gives the same structure back, with text that only looks like Markdown
// escaped.
import { describe, expect, test } from "@jest/globals";
import { htmlToMarkdown, htmlToText, renderMarkdown } from "@plenum/core";

describe("htmlToMarkdown", () => {
  test.each([
    ["<p>Hello <strong>world</strong> and <em>you</em></p>", "Hello **world** and *you*"],
    ["<p>one</p><p>two<br>three</p>", "one\n\ntwo\\\nthree"],
    ['<p><a href="https://example.com/a">a link</a></p>', "[a link](https://example.com/a)"],
    ['<p><a href="https://example.com/a b">spaced</a></p>', "[spaced](<https://example.com/a b>)"],
    ["<ul><li>one</li><li>two</li></ul>", "- one\n- two"],
    ['<ol start="3"><li>three</li><li>four</li></ol>', "3. three\n4. four"],
    ["<blockquote><p>quoted</p></blockquote>", "> quoted"],
    ["<pre><code>let x = 1;\n</code></pre>", "```\nlet x = 1;\n```"],
    ["<p>use <code>npm test</code></p>", "use `npm test`"],
    ["<h2>Title</h2>", "## Title"],
  ])("%s", (html, markdown) => {
    expect(htmlToMarkdown(html)).toBe(markdown);
  });

  test("text that looks like Markdown stays text", () => {
    const markdown = htmlToMarkdown(
      "<p>2*3*4 and [not a link] and _this_</p><p># not a heading</p><p>1. not a list</p>",
    );
    expect(renderMarkdown(markdown)).toBe(
      "<p>2*3*4 and [not a link] and _this_</p>\n<p># not a heading</p>\n<p>1. not a list</p>\n",
    );
  });

  test("what the sanitiser removes never reaches the Markdown", () => {
    const markdown = htmlToMarkdown('<p>hi<script>alert(1)</script><a href="javascript:alert(1)">x</a></p>');
    expect(markdown).not.toContain("alert");
    expect(markdown).toBe("hix");
  });

  test("Mastodon's mention markup becomes a link", () => {
    const html =
      '<p><span class="h-card"><a href="https://lemmy.example/c/test" class="u-url mention">@<span>test</span></a></span> Hello</p>';
    expect(htmlToMarkdown(html)).toBe("[@test](https://lemmy.example/c/test) Hello");
    expect(htmlToText(html)).toEqual(["@test Hello"]);
  });
});
