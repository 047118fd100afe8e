// A local person's own profile, federated: Update(Person) after a profile edit and Delete(Person)
// after an account deletion, both by the person, to the servers of the communities they take part
// in (listPersonAudienceInboxes). Lemmy sends a user's deletion in this shape, to every instance
// (federation-wire-formats.md §2.7); its inbox lists no Update of a Person, which Mastodon and
// Plenum read.
import { type DomainEvent, findPersonById, listPersonAudienceInboxes, type PersonRow } from "@plenum/core";
import { newActivityId } from "./activities.ts";
import { toPerson } from "./actors.ts";
import type { PlenumContext } from "./context.ts";
import { type Delivery, deliveriesFor } from "./deliver.ts";
import { personIdentifier } from "./identifiers.ts";
import { softwareOfDeliveries } from "./microblog.ts";
import { AS_PUBLIC, type Json, withContext } from "./objects.ts";

type PersonEvent = Extract<DomainEvent, { type: "person_updated" | "person_deleted" }>;

/** The activity a person event calls for, signed by the person; null when there is none to send. */
export async function personActivity(
  ctx: PlenumContext,
  event: PersonEvent,
): Promise<{ person: PersonRow; activity: Json } | null> {
  const person = await findPersonById(ctx.data.db, event.personId);
  if (!person?.local) return null;
  if (event.type === "person_deleted") {
    if (!person.deleted) return null;
    const activity = withContext({
      id: newActivityId(ctx.origin, "delete"),
      type: "Delete",
      actor: person.ap_id,
      to: [AS_PUBLIC],
      object: person.ap_id,
      removeData: event.removeData,
    });
    return { person, activity };
  }
  // A deleted account has nothing left to update (its Delete went out instead).
  if (person.deleted) return null;
  const keys = await ctx.getActorKeyPairs(personIdentifier(person.name));
  // The Person exactly as its URL serves it, in the context it is served with.
  const { "@context": context, ...object } = (await toPerson(ctx, person, keys).toJsonLd({
    format: "compact",
    contextLoader: ctx.contextLoader,
  })) as Json;
  const activity: Json = {
    "@context": context,
    id: newActivityId(ctx.origin, "update"),
    type: "Update",
    actor: person.ap_id,
    to: [AS_PUBLIC],
    object,
  };
  return { person, activity };
}

/**
 * One delivery per server that follows a community the person takes part in. A profile Update
 * skips servers known to run Lemmy: its inbox takes no Update of a Person
 * (federation-wire-formats.md §2.7) and would refuse each one, which the queue would retry.
 */
export async function personAudience(ctx: PlenumContext, event: PersonEvent): Promise<Delivery[]> {
  const targets = deliveriesFor(await listPersonAudienceInboxes(ctx.data.db, event.personId), ctx.origin);
  if (event.type !== "person_updated") return targets;
  const softwareAt = await softwareOfDeliveries(ctx.data.db, targets);
  return targets.filter((target) => softwareAt(target) !== "lemmy");
}
