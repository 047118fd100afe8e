// A member's profile and preferences (Lemmy's saveUserSettings). An empty string clears an
// optional text field, as in Lemmy.
import type { Db } from "../db/connect.ts";
import type { LocalUserUpdate, PersonUpdate, SiteRow } from "../db/schema.ts";
import { eventsCommitted, recordEvent } from "../events.ts";
import { findPersonById } from "../persons/person.repository.ts";
import { isUniqueViolation } from "../persons/person.service.ts";
import { err, ok, type Result } from "../result.ts";
import { checkPronouns } from "../site/site.service.ts";
import { findLocalAccount, type LocalAccount } from "./account.service.ts";

/** Longest display name, in characters (Lemmy allows up to its actor name limit; we allow more
 *  room because pronouns are not squeezed into it). */
export const MAX_DISPLAY_NAME_LENGTH = 50;
/** Longest bio, in characters: Lemmy's BIO_MAX_LENGTH. */
export const MAX_BIO_LENGTH = 300;

export const SORT_TYPES = [
  "Active",
  "Hot",
  "New",
  "Old",
  "TopDay",
  "TopWeek",
  "TopMonth",
  "TopYear",
  "TopAll",
  "MostComments",
  "NewComments",
  "TopHour",
  "TopSixHour",
  "TopTwelveHour",
  "TopThreeMonths",
  "TopSixMonths",
  "TopNineMonths",
  "Controversial",
  "Scaled",
] as const;
export type SortType = (typeof SORT_TYPES)[number];
export const LISTING_TYPES = ["All", "Local", "Subscribed", "ModeratorView"] as const;
export type ListingType = (typeof LISTING_TYPES)[number];

export interface SettingsInput {
  displayName?: string;
  bio?: string;
  avatarUrl?: string;
  bannerUrl?: string;
  email?: string;
  botAccount?: boolean;
  pronouns?: string[];
  showNsfw?: boolean;
  blurNsfw?: boolean;
  showBotAccounts?: boolean;
  showReadPosts?: boolean;
  showScores?: boolean;
  showAvatars?: boolean;
  openLinksInNewTab?: boolean;
  defaultSortType?: SortType;
  defaultListingType?: ListingType;
  theme?: string;
  interfaceLanguage?: string;
}

export type SettingsError =
  | { type: "invalid_display_name" }
  | { type: "bio_length_overflow" }
  | { type: "invalid_url"; field: "avatar" | "banner" }
  | { type: "email_already_exists" }
  | { type: "invalid_pronouns"; value: string };

/** An http(s) URL, or "" to clear; anything else is invalid. */
function urlOrClear(value: string): string | null | undefined {
  if (value === "") return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export async function saveUserSettings(
  db: Db,
  site: SiteRow,
  personId: string,
  input: SettingsInput,
): Promise<Result<LocalAccount, SettingsError>> {
  const person: PersonUpdate = {};
  const localUser: LocalUserUpdate = {};
  if (input.displayName !== undefined) {
    const displayName = input.displayName.trim();
    // Control and invisible characters would let a name impersonate another.
    if (displayName.length > MAX_DISPLAY_NAME_LENGTH || /[\p{Cc}\p{Cf}]/u.test(displayName)) {
      return err({ type: "invalid_display_name" });
    }
    person.display_name = displayName === "" ? null : displayName;
  }
  if (input.bio !== undefined) {
    if ([...input.bio].length > MAX_BIO_LENGTH) return err({ type: "bio_length_overflow" });
    person.bio = input.bio.trim() === "" ? null : input.bio;
  }
  for (const [field, value] of [
    ["avatar", input.avatarUrl],
    ["banner", input.bannerUrl],
  ] as const) {
    if (value === undefined) continue;
    const url = urlOrClear(value.trim());
    if (url === undefined) return err({ type: "invalid_url", field });
    if (field === "avatar") person.avatar_url = url;
    else person.banner_url = url;
  }
  if (input.pronouns !== undefined) {
    const checked = checkPronouns(input.pronouns, site.pronouns);
    if (!checked.ok) return err({ type: "invalid_pronouns", value: checked.invalid });
    person.pronouns = checked.pronouns;
  }
  if (input.botAccount !== undefined) person.bot = input.botAccount;
  if (input.email !== undefined) localUser.email = input.email.trim() === "" ? null : input.email.trim();
  if (input.showNsfw !== undefined) localUser.show_nsfw = input.showNsfw;
  if (input.blurNsfw !== undefined) localUser.blur_nsfw = input.blurNsfw;
  if (input.showBotAccounts !== undefined) localUser.show_bot_accounts = input.showBotAccounts;
  if (input.showReadPosts !== undefined) localUser.show_read_posts = input.showReadPosts;
  if (input.showScores !== undefined) localUser.show_scores = input.showScores;
  if (input.showAvatars !== undefined) localUser.show_avatars = input.showAvatars;
  if (input.openLinksInNewTab !== undefined) localUser.open_links_in_new_tab = input.openLinksInNewTab;
  if (input.defaultSortType !== undefined) localUser.default_sort_type = input.defaultSortType;
  if (input.defaultListingType !== undefined) localUser.default_listing_type = input.defaultListingType;
  if (input.theme !== undefined) localUser.theme = input.theme;
  if (input.interfaceLanguage !== undefined) localUser.interface_language = input.interfaceLanguage;
  // Only a real change of the public profile is federated (the settings page sends every field).
  const before = await findPersonById(db, personId);
  const profileChanged = Object.entries(person).some(
    ([key, value]) => JSON.stringify(before?.[key as keyof typeof before]) !== JSON.stringify(value),
  );
  try {
    await db.transaction().execute(async (trx) => {
      if (Object.keys(person).length > 0) {
        await trx
          .updateTable("persons")
          .set({ ...person, updated_at: new Date() })
          .where("id", "=", personId)
          .execute();
        // The servers that know the person hear of it.
        if (profileChanged) await recordEvent(trx, { type: "person_updated", personId });
      }
      if (Object.keys(localUser).length > 0) {
        await trx.updateTable("local_users").set(localUser).where("person_id", "=", personId).execute();
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) return err({ type: "email_already_exists" });
    throw error;
  }
  if (profileChanged) eventsCommitted();
  const account = await findLocalAccount(db, personId);
  if (!account) throw new Error(`account ${personId} vanished while saving settings`);
  return ok(account);
}
