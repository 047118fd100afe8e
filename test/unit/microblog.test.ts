// The pure parts of taking in microblog content: a Note post's body after its title line, and
// pronouns from a Mastodon profile field (HTML from anyone, reduced to bounded text entries).

import { Note, Person, PropertyValue } from "@fedify/vocab";
import { describe, expect, test } from "@jest/globals";
import { bodyAfterTitleLine } from "../../packages/federation/src/inbox/microblog.ts";
import { remotePronouns } from "../../packages/federation/src/pronouns.ts";

describe("a microblog Note's body after its title line", () => {
  test("drops the line that became the title, mention and all", () => {
    expect(bodyAfterTitleLine("[@lobby](https://x.example/c/lobby) A title\\\nThe body\n\nMore")).toBe(
      "The body\n\nMore",
    );
  });

  test("skips lines holding only mentions before the title line", () => {
    expect(bodyAfterTitleLine("[@lobby](https://x.example/c/lobby)\\\nA title\\\nThe body")).toBe("The body");
    expect(bodyAfterTitleLine("@lobby@x.example\nA title\nThe body")).toBe("The body");
  });

  test("is empty when nothing follows the title", () => {
    expect(bodyAfterTitleLine("[@lobby](https://x.example/c/lobby) Only a title")).toBeNull();
    expect(bodyAfterTitleLine(null)).toBeNull();
  });
});

describe("pronouns from a remote profile", () => {
  const person = (...fields: [string, string][]) =>
    new Person({
      id: new URL("https://masto.example/users/mia"),
      attachments: [
        new Note({ content: "not a field" }),
        ...fields.map(([name, value]) => new PropertyValue({ name, value })),
      ],
    });

  test("reads the field named Pronouns, whatever its case, as text entries", async () => {
    expect(await remotePronouns(person(["Website", "x"], ["pronouns", "<p>she/<b>her</b>, they/them</p>"]))).toEqual([
      "she/her",
      "they/them",
    ]);
  });

  test("drops scripts, overlong entries and entries beyond four", async () => {
    expect(await remotePronouns(person(["Pronouns", "he<script>alert(1)</script>/him"]))).toEqual(["he/him"]);
    expect(await remotePronouns(person(["Pronouns", `${"x".repeat(31)}, any`]))).toEqual(["any"]);
    expect(await remotePronouns(person(["Pronouns", "a, b, c, d, e"]))).toEqual(["a", "b", "c", "d"]);
  });

  test("none without the field", async () => {
    expect(await remotePronouns(person(["Website", "https://example.com"]))).toEqual([]);
  });
});
