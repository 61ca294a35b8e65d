import { splitSentences } from "../sentences";
import { porterStem } from "../stem";
import { curatedExpansions } from "../synonyms";
import { analyze, cleanResultText, type SentenceTerms } from "./terms";

/**
 * The extractive generator's core: an answer made only of sentences from the
 * results, so it cannot state anything the knowledge base does not say. What it
 * chooses, in order:
 *
 * 1. Candidates: the sentences of the first `maxResults` results, split within each
 *    part, never across two (a heading cannot run into the sentence after it). When a
 *    result carries its section (`sections`), every sentence of that section is a
 *    candidate, not only those in the result's text: the sentence that answers is often
 *    two or three after the one that matched the question's words. A heading, a title
 *    part or a lead-in without a full stop is not quoted alone, but its words count for
 *    the statements under it; a question is never quoted.
 * 2. Relevance of a sentence: the question's content terms it (or its heading) holds,
 *    each weighted by how rare it is among the candidates, with the curated synonyms
 *    (`core/synonyms.ts`) counting half; times a prior for the result's rank; more for
 *    a sentence that says something the question did not (a sentence made only of the
 *    question's own words restates the problem: "the site loads fine, yet the monitor
 *    says it is down"), and a little more for the shape of an answer: a number, a
 *    setting or command, a step, a rule ("must", "expires", "default").
 * 3. The article that answers: the document whose sentences best cover the question
 *    (its best sentence, plus how much of the question all its candidates cover). The
 *    answer stays with it; another document's sentence joins only when it is more
 *    relevant than that article's best.
 * 4. Composition: a "how do I…" question is answered by the article's procedure for it
 *    (`procedureFor`), when it has one. Otherwise the best sentence leads, then what
 *    completes it: a numbered list it belongs to or introduces ("Check these things:")
 *    is given whole, as a list; else
 *    up to two statements that follow it in its section; then up to two more of the
 *    article's relevant sentences that cover question terms not yet covered. A table
 *    row is given as "cell: cell" or, with three or more columns, as a small table.
 * 5. Out of scope: when the chosen sentences (with their headings and the article's
 *    title) cover less than `MIN_COVERAGE` of the question's weighted terms, or the
 *    words the knowledge base does not contain at all make up a third of the question,
 *    there is no answer (`NO_ANSWER`) rather than the nearest unrelated sentence.
 * Deterministic: ties break on rank, then position.
 */
export const NO_ANSWER =
  "I couldn't find an answer to that in the knowledge base. Try asking in other words, or contact support if you need a person to help.";

export interface ExtractiveInput {
  query: string;
  /** Result texts, in rank order (index i is result number i + 1). */
  texts: string[];
  /**
   * Each result's parts in order (what its text joins with spaces), when known.
   * Sentences are split within a part; without them the whole text is one part.
   */
  parts?: Array<ResultPart[] | undefined>;
  /** Each result's section (its parts around the match, in order), when known. */
  sections?: Array<ResultPart[] | undefined>;
  /** Each result's document, to keep the answer with one article; by default each result is its own. */
  documents?: Array<string | undefined>;
  /** Each result's document title, whose words count for every sentence of the document. */
  titles?: Array<string | undefined>;
  /** Words of the question the knowledge base does not contain at all (from retrieval). */
  unknownWords?: string[];
  /** Typos and the words retrieval read them as ("pasword" → ["password"]). */
  corrections?: Array<{ word: string; readAs: string[] }>;
  /** Sentences matching this count more (contact details, when someone asks for a person). */
  prefer?: RegExp;
  maxResults: number;
  /** The caller's `max_response_characters`, measured on the sentence text plus `citationWidth`. */
  maxChars?: number;
  /** Characters each citation adds, so the cut accounts for it. */
  citationWidth?: (resultNumber: number) => number;
}

export interface AnswerSentence {
  text: string;
  /** 1-based result number to cite. */
  result: number;
  /** An item of a numbered list: its number, rendered as "n. text". */
  item?: number;
  /** A further sentence of the item before it, rendered on the same line. */
  continuesItem?: boolean;
  /** A table row: its headers and cells (rendered as "cell: cell", or a small table). */
  row?: { headers: string[]; cells: string[] };
}

export interface ResultPart {
  text: string;
  /** A title or heading part (`is_title`): never quoted, its words count for what follows. */
  isTitle?: boolean;
  /** The result's own part (for sections: the part the result's text is built around). */
  match?: boolean;
}

