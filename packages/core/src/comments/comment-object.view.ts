// Read view for publishing a comment to other servers (an ActivityPub Note): the comment with
// its creator, post, community and parent. Rows only: the mapping lives in packages/federation.
import type { DbLike } from "../db/connect.ts";
import type { CommentRow, CommunityRow, PersonRow, PostRow } from "../db/schema.ts";
import { personsById } from "../posts/post-object.view.ts";

export interface CommentObjectView {
  comment: CommentRow;
  creator: PersonRow;
  post: PostRow;
  community: CommunityRow;
  /** The comment replied to; null for a top-level comment (a reply to the post). */
  parent: CommentRow | null;
  /** Who wrote what this comment replies to: the parent comment's creator, else the post's. */
  parentCreator: PersonRow;
}

/** A comment with its creator, post, community and parent, deleted and removed ones included. */
export async function getCommentObjectView(db: DbLike, commentId: string): Promise<CommentObjectView | undefined> {
  const comment = await db.selectFrom("comments").selectAll().where("id", "=", commentId).executeTakeFirst();
  if (!comment) return undefined;
  const [post, parent] = await Promise.all([
    db.selectFrom("posts").selectAll().where("id", "=", comment.post_id).executeTakeFirst(),
    comment.parent_id
      ? db.selectFrom("comments").selectAll().where("id", "=", comment.parent_id).executeTakeFirst()
      : undefined,
  ]);
  if (!post) return undefined;
  const community = await db
    .selectFrom("communities")
    .selectAll()
    .where("id", "=", post.community_id)
    .executeTakeFirst();
  const persons = await personsById(db, [comment.creator_id, parent?.creator_id ?? post.creator_id]);
  const creator = persons.get(comment.creator_id);
  const parentCreator = persons.get(parent?.creator_id ?? post.creator_id);
  if (!community || !creator || !parentCreator) return undefined;
  return { comment, creator, post, community, parent: parent ?? null, parentCreator };
}
