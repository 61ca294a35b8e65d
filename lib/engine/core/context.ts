import { splitSentences } from "./sentences";

/**
 * `context_configuration`: a result's `text` is the matched part with whole
 * sentences of the same document around it, the part itself wrapped in
 * `start_tag`/`end_tag`. Per side, `sentences_*` wins over `characters_*`; a
 * character count is extended to whole sentences (the sentence holding the
 * farthest character is included entire).
 */
export interface ContextConfig {
  sentences_before?: number;
  sentences_after?: number;
  characters_before?: number;
  characters_after?: number;
  start_tag?: string;
  end_tag?: string;
}

/** Character context is capped so one request cannot make every result a whole book. */
export const MAX_CONTEXT_CHARS = 10_000;
export const MAX_CONTEXT_SENTENCES = 100;

export type Side =
  | { kind: "none" }
  | { kind: "sentences"; count: number }
  | { kind: "characters"; count: number };

export function sideOf(sentences: number | undefined, characters: number | undefined): Side {
  if (sentences !== undefined) {
    const count = Math.min(Math.max(0, Math.floor(sentences)), MAX_CONTEXT_SENTENCES);
    return count > 0 ? { kind: "sentences", count } : { kind: "none" };
  }
  if (characters !== undefined && characters > 0) {
    return { kind: "characters", count: Math.min(Math.floor(characters), MAX_CONTEXT_CHARS) };
  }
  return { kind: "none" };
}

export interface ContextPlan {
  before: Side;
  after: Side;
  startTag: string;
  endTag: string;
}

export function planContext(config: ContextConfig | undefined): ContextPlan {
  return {
    before: sideOf(config?.sentences_before, config?.characters_before),
    after: sideOf(config?.sentences_after, config?.characters_after),
    startTag: config?.start_tag ?? "",
    endTag: config?.end_tag ?? "",
  };
}

export const needsNeighbours = (p: ContextPlan) =>
  p.before.kind !== "none" || p.after.kind !== "none";

/**
 * Which neighbours to read, by ordinal (each part holds at least one sentence) and
 * by character offset (a part entirely farther away than the character count
 * cannot contribute).
 */
export function neighbourWindow(
  plan: ContextPlan,
  part: { ordinal: number; offset: number; len: number },
): { ordLo: number; ordHi: number; offLo: number; offHi: number } {
  const reach = (side: Side) =>
    side.kind === "sentences" ? side.count : side.kind === "characters" ? MAX_CONTEXT_SENTENCES : 0;
  return {
    ordLo: part.ordinal - reach(plan.before),
    ordHi: part.ordinal + reach(plan.after),
    offLo: plan.before.kind === "characters" ? part.offset - plan.before.count - 1 : -1,
    offHi:
      plan.after.kind === "characters"
        ? part.offset + part.len + plan.after.count + 1
        : Number.MAX_SAFE_INTEGER,
  };
}

/**
 * Sentences taken from the end (before) or the start (after) of `texts`, grouped
 * by the part they came from (document order; parts with none taken are left out).
 */
function take(texts: string[], side: Side, fromEnd: boolean): string[][] {
  if (side.kind === "none") return [];
  const sentences = texts.flatMap((t, part) =>
    splitSentences(t).map((s) => ({ text: s.text, part })),
  );
  if (fromEnd) sentences.reverse();
  const out: Array<{ text: string; part: number }> = [];
  let chars = 0;
  for (const s of sentences) {
    if (side.kind === "sentences" && out.length >= side.count) break;
    if (side.kind === "characters" && chars >= side.count) break;
    out.push(s);
    chars += s.text.length + (out.length > 1 ? 1 : 0);
  }
  if (fromEnd) out.reverse();
  const groups: string[][] = [];
  let last = -1;
  for (const s of out) {
    if (s.part !== last) groups.push([]);
    groups.at(-1)?.push(s.text);
    last = s.part;
  }
  return groups;
}

/**
 * One part's share of a result text: what the extractive generator reads so that a
 * sentence never spans two parts (a heading without a full stop would otherwise run
 * into the sentence after it). `match` marks the matched part itself.
 */
export interface ContextSegment {
  text: string;
  match: boolean;
}

/**
 * Where a result object carries its segments. A symbol: object spreads keep it, and
 * JSON never serializes it, so the API's `text` stays Vectara's plain string.
 */
export const SEGMENTS: unique symbol = Symbol("parley.context.segments");
export interface Segmented {
  [SEGMENTS]?: ContextSegment[];
}

export function withSegments<T extends object>(result: T, segments: ContextSegment[]): T {
  (result as T & Segmented)[SEGMENTS] = segments;
  return result;
}

export function segmentsOf(result: object): ContextSegment[] | undefined {
  return (result as Segmented)[SEGMENTS];
}

/**
 * The result text: `before + start_tag + part + end_tag + after`, joined by single
 * spaces. `before`/`after` are the neighbouring parts' texts in document order.
 */
export function expandContext(
  text: string,
  plan: ContextPlan,
  before: string[] = [],
  after: string[] = [],
): string {
  return expandContextSegments(text, plan, before, after).text;
}

/** `expandContext`, plus the parts it joined (each part's sentences, untagged). */
export function expandContextSegments(
  text: string,
  plan: ContextPlan,
  before: string[] = [],
  after: string[] = [],
): { text: string; segments: ContextSegment[] } {
  const pre = take(before, plan.before, true).map((g) => g.join(" "));
  const post = take(after, plan.after, false).map((g) => g.join(" "));
  const core = `${plan.startTag}${text}${plan.endTag}`;
  const segments: ContextSegment[] = [
    ...pre.map((t) => ({ text: t, match: false })),
    ...(text !== "" ? [{ text, match: true }] : []),
    ...post.map((t) => ({ text: t, match: false })),
  ];
  return {
    text: [pre.join(" "), core, post.join(" ")].filter((s) => s !== "").join(" "),
    segments,
  };
}

/**
 * The section a result's part was cut from (its parts around the match, in document
 * order), for the answer generator: it may quote any sentence of the section, not only
 * those in the result's text. Carried like `SEGMENTS`, never serialized.
 */
export interface SectionSegment {
  text: string;
  isTitle: boolean;
  match: boolean;
}
export const SECTION: unique symbol = Symbol("parley.context.section");
interface Sectioned {
  [SECTION]?: SectionSegment[];
}

export function withSection<T extends object>(result: T, section: SectionSegment[]): T {
  (result as T & Sectioned)[SECTION] = section;
  return result;
}

export function sectionOf(result: object): SectionSegment[] | undefined {
  return (result as Sectioned)[SECTION];
}
