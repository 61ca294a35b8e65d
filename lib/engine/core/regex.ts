import { RE2JS } from "re2js";
import { errors } from "./errors";
import { regexCostProblem } from "./regex-cost";

/** Only this many characters of each text are matched: a match must lie within them. */
export const MATCHED_PREFIX = 2000;

/**
 * A user's regular expression, compiled: call it on a text to match it. `cost` is the
 * work one call does on that text (characters matched × program size), for callers that
 * bound the work of a whole request.
 */
export interface UserRegex {
  (text: string): boolean;
  cost(text: string): number;
}

/**
 * User-supplied regular expressions run on RE2 (linear time), so a hostile
 * pattern such as `(a+)+$` cannot stall the server. Matching is case-insensitive
 * and unanchored, like a search box. RE2 is linear in the text, but each character
 * costs up to one step per program instruction: a pattern whose repetitions make the
 * program large (`.{0,999}z`) is refused with a 400 naming the repetition's position
 * (`regex-cost.ts`), and only the first MATCHED_PREFIX characters of a text are
 * matched. A text cut there ends in a newline for the matcher, so `$` (and `.`) never
 * match at the cut.
 */
export function compileUserRegex(pattern: string, field: string): UserRegex {
  if (pattern.length > 1000) throw errors.field(field, "is longer than 1000 characters");
  // The cost check comes first: it reads the pattern without compiling it.
  const problem = regexCostProblem(pattern);
  if (problem) throw errors.field(field, problem.message);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw errors.field(field, `is not a valid regular expression (${(error as Error).message})`);
  }
  const size = re.programSize();
  const test = (text: string) =>
    re.matcher(text.length > MATCHED_PREFIX ? `${text.slice(0, MATCHED_PREFIX)}\n` : text).find();
  return Object.assign(test, {
    cost: (text: string) => (Math.min(text.length, MATCHED_PREFIX) + 1) * size,
  });
}
