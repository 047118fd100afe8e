// RSS 2.0 feeds of posts (the front page, a community, a person), built with the `feed` library.
import { type PostView, renderMarkdown } from "@plenum/core";
import { Feed } from "feed";
import { html } from "./html.ts";

export interface RssChannel {
  title: string;
  description: string;
  /** The page this feed follows. */
  link: string;
  /** The feed's own URL. */
  self: string;
}

export function renderRss(origin: string, channel: RssChannel, posts: PostView[]): string {
  const feed = new Feed({
    id: channel.link,
    title: channel.title,
    description: channel.description,
    link: channel.link,
    feedLinks: { rss: channel.self },
    generator: "Plenum",
    copyright: "",
  });
  for (const { post, creator, community } of posts) {
    const page = `${origin}/post/${post.id}`;
    const footer = html`<p><a href="${page}">${post.comment_count} comments</a> in ${community.title}</p>`.value;
    const link = post.url ? html`<p><a href="${post.url}">${post.url}</a></p>`.value : "";
    feed.addItem({
      title: post.title,
      id: page,
      guid: page,
      link: post.url ?? page,
      date: post.published_at,
      description: `${link}${renderMarkdown(post.body)}${footer}`,
      author: [{ name: creator.display_name ?? creator.name, link: creator.ap_id }],
      category: [{ name: community.title, domain: community.ap_id }],
    });
  }
  return feed.rss2();
}
