// Which sent activities are kept to be served at their ids: public ones only, and with each
// activity of ours embedded in them, as documents of their own.
import { describe, expect, test } from "@jest/globals";
import { isPublicActivity, localActivitiesIn } from "../../packages/federation/src/sent-activities.ts";

const ORIGIN = "https://plenum.example";
const PREFIX = `${ORIGIN}/activities/`;
const CONTEXT = ["https://www.w3.org/ns/activitystreams"];

describe("public activities", () => {
  test("content, votes and moderation are public; reports, follows and what embeds them are not", () => {
    for (const type of ["Create", "Update", "Delete", "Like", "Dislike", "Announce", "Lock", "Add", "Block"]) {
      expect(isPublicActivity({ type })).toBe(true);
    }
    for (const type of ["Flag", "Resolve", "Follow", "Accept", "Reject"]) {
      expect(isPublicActivity({ type })).toBe(false);
    }
    expect(isPublicActivity({ type: "Undo", object: { type: "Follow" } })).toBe(false);
    expect(isPublicActivity({ type: "Announce", object: { type: "Undo", object: { type: "Follow" } } })).toBe(false);
    expect(isPublicActivity({ type: "Undo", object: { type: "Like" } })).toBe(true);
    expect(isPublicActivity({ type: "Announce", object: { type: "Undo", object: { type: "Block" } } })).toBe(true);
    expect(isPublicActivity({ type: "Create", object: { type: "Page", id: "p" } })).toBe(true);
    expect(isPublicActivity({ object: "x" })).toBe(false);
  });
});

describe("our activities in a document", () => {
  test("an Announce, the Undo it wraps and the vote that undoes, each with the outer context", () => {
    const like = { id: `${PREFIX}like/3`, type: "Like", object: `${ORIGIN}/post/1` };
    const undo = { id: `${PREFIX}undo/2`, type: "Undo", object: like };
    const announce = { "@context": CONTEXT, id: `${PREFIX}announce/undo/1`, type: "Announce", object: undo };
    expect(localActivitiesIn(announce, PREFIX)).toEqual([
      { apId: announce.id, activity: announce },
      { apId: undo.id, activity: { "@context": CONTEXT, ...undo } },
      { apId: like.id, activity: { "@context": CONTEXT, ...like } },
    ]);
  });

  test("another server's activity, a Page or a URL as object is not one of ours", () => {
    const remote = { id: "https://lemmy.example/activities/create/9", type: "Create", object: { id: "p" } };
    const announce = { "@context": CONTEXT, id: `${PREFIX}announce/create/1`, type: "Announce", object: remote };
    expect(localActivitiesIn(announce, PREFIX).map((sent) => sent.apId)).toEqual([announce.id]);
    const page = { ...announce, object: { id: `${ORIGIN}/post/1`, type: "Page" } };
    expect(localActivitiesIn(page, PREFIX)).toHaveLength(1);
    const byUrl = { ...announce, object: `${ORIGIN}/post/1` };
    expect(localActivitiesIn(byUrl, PREFIX)).toHaveLength(1);
    expect(localActivitiesIn({ id: "https://elsewhere.example/activities/x" }, PREFIX)).toEqual([]);
  });
});
