import type { CustomDimension } from "../ports";
import { errors } from "./errors";

/**
 * Score fusion. Every run's scores are divided by the run's best score (so each
 * lies in (0, 1]); the lexical score is their weighted sum over the weight total,
 * and with an embedder the semantic score is blended in by `lexical_interpolation`.
 * Dividing by the maximum ranked as well as min-max normalization on SciFact
 * (0.703 against 0.702 nDCG@10) and never gives a real match a score of zero.
 */
export const WEIGHTS = {
  /** `bm25()` column weights of the word index: title, heading, text. */
  columns: [3, 2, 1] as const,
  /** `bm25()` column weights of the document index: title, description, headings, body. */
  documentColumns: [6, 4, 2, 1] as const,
  /** The character-trigram run, added to the word run (retrieval notes: 0.35). */
  trigram: 0.35,
  /** The section run's score, added to the best-matching part cut from each section. */
  section: 1,
  /**
   * Synonyms and related phrasings (`core/synonyms.ts`, WordNet), run apart from the
   * user's words and added at this weight: a part that only matches an expansion
   * scores below one that matches the words as typed.
   */
  expansion: 0.5,
  /**
   * The document-level run (title, description, headings and the whole text), added
   * to every candidate part of the document: which page is about the question, as
   * well as which sentence matches it.
   */
  document: 0.25,
  /**
   * A chat follow-up's favoured documents (those the previous answer came from), added
   * to each of their parts: "how long is it valid?" is most likely answered where the
   * last answer was.
   */
  continuity: 0.5,
  /** The factor on a part matched by letters (trigrams) only, so its score stays honest. */
  lettersOnly: 0.2,
  /**
   * The factor on a heading or title part: it matches the question's words best of all,
   * but as a search result (and a passage for an answer) it says nothing by itself.
   */
  titlePart: 0.7,
};

/** `lexical_interpolation` when the request gives none and an embedder exists. */
export const DEFAULT_LEXICAL_INTERPOLATION = 0.3;

export function maxNormalize<K>(scores: Map<K, number>): Map<K, number> {
  let max = 0;
  for (const s of scores.values()) if (s > max) max = s;
  const out = new Map<K, number>();
  if (max <= 0) return out;
  for (const [k, s] of scores) if (s > 0) out.set(k, s / max);
  return out;
}

export interface Runs {
  /** Word-index BM25 per part (positive: higher is better). */
  word: Map<number, number>;
  trigram?: Map<number, number>;
  /** The part's section score (BM25 of the section), when the section run ran. */
  section?: Map<number, number>;
  /**
   * The candidates the section run applies to: the parts of documents that have
   * sections (structured documents, their title and description parts included).
   * Only these carry the section weight. A core document has no sections, so its
   * parts are scored over the word and trigram runs alone, as in a corpus without
   * sections; counting the section weight for them would cap them at
   * (1 + 0.35) / 3.35 ≈ 0.40, below any structured part whose section merely shares
   * a common word with the query, however rare and complete their own match.
   * A structured document's title part keeps the weight (and no section score):
   * scoring it like a core part let bare titles crowd out the sentences that
   * answer (SciFact structured nDCG@10 0.688 → 0.648).
   */
  sectioned?: Set<number>;
  /** Word-index BM25 of the query's expansions (synonyms), per part. */
  expansion?: Map<number, number>;
  /** Document-index BM25 per document row id, and of the expansions. */
  document?: Map<number, number>;
  documentExpansion?: Map<number, number>;
  /**
   * Parts that are candidates for their section's or document's sake alone (the best
   * part of a top section or document that no part run found): scored by that evidence.
   */
  leads?: Set<number>;
  /** Heading and title parts (`is_title`): a heading alone is not a passage (`WEIGHTS.titlePart`). */
  titleParts?: Set<number>;
  /** Row ids of documents to favour (`WEIGHTS.continuity`); needs `documentOf`. */
  preferred?: Set<number>;
  /** Each candidate part's document row id (needed when `document` is given). */
  documentOf?: Map<number, number>;
  /** Cosine similarity of the part's vector to the query's, when an embedder ran. */
  semantic?: Map<number, number>;
  /**
   * Parts allowed into the result: with required phrases or exclusions only word-run
   * matches satisfy the syntax, so the other runs may only rescore them.
   */
  restrictTo?: Set<number>;
}