export interface ExtractiveAnswer {
  sentences: AnswerSentence[];
  /**
   * How much of the question the answer covers: the weighted share of the question's
   * content terms found in the chosen sentences, their headings and their article's
   * title (synonyms count half). The factual consistency score of an extractive answer.
   */
  coverage: number;
}

/**
 * statement: ends in `.`, `!` or `…`; question: ends in `?`; table: a table row;
 * lead: a title, heading or lead-in ("…our confirmation email:").
 */
type Kind = "statement" | "question" | "table" | "lead";

/** One sentence of a result, in reading order. */
interface Unit {
  text: string;
  kind: Kind;
  /** Its place among the result's units. */
  position: number;
  info: SentenceTerms;
  /** From a title part (`is_title`). */
  title: boolean;
  /** Terms of the headings, questions and lead-ins right before it. */
  lead: Set<string>;
  /** In the result's text (its part or context), not only in its section. */
  inText: boolean;
  /** The number of a numbered-list item ("3. Click Save."). */
  item?: number;
  /** A further sentence of the numbered item before it (same block). */
  continuesItem?: boolean;
  /** Ends in ":" and introduces what follows (a list). */
  introduces: boolean;
  /** A table row whose first cell is something the question asks about ("Plan: Business"). */
  keyed?: boolean;
}

interface Candidate {
  unit: Unit;
  /** 1-based result number. */
  result: number;
  document: string;
  relevance: number;
  /** Question terms it (or its lead) holds. */
  covered: Set<string>;
  /** Question terms it holds itself (not through its heading or title). */
  own: Set<string>;
  /** Mostly the question's own words: it restates the problem rather than answering it. */
  restates: boolean;
}

const MAX_SENTENCES = 5;
const MAX_LIST_ITEMS = 8;
const MAX_PROSE_CHARS = 900;
/**
 * Below this share of the question's weighted terms (for questions of up to four
 * content terms; proportionally less for longer ones), the passages do not answer it.
 */
export const MIN_COVERAGE = 0.34;
/** A synonym of a question term counts this much. */
const SYNONYM_CREDIT = 0.5;
const MIN_ANSWER_CHARS = 21;

/** A table row as ingestion writes it: `Header: cell; Header: cell` (two cells at least). */
const TABLE_ROW = /^[^:;\n]{1,60}: \S[^\n]*?; [^:;\n]{1,60}: \S/;
const CLOSE = "[\"'”’)\\]»」』）]*$";
const STATEMENT_END = new RegExp(`[.!…。！｡]${CLOSE}`);
const QUESTION_END = new RegExp(`[?？]${CLOSE}`);
/** "3. Click Save." as ingestion keeps a numbered item. */
const ITEM = /^(\d{1,3})\.\s+(?=\S)/;

/**
 * How a real question opens: an interrogative, an auxiliary, or a support article's
 * rhetorical opener ("Seeing two charges…?", "Still stuck?"). A sentence ending in
 * `?` that opens otherwise is a statement ending in a button's name ("Go to the
 * sign-in page and click Forgot password?").
 */
