// The Group a local community is served as, with Lemmy's `postingRestrictedToMods`, a term
// Fedify's vocabulary does not model (federation-wire-formats.md §2.2). Fedify serializes the
// Group; this adds the term and its context entry to the compact document it produced.
import { Group } from "@fedify/vocab";
import type { Json } from "./objects.ts";

/** Lemmy's term for a community only moderators may post in, under the name Lemmy reads. */
const LEMMY_GROUP_TERMS = {
  lemmy: "https://join-lemmy.org/ns#",
  postingRestrictedToMods: "lemmy:postingRestrictedToMods",
};

export class LemmyGroup extends Group {
  readonly #postingRestrictedToMods: boolean;

  constructor(postingRestrictedToMods: boolean, values: ConstructorParameters<typeof Group>[0]) {
    super(values);
    this.#postingRestrictedToMods = postingRestrictedToMods;
  }

  override async toJsonLd(options?: Parameters<Group["toJsonLd"]>[0]): Promise<unknown> {
    const json = (await super.toJsonLd(options)) as Json;
    // Expanded documents (format "expand") have no @context; only compact ones get the term.
    if (options?.format === "expand" || !("@context" in json)) return json;
    const context = [json["@context"]].flat();
    return {
      ...json,
      "@context": [...context, LEMMY_GROUP_TERMS],
      postingRestrictedToMods: this.#postingRestrictedToMods,
    };
  }
}
