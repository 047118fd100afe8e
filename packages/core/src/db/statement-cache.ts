// Statements built and compiled once per shape, then reused with each request's values. Building
// and compiling a front page's query with Kysely took about a tenth of the web process's CPU time
// per page (docs/performance.md); the SQL text of a listing depends only on its shape (sort,
// feed, which filters apply), not on the values (who reads, the cursor, the page size).
import { CompiledQuery } from "kysely";

/**
 * Stands in for a value while the query is built: the builder passes it on as a parameter, and
 * it is found again in the compiled parameters by identity (no real value can equal it).
 */
class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

interface Template {
  sql: string;
  /** The compiled parameters: constants of the shape, and placeholders where values go. */
  parameters: readonly unknown[];
  /** Per parameter, the name of the value it takes, or null for a constant. */
  valueNames: readonly (string | null)[];
}

/**
 * The name each compiled SQL text is prepared under on PostgreSQL connections (connect.ts sends
 * these by name): PostgreSQL then parses and plans a listing once per connection instead of once
 * per request, about half of its time for a front page (docs/performance.md). Names are per
 * process; the texts are few (one per shape).
 */
const preparedNames = new Map<string, string>();

/** The prepared statement's name for this SQL text, if it came from a StatementCache. */
export function preparedStatementName(sqlText: string): string | undefined {
  return preparedNames.get(sqlText);
}

/** Shapes a cache keeps at most; past that it starts over (shapes are few: sorts × feeds × filters). */
const DEFAULT_MAX_SHAPES = 1_000;

export class StatementCache<Values extends Record<string, unknown>> {
  readonly #templates = new Map<string, Template>();
  readonly #maxShapes: number;

  constructor(maxShapes = DEFAULT_MAX_SHAPES) {
    this.#maxShapes = maxShapes;
  }

  /**
   * The statement of this shape with these values. The first time a shape is seen, build() gets
   * placeholders in place of the values and its query is compiled; afterwards only the
   * parameters are filled in. build() must hand each value to the query builder unchanged, as a
   * parameter (never inlined, compared or transformed), and everything else it does must depend
   * on the shape alone.
   */
  statement(shape: string, values: Values, build: (values: Values) => CompiledQuery): CompiledQuery {
    let template = this.#templates.get(shape);
    if (!template) {
      const placeholders = Object.fromEntries(Object.keys(values).map((name) => [name, new Placeholder(name)]));
      const compiled = build(placeholders as Values);
      template = {
        sql: compiled.sql,
        parameters: compiled.parameters,
        valueNames: compiled.parameters.map((parameter) => (parameter instanceof Placeholder ? parameter.name : null)),
      };
      if (!preparedNames.has(template.sql)) preparedNames.set(template.sql, `plenum_${preparedNames.size + 1}`);
      if (this.#templates.size >= this.#maxShapes) this.#templates.clear();
      this.#templates.set(shape, template);
    }
    const { valueNames } = template;
    const parameters = template.parameters.map((constant, index) => {
      const name = valueNames[index];
      return name === null || name === undefined ? constant : values[name];
    });
    return CompiledQuery.raw(template.sql, parameters);
  }

  /** Shapes compiled so far (for tests). */
  get size(): number {
    return this.#templates.size;
  }
}