/**
 * Fuses the runs into one score per part, in [0, 1]. `lexicalInterpolation` is
 * Vectara's: 1 = lexical only, 0 = semantic only; it only applies with a semantic run.
 */
export function fuseRuns(runs: Runs, lexicalInterpolation: number): Map<number, number> {
  const word = maxNormalize(runs.word);
  const trigram = runs.trigram ? maxNormalize(runs.trigram) : undefined;
  const section = runs.section ? maxNormalize(runs.section) : undefined;
  const expansion = runs.expansion ? maxNormalize(runs.expansion) : undefined;
  const semantic = runs.semantic ? maxNormalize(runs.semantic) : undefined;
  const document = runs.document ? maxNormalize(runs.document) : undefined;
  const documentExpansion = runs.documentExpansion
    ? maxNormalize(runs.documentExpansion)
    : undefined;
  const base = 1 + (trigram ? WEIGHTS.trigram : 0) + (expansion ? WEIGHTS.expansion : 0);
  const documentBase = 1 + (documentExpansion ? WEIGHTS.expansion : 0);
  const ids = new Set<number>([
    ...word.keys(),
    ...(trigram?.keys() ?? []),
    ...(expansion?.keys() ?? []),
  ]);
  for (const id of semantic?.keys() ?? []) ids.add(id);
  for (const id of runs.leads ?? []) ids.add(id);
  const lambda = semantic ? Math.min(1, Math.max(0, lexicalInterpolation)) : 1;
  const out = new Map<number, number>();
  for (const id of ids) {
    if (runs.restrictTo && !runs.restrictTo.has(id)) continue;
    const own =
      ((word.get(id) ?? 0) +
        WEIGHTS.trigram * (trigram?.get(id) ?? 0) +
        WEIGHTS.expansion * (expansion?.get(id) ?? 0)) /
      base;
    let sum = own;
    let total = 1;
    if (section && (!runs.sectioned || runs.sectioned.has(id))) {
      sum += WEIGHTS.section * (section.get(id) ?? 0);
      total += WEIGHTS.section;
    }
    if (document) {
      const doc = runs.documentOf?.get(id);
      const evidence =
        doc === undefined
          ? 0
          : ((document.get(doc) ?? 0) + WEIGHTS.expansion * (documentExpansion?.get(doc) ?? 0)) /
            documentBase;
      sum += WEIGHTS.document * evidence;
      total += WEIGHTS.document;
    }
    if (runs.preferred && runs.preferred.size > 0) {
      const doc = runs.documentOf?.get(id);
      if (doc !== undefined && runs.preferred.has(doc)) sum += WEIGHTS.continuity;
      total += WEIGHTS.continuity;
    }
    // Letters in common are not words in common: a part found by the trigram run alone
    // (no word, synonym, section or page evidence) keeps a low score however it ranks.
    const wordless =
      !word.has(id) && !expansion?.has(id) && !section?.has(id) && !(runs.leads?.has(id) ?? false);
    const lexical =
      (sum / total) *
      (wordless ? WEIGHTS.lettersOnly : 1) *
      (runs.titleParts?.has(id) ? WEIGHTS.titlePart : 1);
    const score = lambda * lexical + (1 - lambda) * (semantic?.get(id) ?? 0);
    if (score > 0) out.set(id, score);
  }
  return out;
}

/**
 * The query's custom-dimension weights: the corpus's `querying_default` for each
 * dimension, overridden by the request. A name the corpus does not declare is a 400.
 */
export function queryDimensions(
  given: Record<string, number> | undefined,
  declared: CustomDimension[],
  field: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of declared) out[d.name] = d.querying_default;
  for (const [name, weight] of Object.entries(given ?? {})) {
    if (!declared.some((d) => d.name === name)) {
      throw errors.field(`${field}.${name}`, "is not a custom dimension of this corpus");
    }
    out[name] = weight;
  }
  return out;
}

/**
 * A part's boost: Σ query weight × the part's value (its `indexing_default` when the
 * part has none), added to the relevance score.
 */
export function dimensionBoost(
  weights: Record<string, number>,
  partValues: Record<string, number> | undefined,
  declared: CustomDimension[],
): number {
  let boost = 0;
  for (const d of declared) {
    const w = weights[d.name] ?? 0;
    if (w === 0) continue;
    const v = partValues?.[d.name];
    boost += w * (typeof v === "number" && Number.isFinite(v) ? v : d.indexing_default);
  }
  return boost;
}
