// Reading urlencoded form bodies: a field is a string or, when repeated, a list.
export type Form = Record<string, string | string[] | undefined>;

export function field(form: Form | undefined, name: string): string {
  const value = form?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export function fields(form: Form | undefined, name: string): string[] {
  const value = form?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v) => v !== "");
}

export const checked = (form: Form | undefined, name: string) => field(form, name) === "true";

/** Whether the caller (app.js) wants JSON back instead of a redirect. */
export function wantsJson(accept: string | undefined): boolean {
  return (accept ?? "").includes("application/json");
}