const QUESTION_START =
  /^["'“‘(¿]*(?:how|what|what's|why|when|where|who|whom|whose|which|whether|can|can't|could|do|does|did|don't|doesn't|is|isn't|are|aren't|was|were|will|won't|would|should|shall|may|might|must|have|has|had|am|want|need|seeing|wondering|looking|trying|having|still|not|changed|forgot|lost|got)\b/i;

/** Question phrases whose words are not the topic ("how long", "how much"). */
const QUESTION_PHRASES = /\bhow\s+(?:long|much|many|often|soon|far)\b/gi;

/** A question asking for a procedure. */
const HOW_TO =
  /\b(?:how\s+(?:do|can|should|would)\s+(?:i|we|you)|how\s+to|steps?\s+to|what\s+are\s+the\s+steps)\b/i;

/**
 * A problem told in the first person, not asked ("my account got locked", "I'm not
 * getting alert emails"): it wants the fix, as "how do I…" does.
 */
const PROBLEM =
  /^(?=.*\b(?:i|i'm|im|my|we|we're|our)\b)(?=.*(?:\b(?:not|never|cannot|cant|wont|doesnt|dont|isnt|arent|stopped|locked|broken|fail|fails|failed|failing|stuck)\b|n't\b))/i;

/** Told, not asked: no question mark, no question's opening, and a problem's words. */
const isProblem = (query: string) =>
  !query.includes("?") && !QUESTION_START.test(query.trim()) && PROBLEM.test(query);

/** A sentence about the article rather than its subject. */
const META =
  /^(?:this|the following|in this)\s+(?:article|guide|page|section|chapter|document|tutorial|topic)\b/i;

/** The shape of an answer: a number, a setting or command, a rule. */
const ANSWER_SHAPE =
  /\d|[=`]|--?[a-z]|\b(?:must|need to|needs to|expires?|only|default|set|use|run|click|choose|select|go to|enter|open|check|make sure|cannot|can't|won't|requires?|allowed?|limit|within|after|before|until)\b/i;

function kindOf(text: string): Kind {
  if (TABLE_ROW.test(text)) return "table";
  if (STATEMENT_END.test(text)) return "statement";
  if (QUESTION_END.test(text)) {
    const words = text.split(/\s+/).length;
    return QUESTION_START.test(text) || words <= 3 ? "question" : "statement";
  }
  // A numbered item is a step even without a full stop ("2. Enter your email").
  if (ITEM.test(text) && text.split(/\s+/).length > 2) return "statement";
  return "lead";
}

/**
 * A result's sentences (from its section when given, else its parts), classified. A
 * heading's words (a title part, or a line without a full stop) count for every
 * sentence under it until the next heading; a lead-in ending in ":" and a question
 * count for the sentences after them too. A statement right after a lead-in that is
 * not a numbered item is quoted with it ("If it's been 10 days: check your card."),
 * since it reads as half a sentence alone.
 */
function unitsOf(input: ExtractiveInput, index: number, queryStems: Set<string>): Unit[] {
  const section = input.sections?.[index];
  const parts = section ?? input.parts?.[index] ?? [{ text: input.texts[index] ?? "" }];
  // Sentences of the result's own text, to tell them apart within a section.
  const own = new Set(
    (input.parts?.[index] ?? [{ text: input.texts[index] ?? "" }]).flatMap((p) =>
      splitSentences(cleanResultText(p.text)).map((s) => s.text),
    ),
  );
  const units: Unit[] = [];
  let heading = new Set<string>();
  let lead = new Set<string>();
  const push = (sentence: string, kind: Kind, title = false) => {
    // A table row's headers repeat in every row, so they are its own words only when
    // its first cell (what the row is about: "Plan: Team") is something asked about;
    // otherwise they are context, and "Team members" does not make every row about teams.
    const row = kind === "table" ? rowCells(sentence) : undefined;
    const keyed =
      row !== undefined && [...analyze(row.cells[0] ?? "").terms].some((t) => queryStems.has(t));
    const info = row && !keyed ? analyze(row.cells.join(" ")) : analyze(sentence);
    const item = ITEM.exec(sentence);
    const introduces = kind !== "table" && /:\s*$/.test(sentence);
    const before = units.at(-1);
    if (kind === "lead" || kind === "question") {
      if (title || (kind === "lead" && !introduces)) {
        heading = info.terms;
        lead = new Set(heading);
      } else lead = new Set([...lead, ...info.terms]);
    }
    const glued =
      kind === "statement" &&
      !item &&
      before?.kind === "lead" &&
      before.introduces &&
      !before.title;
    units.push({
      text: glued ? `${before.text} ${sentence}` : sentence,
      kind,
      position: units.length,
      info: glued ? analyze(`${before.text} ${sentence}`) : info,
      title,
      lead: row ? new Set([...lead, ...analyze(row.headers.join(" ")).terms]) : lead,
      inText: !section || own.has(sentence),
      introduces,
      ...(keyed ? { keyed } : {}),
      ...(item ? { item: Number(item[1]) } : {}),
    });
  };
  for (const part of parts) {
    if (part.isTitle) {
      const text = cleanResultText(part.text);
      if (text) push(text, "lead", true);
      continue;
    }
    // A part packs whole blocks (paragraphs, list items, table rows) separated by blank lines.
    for (const block of part.text.split(/\n[ \t]*\n/)) {
      const text = cleanResultText(block);
      if (text === "") continue;
      if (TABLE_ROW.test(text)) push(text, "table");
      else {
        const spans = splitSentences(text);
        const first = units.length;
        for (const span of spans) push(span.text, kindOf(span.text));
        // The sentences after an item's first one belong to the item ("4. Choose a new
        // password. It must be at least 12 characters long.").
        if (units[first]?.item !== undefined) {
          for (const u of units.slice(first + 1)) if (u.item === undefined) u.continuesItem = true;
        }
      }
    }
  }
  return units;
}

interface QueryTerms {
  /** The question's content terms (stems). */
  terms: Set<string>;
  /** Stems of the curated synonyms of its words ("how much" → price): half credit. */
  synonyms: Set<string>;
  /** Question terms the knowledge base does not contain at all. */
  unknown: Set<string>;
}

function queryTermsOf(
  query: string,
  unknownWords: string[] = [],
  corrections: ExtractiveInput["corrections"] = [],
): QueryTerms {
  // "how long" asks for a duration (see the hints in `core/synonyms.ts`): "long" is not the topic.
  const terms = new Set(analyze(query.replace(QUESTION_PHRASES, " ")).terms);
  for (const c of corrections) {
    const typo = porterStem(c.word);
    if (!terms.delete(typo)) continue;
    for (const w of c.readAs) for (const t of analyze(w).terms) terms.add(t);
  }
  const synonyms = new Set<string>();
  const { expansions } = curatedExpansions(query);
  for (const e of expansions) {
    // A rule rewrites an idiom ("money back") into the knowledge base's word (refund).
    if (e.source !== "rule") continue;
    for (const t of e.replaces ?? []) terms.delete(t);
    for (const w of e.words) for (const t of analyze(w).terms) terms.add(t);
  }
  for (const e of expansions) {
    if (e.source === "rule" || e.words.length !== 1) continue;
    const stem = porterStem(e.words[0] as string);
    if (!terms.has(stem)) synonyms.add(stem);
  }
  const unknown = new Set(unknownWords.map((w) => porterStem(w)).filter((t) => terms.has(t)));
  return { terms, synonyms, unknown };
}

/**
 * Inverse frequency among the candidates: a question word in every sentence says little.
 * A word in none of them gets the average weight of those present: its absence says
 * nothing about how much it matters ("take" in "how long do refunds take?").
 */
function termWeights(units: Unit[], terms: Set<string>): Map<string, number> {
  const n = units.length;
  const weights = new Map<string, number>();
  const absent: string[] = [];
  for (const t of terms) {
    const df = units.filter((u) => u.info.terms.has(t) || u.lead.has(t)).length;
    if (df === 0) absent.push(t);
    else weights.set(t, Math.log(1 + (n + 1) / (df + 0.5)));
  }
  const present = [...weights.values()];
  const average = present.length ? present.reduce((a, b) => a + b, 0) / present.length : 1;
  for (const t of absent) weights.set(t, average);
  return weights;
}

/** The question terms a unit holds: its own, its heading's or lead's or title's, and synonyms. */
function coveredBy(
  unit: Unit,
  q: QueryTerms,
  title: Set<string>,
): { own: Set<string>; context: Set<string>; synonym: Set<string> } {
  const own = new Set<string>();
  const context = new Set<string>();
  const synonym = new Set<string>();
  for (const t of q.terms) {
    if (unit.info.terms.has(t)) own.add(t);
    else if (unit.lead.has(t) || title.has(t)) context.add(t);
  }
  for (const t of q.synonyms) if (unit.info.terms.has(t) || unit.lead.has(t)) synonym.add(t);
  return { own, context, synonym };
}

export function composeExtractive(input: ExtractiveInput): AnswerSentence[] {
  return composeExtractiveAnswer(input).sentences;
}

export function composeExtractiveAnswer(input: ExtractiveInput): ExtractiveAnswer {
  const q = queryTermsOf(input.query, input.unknownWords, input.corrections);
  if (q.terms.size === 0) return { sentences: [], coverage: 0 };
  // Words the knowledge base has never seen make up a third of the question: it asks
  // about something the knowledge base does not cover ("an Android app").
  if (q.unknown.size > 0 && q.unknown.size * 3 >= q.terms.size) {
    return { sentences: [], coverage: 0 };
  }
  const results = input.texts.slice(0, input.maxResults);
  const units = results.map((_, i) => unitsOf(input, i, q.terms));
  const titles = results.map((_, i) => analyze(input.titles?.[i] ?? "").terms);
  const documents = results.map((_, i) => input.documents?.[i] ?? `#${i}`);
  const all = units.flat();
  const howTo = HOW_TO.test(input.query);
  const weight = termWeights(all, new Set([...q.terms, ...q.synonyms]));
  const total = [...q.terms].reduce((s, t) => s + (weight.get(t) ?? 0), 0) || 1;

  // Every sentence of a document once, from its best-ranked result; it is cited as the
  // best-ranked result whose own text holds it (so the cited card shows it), if any.
  const keyOf = (i: number, unit: Unit) => `${documents[i]}\u0000${unit.text}`;
  const shownIn = new Map<string, number>();
  units.forEach((list, i) => {
    for (const unit of list) {
      if (unit.inText && !shownIn.has(keyOf(i, unit))) shownIn.set(keyOf(i, unit), i);
    }
  });
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  units.forEach((list, i) => {
    for (const unit of list) {
      if (unit.kind === "question" || unit.kind === "lead") continue;
      const key = keyOf(i, unit);
      if (seen.has(key)) continue;
      seen.add(key);
      const covered = coveredBy(unit, q, titles[i] as Set<string>);
      const score = (set: Set<string>, credit: number) =>
        [...set].reduce((s, t) => s + credit * (weight.get(t) ?? 0), 0);
      const own = score(covered.own, 1);
      // Under a heading (or in an article) about the question, a sentence may answer
      // without repeating its words ("Yearly plans" → "You get the money back…").
      if (own === 0 && covered.synonym.size === 0 && covered.context.size === 0) continue;
      const coverage =
        (own + score(covered.context, 0.5) + score(covered.synonym, SYNONYM_CREDIT)) / total;
      const terms = unit.info.terms;
      const fresh = [...terms].filter((t) => !q.terms.has(t)).length;
      const novelty = terms.size ? fresh / terms.size : 0;
      // A "how do I…" question is answered by steps.
      const shape =
        (ANSWER_SHAPE.test(unit.text) || unit.item !== undefined ? 0.1 : 0) +
        (howTo && (unit.item !== undefined || unit.introduces) ? 0.15 : 0) +
        (input.prefer?.test(unit.text) ? 0.3 : 0);
      // Retrieval ranked the results with page- and section-level evidence a sentence lacks.
      const prior = (1 / (1 + 0.5 * i)) * (unit.inText ? 1.15 : 1);
      // A sentence that is mostly the question's own words restates the problem ("the
      // site loads fine, yet the monitor says it is down"); one about the article itself
      // ("This article explains…") answers nothing.
      const restates = novelty < 0.5 && own / total >= 0.5;
      const demote = (restates ? 0.25 : 1) * (META.test(unit.text) ? 0.3 : 1);
      const relevance =
        (coverage * (0.55 + 0.45 * Math.min(1, novelty * 1.5)) * demote + shape) * prior;
      candidates.push({
        unit,
        result: i + 1,
        document: documents[i] as string,
        relevance,
        covered: new Set([...covered.own, ...covered.context, ...covered.synonym]),
        own: covered.own,
        restates,
      });
    }
  });
  if (candidates.length === 0) return { sentences: [], coverage: 0 };

  const article = answeringDocument(candidates, weight, total);
  const inArticle = candidates.filter((c) => c.document === article);
  const best = pickBest(inArticle) as Candidate;
  // "How do I…", or a problem told ("my account got locked"), is answered by the article's
  // procedure for it, when it has one. (Not when asked for contact details: "How do I
  // contact support?" wants the address.)
  const procedure =
    (howTo || isProblem(input.query)) && !input.prefer
      ? procedureFor(units, documents, titles, article, q, weight, total, candidates)
      : undefined;
  // Else the best sentence leads; a list it belongs to is given whole, in its own order.
  const list = procedure ?? listAround(units, best, candidates);
  const chosen: Candidate[] = procedure
    ? list
    : list.length > 0
      ? [best, ...list].sort((a, b) => a.unit.position - b.unit.position)
      : best.unit.kind === "table"
        ? [best]
        : [best, ...following(units, best, candidates)];
  // More of the article, and other articles only where they answer better.
  // What the answer already addresses, through its sentences or their headings.
  const covered = new Set(chosen.flatMap((c) => [...c.covered]));
  if (procedure) {
    for (const c of chosen) {
      for (const t of q.terms) if (c.unit.info.terms.has(t) || c.unit.lead.has(t)) covered.add(t);
    }
  }
  // After a procedure, at most two sentences more: the steps are the answer.
  const limit = procedure ? list.length + 2 : MAX_SENTENCES + list.length;
  const others = candidates
    .filter((c) => !chosen.includes(c) && !c.restates)
    .filter((c) => c.document === article || c.relevance > best.relevance)
    .filter((c) => c.relevance >= 0.5 * best.relevance)
    .sort(byRelevance);
  for (const c of others) {
    if (chosen.length >= limit) break;
    // Only for something the answer does not say yet.
    if ([...c.own].every((t) => covered.has(t))) continue;
    if (chosen.some((s) => jaccard(s.unit.info.terms, c.unit.info.terms) >= 0.6)) continue;
    chosen.push(...withItsList(units, c, candidates, chosen));
    for (const t of c.covered) covered.add(t);
  }

  const coverage = answerCoverage(chosen, q, weight, total, titles);
  // A long question has many words no one sentence repeats: the bar falls with its length.
  if (coverage < MIN_COVERAGE * Math.min(1, 4 / q.terms.size)) return { sentences: [], coverage };
  const sentences = chosen.map((c) => ({
    ...toSentence(c),
    result: (shownIn.get(`${c.document}\u0000${c.unit.text}`) ?? c.result - 1) + 1,
  }));
  if (input.maxChars !== undefined) fitBudget(sentences, input.maxChars, input.citationWidth);
  else if (sentences.reduce((n, s) => n + s.text.length + 1, 0) < MIN_ANSWER_CHARS) {
    const next = following(units, best, candidates, 1)[0];
    if (next) sentences.push(toSentence(next));
  } else trimProse(sentences);
  return { sentences, coverage };
}

const byRelevance = (a: Candidate, b: Candidate) =>
  b.relevance - a.relevance || a.result - b.result || a.unit.position - b.unit.position;

function pickBest(candidates: Candidate[]): Candidate | undefined {
  // A table row leads only when it clearly beats every statement: a row glued to prose reads as neither.
  const sorted = [...candidates].sort(byRelevance);
  const statement = sorted.find((c) => c.unit.kind !== "table");
  const row = sorted.find((c) => c.unit.kind === "table");
  // …unless the row is about what was asked ("Plan: Business" for "the business plan").
  const margin = row?.unit.keyed ? 1 : 1.25;
  if (row && (!statement || row.relevance > margin * statement.relevance)) return row;
  return statement ?? row;
}

/**
 * The article that answers: each document's best sentence, plus half the share of the
 * question all its candidates cover together (an article that explains the whole
 * question beats one that shares a single rare word with it).
 */
function answeringDocument(
  candidates: Candidate[],
  weight: Map<string, number>,
  total: number,
): string {
  const byDocument = new Map<string, { best: number; covered: Set<string>; rank: number }>();
  for (const c of candidates) {
    const d = byDocument.get(c.document) ?? { best: 0, covered: new Set(), rank: c.result };
    d.best = Math.max(d.best, c.relevance);
    for (const t of c.covered) d.covered.add(t);
    d.rank = Math.min(d.rank, c.result);
    byDocument.set(c.document, d);
  }
  let pick = "";
  let pickScore = Number.NEGATIVE_INFINITY;
  let pickRank = Number.POSITIVE_INFINITY;
  for (const [doc, d] of byDocument) {
    const share = [...d.covered].reduce((s, t) => s + (weight.get(t) ?? 0), 0) / total;
    const score = d.best + (0.5 * share) / (1 + 0.5 * (d.rank - 1));
    if (score > pickScore + 1e-12 || (Math.abs(score - pickScore) <= 1e-12 && d.rank < pickRank)) {
      pick = doc;
      pickScore = score;
      pickRank = d.rank;
    }
  }
  return pick;
}

/** An item of a numbered list, or a further sentence of one. */
const inList = (u: Unit | undefined) => u?.item !== undefined || u?.continuesItem === true;

/** A procedure must cover this share of the question's weighted terms to answer it. */
const MIN_PROCEDURE_COVERAGE = 0.25;

/**
 * The numbered list (from its "1.") of the answering article that best covers a "how do
 * I…" question, with its lead-in: the question's terms in the list's heading, lead-in
 * and steps (a synonym at half credit), plus half again for those in its heading, which
 * names the task ("Reset your password", "Send an invitation"). The earlier list wins a
 * tie. None when no list covers `MIN_PROCEDURE_COVERAGE` of the question.
 */
function procedureFor(
  units: Unit[][],
  documents: string[],
  titles: Set<string>[],
  article: string,
  q: QueryTerms,
  weight: Map<string, number>,
  total: number,
  candidates: Candidate[],
): Candidate[] | undefined {
  const share = (terms: Set<string>, synonyms = true) =>
    Math.min(
      1,
      ([...q.terms].filter((t) => terms.has(t)).reduce((s, t) => s + (weight.get(t) ?? 0), 0) +
        (synonyms
          ? [...q.synonyms]
              .filter((t) => terms.has(t))
              .reduce((s, t) => s + SYNONYM_CREDIT * (weight.get(t) ?? 0), 0)
          : 0)) /
        total,
    );
  let pick: { units: Unit[]; result: number; score: number } | undefined;
  const seen = new Set<string>();
  units.forEach((list, i) => {
    if (documents[i] !== article) return;
    for (let start = 0; start < list.length; start++) {
      const first = list[start] as Unit;
      if (first.item !== 1 || inList(list[start - 1])) continue;
      if (seen.has(first.text)) continue;
      seen.add(first.text);
      const lead = list[start - 1]?.introduces ? (list[start - 1] as Unit) : undefined;
      const steps: Unit[] = [];
      for (let p = start; p < list.length && inList(list[p]); p++) {
        const unit = list[p] as Unit;
        const items = steps.filter((u) => u.item !== undefined);
        // Steps count on from 1: a "3." after "4." is a numbered heading, not a step.
        if (unit.item !== undefined && unit.item !== items.length + 1) break;
        if (unit.item !== undefined && items.length >= MAX_LIST_ITEMS) break;
        steps.push(unit);
      }
      if (steps.filter((u) => u.item !== undefined).length < 2) continue;
      const terms = new Set([
        ...first.lead,
        ...(titles[i] ?? []),
        ...steps.flatMap((u) => [...u.info.terms]),
      ]);
      const coverage = share(terms);
      const score = coverage + 0.5 * share(first.lead, false);
      if (coverage < MIN_PROCEDURE_COVERAGE) continue;
      if (!pick || score > pick.score + 1e-9)
        pick = { units: lead ? [lead, ...steps] : steps, result: i + 1, score };
    }
  });
  if (!pick) return undefined;
  const { units: chosen, result } = pick;
  return chosen.map((unit) => asCandidate(unit, { result, document: article }, candidates));
}

/**
 * A numbered list the best sentence belongs to or introduces, whole (at most
 * `MAX_LIST_ITEMS` items), in order; with its lead-in when the best sentence is an item.
 */
function listAround(units: Unit[][], best: Candidate, candidates: Candidate[]): Candidate[] {
  const list = units[best.result - 1] ?? [];
  const at = best.unit.position;
  let start: number;
  if (inList(best.unit)) {
    start = at;
    while (start > 0 && inList(list[start - 1])) start--;
  } else if (best.unit.introduces && list[at + 1]?.item !== undefined) {
    start = at + 1;
  } else return [];
  const out: Candidate[] = [];
  const lead = list[start - 1];
  if (inList(best.unit) && lead?.introduces) {
    out.push(asCandidate(lead, best, candidates));
  }
  for (let p = start; p < list.length && inList(list[p]); p++) {
    if (out.filter((c) => c.unit.item !== undefined).length >= MAX_LIST_ITEMS) break;
    const unit = list[p] as Unit;
    if (unit === best.unit) continue;
    out.push(asCandidate(unit, best, candidates));
  }
  return out;
}

/** A sentence, or when it is an item of a numbered list, the list with its lead-in (not repeating `chosen`). */
function withItsList(
  units: Unit[][],
  c: Candidate,
  candidates: Candidate[],
  chosen: Candidate[],
): Candidate[] {
  if (c.unit.item === undefined && !c.unit.continuesItem) return [c];
  const list = [c, ...listAround(units, c, candidates)]
    .filter((x) => !chosen.some((y) => y.unit === x.unit))
    .sort((a, b) => a.unit.position - b.unit.position);
  return list;
}

/**
 * The statements right after the best one in its section, even when they share no
 * question word: in support articles they are usually the rest of the answer ("Enter
 * your email. We send a link that expires after 30 minutes."). At most `count`; a
 * heading, question or table row ends them.
 */
function following(
  units: Unit[][],
  best: Candidate,
  candidates: Candidate[],
  count = 2,
): Candidate[] {
  const list = units[best.result - 1] ?? [];
  const out: Candidate[] = [];
  for (let p = best.unit.position + 1; p < list.length && out.length < count; p++) {
    const unit = list[p] as Unit;
    if (unit.kind !== "statement" || unit.info.terms.size === 0) break;
    if (jaccard(unit.info.terms, best.unit.info.terms) >= 0.6) continue;
    out.push(asCandidate(unit, best, candidates));
  }
  return out;
}

function asCandidate(
  unit: Unit,
  near: Pick<Candidate, "result" | "document">,
  candidates: Candidate[],
): Candidate {
  return (
    candidates.find((c) => c.unit === unit) ?? {
      unit,
      result: near.result,
      document: near.document,
      relevance: 0,
      covered: new Set(),
      own: new Set(),
      restates: false,
    }
  );
}

/** The weighted share of the question the answer covers (its sentences, headings, article titles). */
function answerCoverage(
  chosen: Candidate[],
  q: QueryTerms,
  weight: Map<string, number>,
  total: number,
  titles: Set<string>[],
): number {
  let sum = 0;
  for (const t of q.terms) {
    const w = weight.get(t) ?? 0;
    const direct = chosen.some(
      (c) =>
        c.unit.info.terms.has(t) || c.unit.lead.has(t) || titles[c.result - 1]?.has(t) === true,
    );
    if (direct) sum += w;
  }
  for (const t of q.synonyms) {
    if (chosen.some((c) => c.unit.info.terms.has(t) || c.unit.lead.has(t))) {
      sum += SYNONYM_CREDIT * (weight.get(t) ?? 0);
    }
  }
  return Math.min(1, sum / total);
}

/** "Plan: Team; Price: $29" → headers ["Plan", "Price"], cells ["Team", "$29"]. */
function rowCells(text: string): { headers: string[]; cells: string[] } {
  const pairs = text.split("; ").map((cell) => {
    const i = cell.indexOf(": ");
    return i > 0 ? [cell.slice(0, i), cell.slice(i + 2)] : ["", cell];
  });
  return { headers: pairs.map(([h]) => h as string), cells: pairs.map(([, v]) => v as string) };
}

function toSentence(c: Candidate): AnswerSentence {
  const { text } = c.unit;
  if (c.unit.kind === "table") return { text, result: c.result, row: rowCells(text) };
  const item = ITEM.exec(text);
  if (item) return { text: text.slice(item[0].length), result: c.result, item: Number(item[1]) };
  if (c.unit.continuesItem) return { text, result: c.result, continuesItem: true };
  return { text, result: c.result };
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Prose (not a list or table) stays readable: later sentences go past `MAX_PROSE_CHARS`. */
function trimProse(sentences: AnswerSentence[]): void {
  if (sentences.some((s) => s.item !== undefined || s.row)) return;
  let chars = 0;
  for (let i = 0; i < sentences.length; i++) {
    chars += (sentences[i] as AnswerSentence).text.length + 1;
    if (i > 0 && chars > MAX_PROSE_CHARS) {
      sentences.length = i;
      return;
    }
  }
}

/**
 * `max_response_characters`: drops whole sentences, the last first, until the answer
 * with its citations fits. A single sentence longer than the budget is the one
 * exception: it is cut at a word boundary and marked "…".
 */
function fitBudget(
  selected: AnswerSentence[],
  max: number,
  width: (n: number) => number = () => 0,
): void {
  const size = () =>
    selected.reduce((n, s, i) => n + s.text.length + width(s.result) + (i ? 1 : 0), 0);
  while (selected.length > 1 && size() > max) selected.pop();
  const only = selected[0];
  if (only && size() > max) {
    selected[0] = { text: cutAtWord(only.text, max - width(only.result)), result: only.result };
  }
}

/** The longest word-boundary prefix within `max` characters, marked as cut. */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(1, max - 1);
  const slice = text.slice(0, room);
  const space = slice.lastIndexOf(" ");
  return `${(space > 0 ? slice.slice(0, space) : slice).replace(/[\s,;:]+$/, "")}…`;
}
