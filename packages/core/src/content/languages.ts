// Content languages as Lemmy's API v3 numbers them: clients receive this list in getSite
// (all_languages) and send language_id; federation uses the ISO 639 codes. 0 is "undetermined".
export interface Language {
  id: number;
  code: string;
  name: string;
}

const CODES: ReadonlyArray<[string, string]> = [
  ["und", "Undetermined"],
  ["ar", "العربية"],
  ["bg", "Български"],
  ["ca", "Català"],
  ["cs", "Čeština"],
  ["cy", "Cymraeg"],
  ["da", "Dansk"],
  ["de", "Deutsch"],
  ["el", "Ελληνικά"],
  ["en", "English"],
  ["eo", "Esperanto"],
  ["es", "Español"],
  ["et", "Eesti"],
  ["eu", "Euskara"],
  ["fa", "فارسی"],
  ["fi", "Suomi"],
  ["fr", "Français"],
  ["ga", "Gaeilge"],
  ["gl", "Galego"],
  ["he", "עברית"],
  ["hi", "हिन्दी"],
  ["hr", "Hrvatski"],
  ["hu", "Magyar"],
  ["id", "Bahasa Indonesia"],
  ["it", "Italiano"],
  ["ja", "日本語"],
  ["ko", "한국어"],
  ["lt", "Lietuvių"],
  ["lv", "Latviešu"],
  ["nl", "Nederlands"],
  ["no", "Norsk"],
  ["pl", "Polski"],
  ["pt", "Português"],
  ["ro", "Română"],
  ["ru", "Русский"],
  ["sk", "Slovenčina"],
  ["sl", "Slovenščina"],
  ["sr", "Српски"],
  ["sv", "Svenska"],
  ["th", "ไทย"],
  ["tr", "Türkçe"],
  ["uk", "Українська"],
  ["vi", "Tiếng Việt"],
  ["zh", "中文"],
];

/** Every language, id = position in the list (stable: append only, never reorder). */
export const LANGUAGES: readonly Language[] = CODES.map(([code, name], id) => ({ id, code, name }));

export const UNDETERMINED_LANGUAGE_ID = 0;

export function languageById(id: number): Language | undefined {
  return LANGUAGES[id];
}

export function languageByCode(code: string): Language | undefined {
  const base = code.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language.code === base);
}
