// Fedify's dispatchers take vocabulary objects and serialize them with toJsonLd(). Objects whose
// JSON Plenum writes itself (objects.ts, activities.ts) are handed to Fedify in these wrappers,
// which answer toJsonLd() with that JSON unchanged. Fedify calls toJsonLd() without a format
// both for a dispatched object and for the items of a collection, so the JSON goes out as is.
import { Activity, Note, Page } from "@fedify/vocab";
import type { Json } from "./objects.ts";

function idOf(json: Json): URL {
  return new URL(String(json.id));
}

/** A Page (or the Tombstone left of one) served from prepared JSON. */
export class PreparedPage extends Page {
  readonly #json: Json;
  constructor(json: Json) {
    super({ id: idOf(json) });
    this.#json = json;
  }
  override async toJsonLd(): Promise<unknown> {
    return this.#json;
  }
}

/** A Note (or the Tombstone left of one) served from prepared JSON. */
export class PreparedNote extends Note {
  readonly #json: Json;
  constructor(json: Json) {
    super({ id: idOf(json) });
    this.#json = json;
  }
  override async toJsonLd(): Promise<unknown> {
    return this.#json;
  }
}

/** An activity listed in a collection (a community outbox), from prepared JSON. */
export class PreparedActivity extends Activity {
  readonly #json: Json;
  constructor(json: Json) {
    super({ id: idOf(json) });
    this.#json = json;
  }
  override async toJsonLd(): Promise<unknown> {
    return this.#json;
  }
}
