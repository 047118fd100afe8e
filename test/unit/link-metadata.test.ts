// Link previews without the network: the metadata parser, charset detection, and which
// addresses count as public.
import { describe, expect, test } from "@jest/globals";
import { decodeHtml, isPublicAddress, MAX_EMBED_TITLE_LENGTH, parseLinkMetadata } from "@plenum/core";

const PAGE = "https://news.example/articles/42?ref=x";

describe("parseLinkMetadata", () => {
  test("reads OpenGraph tags and resolves a relative image against the page", () => {
    const html = `<!doctype html><html><head>
      <title>Fallback title</title>
      <meta property="og:title" content="  The &amp; Title  ">
      <meta property="og:description" content="What
        happened,   briefly.">
      <meta property="og:image" content="/img/lead.png">
      <meta property="og:video" content="https://video.example/v/1">
      <meta name="description" content="Not this one">
    </head><body></body></html>`;
    expect(parseLinkMetadata(html, PAGE)).toEqual({
      title: "The & Title",
      description: "What happened, briefly.",
      image: "https://news.example/img/lead.png",
      embedVideoUrl: "https://video.example/v/1",
    });
  });

  test("falls back to Twitter cards, then <title> and <meta name=description>", () => {
    const twitter = `<head><title>Page</title><meta name="twitter:title" content="Card title">
      <meta name="twitter:image" content="https://cdn.example/card.jpg"></head>`;
    expect(parseLinkMetadata(twitter, PAGE)).toMatchObject({
      title: "Card title",
      image: "https://cdn.example/card.jpg",
    });
    const plain = `<HTML><HEAD><TITLE>Plain &lt;page&gt;</TITLE><META NAME="Description" CONTENT="Old school"></HEAD></HTML>`;
    expect(parseLinkMetadata(plain, PAGE)).toEqual({
      title: "Plain <page>",
      description: "Old school",
      image: null,
      embedVideoUrl: null,
    });
  });

  test("the first tag of a kind wins, and empty ones are skipped", () => {
    const html = `<head><meta property="og:title" content=" "><meta property="og:title" content="Second">
      <meta property="og:title" content="Third"></head>`;
    expect(parseLinkMetadata(html, PAGE).title).toBe("Second");
  });

  test("ignores what comes after the head, titles inside SVG, and non-http(s) URLs", () => {
    const html = `<head><svg><title>icon</title></svg><title>Real</title>
      <meta property="og:image" content="javascript:alert(1)">
      <meta property="og:video" content="data:video/mp4;base64,AAAA"></head>
      <body><meta property="og:description" content="in the body"></body>`;
    expect(parseLinkMetadata(html, PAGE)).toEqual({
      title: "Real",
      description: null,
      image: null,
      embedVideoUrl: null,
    });
  });

  test("a page without metadata gives nulls, and long titles are cut", () => {
    expect(parseLinkMetadata("just text", PAGE)).toEqual({
      title: null,
      description: null,
      image: null,
      embedVideoUrl: null,
    });
    const long = parseLinkMetadata(`<title>${"x".repeat(500)}</title>`, PAGE).title ?? "";
    expect([...long]).toHaveLength(MAX_EMBED_TITLE_LENGTH);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("decodeHtml", () => {
  test("uses the header's charset, else a <meta charset>, else UTF-8", () => {
    const latin1 = Uint8Array.from([...Buffer.from("<title>caf"), 0xe9, ...Buffer.from("</title>")]);
    expect(decodeHtml(latin1, "iso-8859-1")).toBe("<title>café</title>");
    const declared = Uint8Array.from([...Buffer.from('<meta charset="windows-1252"><p>'), 0x80]);
    expect(decodeHtml(declared, null)).toBe('<meta charset="windows-1252"><p>€');
    expect(decodeHtml(Buffer.from("<p>café ✓</p>"), null)).toBe("<p>café ✓</p>");
    expect(decodeHtml(Buffer.from("<p>ok</p>"), "no-such-charset")).toBe("<p>ok</p>");
  });
});

describe("isPublicAddress", () => {
  test.each([
    ["8.8.8.8", true],
    ["93.184.215.14", true],
    ["2606:4700:4700::1111", true],
    ["::ffff:8.8.8.8", true],
    ["64:ff9b::808:808", true],
    ["127.0.0.1", false],
    ["127.255.0.9", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["::1", false],
    ["::", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:7f00:1", false],
    ["64:ff9b::7f00:1", false],
    ["fe80::1", false],
    ["fd12:3456::1", false],
    ["ff02::1", false],
    ["2001:db8::1", false],
    ["not an address", false],
  ])("%s is public: %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
