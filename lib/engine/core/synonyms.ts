import { wordTokens } from "./lexical";
import { porterStem } from "./stem";

/**
 * A curated support vocabulary: the words customers use for the words help centres
 * and product documentation use ("sign in" / "log in", "money back" / refund, "how
 * much" / price). WordNet (`lexicon/wordnet.ts`) knows general English synonyms but
 * not these: it links "sign in" to "check in" and "refund" to "repay", and has no
 * "login" at all. Retrieval adds the other members of a matched group as weighted
 * expansions that never outweigh the user's own words (`store/search.ts`).
 *
 * Groups are symmetric (every member expands to the others); `RULES` are one-way
 * rewrites of an idiom into the knowledge base's word ("money back" → refund, "talk
 * to a human" → contact support): the idiom's own words are common and would match
 * anything ("back", "get"), so retrieval and answers read the rule's words instead. Members match on stems, so inflections count ("signing in").
 * General vocabulary of software and online services only: nothing here names a
 * particular product.
 */
const GROUPS: string[][] = [
  ["sign in", "log in", "login", "log on", "logon", "sign on", "signin"],
  ["sign out", "log out", "logout", "log off", "sign off"],
  ["sign up", "register", "registration", "create an account"],
  ["password", "passcode", "passphrase"],
  ["forgot", "forgotten"],
  ["reset", "recover"],
  ["refund", "reimburse", "reimbursement"],
  ["cancel", "unsubscribe"],
  ["delete", "remove", "erase", "get rid of"],
  ["uninstall", "remove"],
  ["install", "set up", "setup"],
  ["set up", "setup", "connect"],
  ["update", "upgrade"],
  ["turn on", "enable", "activate", "switch on"],
  ["turn off", "disable", "deactivate", "switch off"],
  ["price", "pricing", "cost", "how much", "fee"],
  ["invoice", "bill", "receipt"],
  ["pay", "payment", "charge"],
  ["email", "e-mail"],
  ["two-factor", "2fa", "mfa", "multi-factor", "two-step"],
  ["expire", "expiry", "expiration", "valid", "validity", "lifetime"],
  ["limit", "maximum", "max", "quota"],
  ["version", "release"],
  ["outdated", "deprecated", "obsolete", "legacy"],
  ["teammate", "team member", "colleague", "coworker"],
  ["workspace", "organization", "organisation"],
  ["configure", "config", "configuration", "setting", "settings"],
  ["slow", "sluggish", "laggy"],
  ["crash", "crashes", "crashed"],
  ["notification", "alert", "notify"],
  ["download", "export"],
  ["upload", "import"],
  ["big", "large", "huge"],
  ["copy", "duplicate", "clone"],
  ["undo", "revert", "roll back", "rollback"],
  ["spam", "junk"],
];

/** One-way: a phrasing that points at a topic it does not mean. */
const RULES: Array<[from: string[], to: string[]]> = [
  [
    ["human", "real person", "someone", "agent", "representative", "talk to", "speak to"],
    ["contact support", "support team"],
  ],
  [["money back", "get my money"], ["refund"]],
  [
    ["cant remember", "can't remember", "don't remember", "do not remember"],
    ["forgot", "forgotten"],
  ],
  [
    ["hacked", "compromised"],
    ["security", "password", "sessions"],
  ],
];

/**
 * One-way and weighted, like a synonym: what a question phrase asks for ("how long" is
 * answered by a duration, "how many" by a number or a limit).
 */
const HINTS: Array<[from: string[], to: string[]]> = [
  [
    ["how long", "how soon"],
    ["minutes", "hours", "days", "expires"],
  ],
  [["how often"], ["every", "interval", "frequency"]],
  [["how many"], ["limit", "maximum", "number"]],
];

interface Entry {
  /** The member's stems, matched against the query's. */
  match: string[];
  /** What it expands to: folded words (the index stems them itself). */
  expand: string[][];
  source: "curated" | "rule";
}

const ENTRIES: Entry[] = (() => {
  const out: Entry[] = [];
  const entry = (member: string, others: string[], source: Entry["source"]): Entry => ({
    match: wordTokens(member).map(porterStem),
    expand: others.map((o) => wordTokens(o)),
    source,
  });
  for (const group of GROUPS) {
    for (const m of group)
      out.push(
        entry(
          m,
          group.filter((x) => x !== m),
          "curated",
        ),
      );
  }
  for (const [from, to] of RULES) for (const m of from) out.push(entry(m, to, "rule"));
  for (const [from, to] of HINTS) for (const m of from) out.push(entry(m, to, "curated"));
  return out;
})();

/** A word or phrase to add to the query, as folded words (the index stems them). */
export interface Expansion {
  /** Folded words; more than one is a phrase. */
  words: string[];
  /**
   * Where it came from, for weighting: a curated synonym or WordNet (weighted below the
   * user's words), or a curated one-way rule, which restates what a phrase means
   * ("money back" → refund) and counts like the user's own words.
   */
  source: "curated" | "rule" | "wordnet";
  /** For a rule: the stems of the phrase it rewrites ("money back"), which it stands in for. */
  replaces?: string[];
}

/**
 * The curated expansions of a query: for every group member found in it (as a run of
 * stems), the other members, without any expression the query already holds.
 * Also returns the stems that were matched, so WordNet can skip them.
 */
export function curatedExpansions(query: string): {
  expansions: Expansion[];
  matched: Set<string>;
} {
  const words = wordTokens(query);
  const stems = words.map(porterStem);
  const have = ` ${stems.join(" ")} `;
  const matched = new Set<string>();
  const seen = new Set<string>();
  const expansions: Expansion[] = [];
  for (const entry of ENTRIES) {
    if (!have.includes(` ${entry.match.join(" ")} `)) continue;
    for (const s of entry.match) matched.add(s);
    for (const e of entry.expand) {
      const key = e.map(porterStem).join(" ");
      if (seen.has(key) || have.includes(` ${key} `)) continue;
      seen.add(key);
      expansions.push({
        words: e,
        source: entry.source,
        ...(entry.source === "rule" ? { replaces: entry.match } : {}),
      });
    }
  }
  return { expansions, matched };
}
