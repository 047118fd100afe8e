// Pronouns of remote persons, read from the profile field Mastodon users fill in
// (`attachment: [{type: "PropertyValue", name: "Pronouns", value: "she/her"}]`; PieFed reads the
// same field). The value is HTML from anyone: only its text is kept, split at commas, bounded.
import type { Actor } from "@fedify/vocab";
import { PropertyValue } from "@fedify/vocab";
import { htmlToText } from "@plenum/core";

/** At most this many pronoun entries are kept: Hexbear-style lists hold two or three. */
export const MAX_REMOTE_PRONOUNS = 4;
/** Characters per entry: "they/them/theirs" is 16; longer values are profile prose, not pronouns. */
export const MAX_REMOTE_PRONOUN_LENGTH = 30;

/** The pronouns in an actor's "Pronouns" profile field, as plain text entries (none: []). */
export async function remotePronouns(actor: Actor): Promise<string[]> {
  try {
    for await (const attachment of actor.getAttachments({ suppressError: true })) {
      if (!(attachment instanceof PropertyValue)) continue;
      if (attachment.name?.toString().trim().toLowerCase() !== "pronouns") continue;
      const text = htmlToText(attachment.value?.toString() ?? "").join(" ");
      return text
        .split(",")
        .map((entry) => entry.replace(/\s+/g, " ").trim())
        .filter((entry) => entry !== "" && entry.length <= MAX_REMOTE_PRONOUN_LENGTH)
        .slice(0, MAX_REMOTE_PRONOUNS);
    }
  } catch {
    // An attachment that cannot be read is no pronoun field.
  }
  return [];
}
