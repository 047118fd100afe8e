import { describe, expect, test } from "@jest/globals";
import { markdownToText, renderMarkdown, sanitizeRemoteHtml } from "@plenum/core";

describe("Markdown rendering", () => {
  test("renders Markdown and keeps what is safe", () => {
    expect(renderMarkdown("**bold** and _em_\n\n- a\n- b")).toBe(
      "<p><strong>bold</strong> and <em>em</em></p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n",
    );
  });

  test("links are marked nofollow noopener ugc, and bare URLs become links", () => {
    expect(renderMarkdown("[x](https://example.org) https://example.com")).toBe(
      '<p><a href="https://example.org" rel="nofollow noopener ugc">x</a> <a href="https://example.com" rel="nofollow noopener ugc">https://example.com</a></p>\n',
    );
  });

  test.each([
    ["[click](javascript:alert(1))", "href="],
    ["[click](JaVaScRiPt:alert(1))", "href="],
    ["![x](data:text/html;base64,PHNjcmlwdD4=)", "src="],
    ["<script>alert(1)</script>", "<script"],
    ['<img src="x" onerror="alert(1)">', "<img"],
  ])("Markdown %s cannot carry script", (source, forbidden) => {
    expect(renderMarkdown(source)).not.toContain(forbidden);
  });

  test.each([
    ["<script>alert(1)</script><p>ok</p>", "script"],
    ['<img src="https://x.org/a.png" onerror="alert(1)">', "onerror"],
    ['<a href="https://x.org" onclick="steal()">x</a>', "onclick"],
    ['<a href="javascript:alert(1)">x</a>', "javascript"],
    ['<iframe src="https://evil.example"></iframe>', "iframe"],
    ['<p style="position:fixed">x</p>', "position"],
  ])("remote HTML %s is stripped of %s", (source, forbidden) => {
    expect(sanitizeRemoteHtml(source)).not.toContain(forbidden);
  });

  test("raw HTML is shown as text, not interpreted", () => {
    expect(renderMarkdown("<b>hi</b>")).toBe("<p>&lt;b&gt;hi&lt;/b&gt;</p>\n");
  });

  test("plain text for excerpts", () => {
    expect(markdownToText("# Title\n\nSome *words* and [a link](https://x.org).")).toBe("Title Some words and a link.");
  });

  test("empty input renders nothing", () => {
    expect(renderMarkdown(null)).toBe("");
    expect(renderMarkdown("")).toBe("");
  });
});
