/**
 * A cheap language guess, reported as an ISO 639-3 code like Vectara's `part.lang`.
 *
 * It counts letters per Unicode script; a non-Latin script decides outright (kana
 * means Japanese even among kanji). Latin text is told apart by a handful of very
 * common function words per language, and needs at least two hits that clearly beat
 * English; anything less is `undefined`, and the caller falls back (to the
 * document's language, then "eng"). It is a heuristic for filters like
 * `part.lang = 'deu'`, not a classifier.
 */
export type LangCode = string;

export const DEFAULT_LANG: LangCode = "eng";

const SCRIPTS: Array<[RegExp, LangCode]> = [
  [/[\uac00-\ud7af\u1100-\u11ff]/gu, "kor"],
  [/\p{Script=Han}/gu, "zho"],
  [/\p{Script=Cyrillic}/gu, "rus"],
  [/\p{Script=Arabic}/gu, "ara"],
  [/\p{Script=Hebrew}/gu, "heb"],
  [/\p{Script=Greek}/gu, "ell"],
  [/\p{Script=Thai}/gu, "tha"],
  [/\p{Script=Devanagari}/gu, "hin"],
];

const FUNCTION_WORDS: Record<LangCode, string[]> = {
  eng: ["the", "and", "is", "are", "of", "to", "in", "you", "your", "with", "this", "that", "for"],
  deu: [
    "der",
    "die",
    "das",
    "und",
    "ist",
    "nicht",
    "mit",
    "sie",
    "ein",
    "eine",
    "zu",
    "auf",
    "ich",
  ],
  fra: ["le", "la", "les", "et", "est", "des", "une", "pour", "vous", "dans", "pas", "que", "du"],
  spa: ["el", "los", "las", "y", "es", "una", "para", "que", "por", "con", "del", "usted", "su"],
  ita: ["il", "gli", "e", "è", "della", "per", "che", "non", "con", "una", "sono", "di", "nel"],
  por: ["o", "os", "as", "e", "é", "não", "uma", "para", "com", "que", "você", "do", "da"],
  nld: ["de", "het", "een", "en", "is", "niet", "van", "met", "voor", "u", "je", "dat", "zijn"],
};

/** Each function word's languages, in FUNCTION_WORDS order: one look-up per word. */
const WORD_LANGS = new Map<string, LangCode[]>();
for (const [lang, list] of Object.entries(FUNCTION_WORDS)) {
  for (const w of list) {
    const langs = WORD_LANGS.get(w);
    if (langs) langs.push(lang);
    else WORD_LANGS.set(w, [lang]);
  }
}

export function detectLanguage(text: string): LangCode | undefined {
  // Letters are counted in code points. Every script below is outside ASCII (and the
  // scans count any character of the script, letter or not), so when the text's
  // non-ASCII characters are at most 0.3 of its letters no script can decide (the tests
  // are strictly above 0.3), and Latin text skips the per-script scans.
  const onlyLetters = text.replace(/\P{L}+/gu, "");
  let letters = 0;
  for (let i = 0; i < onlyLetters.length; i++) {
    const c = onlyLetters.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) letters++; // not the second half of a surrogate pair
  }
  let nonAscii = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f && (c < 0xdc00 || c > 0xdfff)) nonAscii++;
  }
  if (letters === 0) return undefined;
  if (nonAscii / letters > 0.3) {
    const count = (re: RegExp) => text.match(re)?.length ?? 0;
    const han = count(/\p{Script=Han}/gu);
    // Japanese mixes kana with kanji; any kana in CJK text means Japanese.
    const kana = count(/[\u3040-\u30ff]/gu);
    if (kana > 0 && (kana + han) / letters > 0.3) return "jpn";
    for (const [re, lang] of SCRIPTS) if (count(re) / letters > 0.3) return lang;
  }
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const hits: Record<LangCode, number> = {};
  for (const w of words) {
    for (const lang of WORD_LANGS.get(w) ?? []) hits[lang] = (hits[lang] ?? 0) + 1;
  }
  const ranked = Object.entries(hits).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 2) return undefined;
  if (second && best[1] < second[1] * 1.5) return undefined;
  return best[0];
}

/** Accepts a caller-given language only in the ISO 639-3 shape Vectara reports. */
export function isLangCode(value: unknown): value is LangCode {
  return typeof value === "string" && /^[a-z]{3}$/.test(value);
}
