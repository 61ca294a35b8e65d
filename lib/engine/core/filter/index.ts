import type { FilterAttribute } from "../../ports";
import { errors } from "../errors";
import type { Expr } from "./ast";
import { AttributeCatalog, type FilterScope } from "./attributes";
import { checkFilter } from "./check";
import { FilterError, formatFilterError, syntaxError } from "./diagnostics";
import { parse } from "./parser";
import { type CompiledFilter, emitSql } from "./sql";

export type * from "./ast";
export type { FilterScope } from "./attributes";
export { MAX_DEPTH } from "./parser";
export { formatFilter } from "./print";
export type { CompiledFilter } from "./sql";

/** Longest filter accepted, in characters (`metadata_filter` is ≤8000 in the OpenAPI spec). */
export const MAX_FILTER_LENGTH = 8000;

export interface FilterOptions {
  /** The request field the filter came from, e.g. `body.search.corpora.0.metadata_filter`. */
  field: string;
  /** `documents` (the documents list) allows only `doc.id` and document-level attributes. */
  scope: FilterScope;
}

/**
 * Parses a filter into its AST; `undefined` for an empty or blank filter, which
 * means "no filter". Syntax only: attributes are not resolved and types are not
 * checked. Errors are 400s on `field`.
 */
export function parseFilter(
  input: string | undefined,
  field = "metadata_filter",
): Expr | undefined {
  if (input === undefined || input.trim() === "") return undefined;
  return reported(input, field, () => {
    checkLength(input);
    return parse(input);
  });
}

/**
 * Compiles a metadata filter into a parameterized SQL condition over `d`
 * (documents) and `p` (parts), or `undefined` when there is no filter. Every
 * problem with the filter is an EngineError 400 on `options.field` whose message
 * says where it is ("Syntax error at 1:14: expected ')' but found …").
 */
export function compileFilter(
  input: string | undefined,
  attributes: FilterAttribute[],
  options: FilterOptions,
): CompiledFilter | undefined {
  if (input === undefined || input.trim() === "") return undefined;
  return reported(input, options.field, () => {
    checkLength(input);
    const ast = parse(input);
    const catalog = new AttributeCatalog(attributes, options.scope);
    checkFilter(ast, catalog, input);
    return emitSql(ast, catalog);
  });
}

/** Counts code points, and stops counting at the limit, so a huge input costs no more than 8000 steps. */
function checkLength(input: string): void {
  if (input.length <= MAX_FILTER_LENGTH) return;
  let count = 0;
  let offset = 0;
  for (const c of input) {
    if (count === MAX_FILTER_LENGTH)
      throw syntaxError(offset, `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
    count++;
    offset += c.length;
  }
}

function reported<T>(input: string, field: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof FilterError) throw errors.field(field, formatFilterError(input, error));
    throw error;
  }
}
