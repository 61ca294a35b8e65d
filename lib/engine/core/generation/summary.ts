import { errors } from "../errors";
import { splitSentences } from "../sentences";
import { analyze, cleanResultText } from "./terms";
import { parseTemplate, render, TemplateError, type Value, type VObject } from "./velocity";

/**
 * Document summaries (`POST /v2/corpora/{key}/documents/{id}/summarize`), the pure half:
 * the extractive summary (no model), and the caller's `prompt_template` rendered into
 * the instruction an LLM is given.
 *
 * Extractive: the document's most representative sentences, in document order. A
 * sentence's weight is the sum, over its stemmed content terms (`terms.ts#analyze`, as
 * extractive answers and the FCS read sentences), of `log(1 + n)` where n is the number
 * of the document's sentences holding the term, plus 1 for a term of the document's
 * title or headings, over √(its term count); × a lead prior `1 + 0.25·(1 − i/N)`.
 * Headings, lead-ins without a full stop and questions are never chosen (unless the
 * document holds nothing else), and a sentence sharing more than half of its terms
 * with one already chosen is skipped. Deterministic; linear in the text given, which
 * the caller bounds.
 */
export interface SummaryPart {
  text: string;
  /** A title or heading part: its words count as representative, it is never quoted. */
  isTitle?: boolean;
}

export interface ExtractiveSummaryOptions {
  /** At most this many sentences (default 3). */
  maxSentences?: number;
  /** At most this many characters of summary (default 700; one over-long sentence is cut). */
  maxChars?: number;
}

