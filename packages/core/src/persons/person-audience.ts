// Who hears of a local person's profile changes and account deletion (Update(Person),
// Delete(Person); docs/federation.md "Profiles and account deletion"): the servers that follow the
// communities the person takes part in. Lemmy sends a user's deletion to every instance it knows;
// Plenum keeps it to the servers that can show the person's content or membership, which are the
// ones that keep a copy of the person.
import { sql } from "kysely";
import type { DbLike } from "../db/connect.ts";
import type { InstanceInbox } from "../instances/instance.repository.ts";

/**
 * The remote followers of local communities the person follows, posted or commented in, and the
 * remote communities among those (their own server announces to theirs). Unordered, undeduplicated
 * by server: the caller delivers once per shared inbox.
 */
export async function listPersonAudienceInboxes(db: DbLike, personId: string): Promise<InstanceInbox[]> {
  const result = await sql<InstanceInbox>`
    with taking_part as (
      select community_id from community_follows where person_id = ${personId}
      union select community_id from posts where creator_id = ${personId}
      union select p.community_id from comments c join posts p on p.id = c.post_id where c.creator_id = ${personId}
    )
    select f.ap_id as "apId", f.inbox_url as "inboxUrl", f.shared_inbox_url as "sharedInboxUrl"
    from taking_part t
    join communities c on c.id = t.community_id and c.local
    join community_follows cf on cf.community_id = c.id and cf.state = 'accepted'
    join persons f on f.id = cf.person_id and not f.local
    union
    select c.ap_id, c.inbox_url, c.shared_inbox_url
    from taking_part t
    join communities c on c.id = t.community_id and not c.local`.execute(db);
  return result.rows;
}
