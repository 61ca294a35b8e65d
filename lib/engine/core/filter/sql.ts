import type { FilterAttributeType } from "../../store/corpora";
import type { Expr, Literal } from "./ast";
import type { AttributeCatalog, ResolvedAttribute } from "./attributes";

export interface CompiledFilter {
  /** A boolean SQL expression over the aliases `d` (documents) and `p` (parts). */
  sql: string;
  /** Positional `?` values. Integers are bigint so SQLite binds them as INTEGER, not REAL. */
  params: unknown[];
}

/** Which JSON types (`json_type`) count as a value of each declared type; anything else reads as NULL. */
const JSON_TYPES: Record<FilterAttributeType, string> = {
  integer: "IN ('integer', 'real')",
  real_number: "IN ('integer', 'real')",
  text: "= 'text'",
  boolean: "IN ('true', 'false')",
  "list[integer]": "= 'array'",
  "list[real_number]": "= 'array'",
  "list[text]": "= 'array'",
};

const ELEMENT_TYPES: Record<string, string> = {
  "list[integer]": "IN ('integer', 'real')",
  "list[real_number]": "IN ('integer', 'real')",
  "list[text]": "= 'text'",
};

/** `$."name"`: a single top-level key, with `"` and `\` escaped as SQLite's JSON paths expect. */
export const jsonPath = (name: string) => `$."${name.replace(/["\\]/g, "\\$&")}"`;

/**
 * Emits SQL for a checked AST. The only text taken from the filter goes into
 * `params`; the SQL string is built from fixed fragments, so no user text can
 * reach it. Params are pushed in the same order their `?` appear.
 */
export function emitSql(expr: Expr, catalog: AttributeCatalog): CompiledFilter {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return "?";
  };

  function literal(n: Literal): string {
    switch (n.type) {
      case "integer":
        return param(n.value);
      case "real":
        return param(n.value);
      case "text":
        return param(n.value);
      case "boolean":
        return param(n.value ? 1n : 0n);
      case "null":
        return "NULL";
    }
  }

  function metadata(table: "d" | "p") {
    return table === "d" ? "d.metadata" : "p.metadata";
  }

  /**
   * SQLite's JSON functions throw on text they cannot read (nested past 1000
   * levels: metadata stored before the engine limited depth), which would fail the
   * whole statement. Such metadata reads as having no fields; CASE tests in order,
   * so json_type never sees it.
   */
  const unreadable = (m: string) => `WHEN NOT json_valid(${m}) THEN NULL`;

  function attribute(r: ResolvedAttribute): string {
    if (r.kind === "column") return r.column;
    const m = metadata(r.table);
    const path = jsonPath(r.name);
    return `(CASE ${unreadable(m)} WHEN json_type(${m}, ${param(path)}) ${JSON_TYPES[r.type]} THEN json_extract(${m}, ${param(path)}) END)`;
  }

  /** AND/OR chains become balanced trees to stay far below SQLite's expression depth limit. */
  function balanced(op: "AND" | "OR", operands: Expr[]): string {
    if (operands.length === 1) return visit(operands[0] as Expr);
    const mid = Math.ceil(operands.length / 2);
    const left = balanced(op, operands.slice(0, mid));
    const right = balanced(op, operands.slice(mid));
    return `(${left} ${op} ${right})`;
  }

  /** Vectara documents `part.is_title <> true` as the way to include unset: for it, != is null-safe. */
  function isTitleVersusLiteral(a: Expr, b: Expr): boolean {
    return (
      a.kind === "attribute" &&
      a.scope === "part" &&
      a.name === "is_title" &&
      b.kind === "literal" &&
      b.type === "boolean"
    );
  }

  function visit(n: Expr): string {
    switch (n.kind) {
      case "literal":
        return literal(n);
      case "attribute":
        return attribute(catalog.resolve(n));
      case "and":
      case "or":
        return balanced(n.kind === "and" ? "AND" : "OR", n.operands);
      case "not":
        return `(NOT ${visit(n.operand)})`;
      case "unary":
        return `(${n.op} ${visit(n.operand)})`;
      case "binary": {
        const left = visit(n.left);
        const right = visit(n.right);
        const nullSafe =
          n.op === "!=" &&
          (isTitleVersusLiteral(n.left, n.right) || isTitleVersusLiteral(n.right, n.left));
        const op = nullSafe ? "IS NOT" : n.op === "!=" ? "<>" : n.op;
        return `(${left} ${op} ${right})`;
      }
      case "isNull":
        return `(${visit(n.operand)} ${n.negated ? "IS NOT NULL" : "IS NULL"})`;
      case "in": {
        const operand = visit(n.operand);
        return `(${operand} IN (${n.values.map(literal).join(", ")}))`;
      }
      case "contains": {
        const r = catalog.resolve(n.attribute);
        // The checker has made sure this is a declared list attribute.
        if (r.kind !== "json") throw new Error("contains on a built-in column");
        const m = metadata(r.table);
        const path = jsonPath(r.name);
        // NULL (unknown) when the list is absent, like any other comparison with an absent field.
        return `(CASE ${unreadable(m)} WHEN json_type(${m}, ${param(path)}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(${m}, ${param(path)}) AS je WHERE je.type ${ELEMENT_TYPES[r.type]} AND je.value = ${literal(n.value)}) END)`;
      }
    }
  }

  return { sql: visit(expr), params };
}