export const DEFAULT_SUMMARY_SENTENCES = 3;
export const DEFAULT_SUMMARY_CHARS = 700;
/** Sentences longer than this are never chosen whole (a run-on block, a table dump). */
const MAX_SENTENCE_CHARS = 600;
const STATEMENT_END = /[.!…。！｡]["'”’)\]»」』）]*$/;
const QUESTION_END = /[?？]["'”’)\]»」』）]*$/;

interface Candidate {
  text: string;
  position: number;
  terms: ReadonlySet<string>;
  statement: boolean;
  weight: number;
}

export function extractiveSummary(
  parts: readonly SummaryPart[],
  options: ExtractiveSummaryOptions = {},
): string {
  const maxSentences = options.maxSentences ?? DEFAULT_SUMMARY_SENTENCES;
  const maxChars = options.maxChars ?? DEFAULT_SUMMARY_CHARS;
  const headingTerms = new Set<string>();
  const candidates: Candidate[] = [];
  for (const part of parts) {
    const text = cleanResultText(part.text);
    if (!text) continue;
    if (part.isTitle) {
      for (const t of analyze(text).terms) headingTerms.add(t);
      continue;
    }
    for (const span of splitSentences(text)) {
      const sentence = span.text.replace(/\s+/g, " ").trim();
      const terms = analyze(sentence).terms;
      if (terms.size === 0) continue;
      candidates.push({
        text: sentence,
        position: candidates.length,
        terms,
        statement:
          STATEMENT_END.test(sentence) &&
          !QUESTION_END.test(sentence) &&
          sentence.length <= MAX_SENTENCE_CHARS &&
          terms.size >= 2,
        weight: 0,
      });
    }
  }
  if (candidates.length === 0) return "";

  const holding = new Map<string, number>();
  for (const c of candidates) for (const t of c.terms) holding.set(t, (holding.get(t) ?? 0) + 1);
  const n = candidates.length;
  for (const c of candidates) {
    let sum = 0;
    for (const t of c.terms)
      sum += Math.log(1 + (holding.get(t) ?? 0)) + (headingTerms.has(t) ? 1 : 0);
    c.weight = (sum / Math.sqrt(c.terms.size)) * (1 + 0.25 * (1 - c.position / n));
  }

  const pool = candidates.some((c) => c.statement)
    ? candidates.filter((c) => c.statement)
    : candidates;
  const ranked = [...pool].sort((a, b) => b.weight - a.weight || a.position - b.position);
  const chosen: Candidate[] = [];
  let chars = 0;
  for (const c of ranked) {
    if (chosen.length >= maxSentences) break;
    if (chosen.some((o) => overlap(c.terms, o.terms) > 0.5)) continue;
    const cost = c.text.length + (chosen.length > 0 ? 1 : 0);
    if (chosen.length > 0 && chars + cost > maxChars) continue;
    chosen.push(c);
    chars += cost;
  }
  const summary = chosen
    .sort((a, b) => a.position - b.position)
    .map((c) => c.text)
    .join(" ");
  return summary.length > maxChars ? cutAtWord(summary, maxChars) : summary;
}

/** The share of `a`'s terms that `b` holds. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return a.size === 0 ? 0 : shared / a.size;
}

function cutAtWord(text: string, max: number): string {
  const head = text.slice(0, Math.max(0, max - 1));
  const space = head.lastIndexOf(" ");
  return `${(space > max / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/** The instruction used when the request has no `prompt_template` (the spec's example). */
export const DEFAULT_SUMMARY_INSTRUCTION = "Provide a concise summary of the document.";
export const SUMMARY_TEMPLATE_FIELD = "body.prompt_template";
/** The rendered instruction may be at most this long (it is sent with the document). */
export const MAX_SUMMARY_INSTRUCTION_CHARS = 20_000;

/**
 * Renders the caller's `prompt_template` (Velocity, as Vectara's) into plain text, the
 * instruction the summary follows: `$document.id`, `$document.metadata.<key>` (also
 * `${document.metadata.key}` and `$document.metadata.get("key")`; a missing key renders
 * as written, as Velocity does). Values are inserted as they are. A template that does not
 * parse, or renders past the limit, is a 400 on `body.prompt_template`.
 */
export function renderSummaryInstruction(
  template: string,
  document: { id: string; metadata: Record<string, unknown> },
): string {
  let text: string;
  try {
    text = render(
      parseTemplate(template),
      {
        escape: (s) => s,
        variables: { document: new MapObject({ id: document.id, metadata: document.metadata }) },
      },
      template,
    );
  } catch (error) {
    if (error instanceof TemplateError) throw errors.field(SUMMARY_TEMPLATE_FIELD, error.message);
    throw error;
  }
  text = text.trim();
  if (text.length > MAX_SUMMARY_INSTRUCTION_CHARS) {
    throw errors.field(
      SUMMARY_TEMPLATE_FIELD,
      `renders to more than ${MAX_SUMMARY_INSTRUCTION_CHARS} characters`,
    );
  }
  return text || DEFAULT_SUMMARY_INSTRUCTION;
}

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(toValue);
  if (typeof v === "object") return new MapObject(v as Record<string, unknown>);
  return null;
}

class MapObject implements VObject {
  constructor(private readonly map: Record<string, unknown>) {}
  call(name: string, args: Value[]): Value | undefined {
    if (name === "get") {
      const key = args[0];
      if (typeof key !== "string" || !Object.hasOwn(this.map, key)) return undefined;
      return toValue(this.map[key]);
    }
    if (name === "keySet") return Object.keys(this.map);
    if (name === "toString") return JSON.stringify(this.map);
    return undefined;
  }
}

/**
 * The prompt an LLM summary is written from, in the engine's prompt-template language
 * (`template.ts`): `$vectaraQuery` is the instruction, `$vectaraQueryResults` the
 * document's text in pieces. Values are JSON-escaped as they are inserted.
 */
export const SUMMARY_PROMPT_TEMPLATE = `[
  {"role": "system", "content": "You summarize documents. Use only the document in the user's message; never add facts it does not state. Do not cite or number anything. Write in $vectaraLangName."},
  {"role": "user", "content": "Document:\\n#foreach ($qResult in $vectaraQueryResults)$qResult.getText()\\n#end\\nTask: $vectaraQuery"}
]`;
