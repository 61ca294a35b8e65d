import { RE2JS } from "re2js";
import { errors } from "./errors";

/**
 * User-supplied regular expressions run on RE2 (linear time), so a hostile
 * pattern such as `(a+)+$` cannot stall the server. Matching is case-insensitive
 * and unanchored, like a search box.
 */
export function compileUserRegex(pattern: string, field: string): (text: string) => boolean {
  if (pattern.length > 1000) throw errors.field(field, "is longer than 1000 characters");
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw errors.field(field, `is not a valid regular expression (${(error as Error).message})`);
  }
  return (text) => re.matcher(text).find();
}
