import type { FilterAttributeType } from "../../ports";
import type { Expr, Literal } from "./ast";
import type { AttributeCatalog, ResolvedAttribute } from "./attributes";

export interface CompiledFilter {
  /** A boolean SQL expression over the aliases `d` (documents) and `p` (parts). */
  sql: string;
  /** Positional `?` values. Integers are bigint so SQLite binds them as INTEGER, not REAL. */
  params: unknown[];
  /** True when the filter reads `p` (a part attribute, `part.lang`, `part.is_title`). */
  usesParts: boolean;
}

/**
 * Which JSON types (`json_type`) count as a value of each declared type; anything
 * else reads as NULL. Declared attributes are read from their typed rows
 * (`doc_attrs`, `part_attrs`: migration 5), whose `type` is the value's `json_type`.
 */
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

/**
 * `$."name"`: a single top-level key, with `"` and `\` escaped as SQLite's JSON paths
 * expect. The typed rows are written with the same path (`corpus_filter_attributes`).
 */
export const jsonPath = (name: string) => `$."${name.replace(/["\\]/g, "\\$&")}"`;

/** The typed rows of each level, and the key that ties them to `d` or `p`. */
const TYPED = {
  d: { table: "doc_attrs", owner: "a.doc_rowid", key: "d.id" },
  p: { table: "part_attrs", owner: "a.part_rowid", key: "p.id" },
} as const;

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

  let usesParts = false;

  /**
   * The attribute's value from its typed row, looked up by primary key: NULL when the
   * key is absent, JSON null, or of a JSON type the declared type does not read (as
   * `json_type`/`json_extract` on the metadata read it; migration 5 writes the rows,
   * leaving out metadata SQLite cannot read). A list reads as 1 when present: lists
   * are only allowed with `IS [NOT] NULL` and `IN`.
   */
  function attribute(r: ResolvedAttribute): string {
    if (r.kind === "column") {
      if (r.column.startsWith("p.")) usesParts = true;
      return r.column;
    }
    if (r.table === "p") usesParts = true;
    const t = TYPED[r.table];
    const value = r.type.startsWith("list[") ? "1" : "a.value";
    return `(SELECT ${value} FROM ${t.table} a WHERE ${t.owner} = ${t.key} AND a.name = ${param(r.name)} AND a.seq = 0 AND a.type ${JSON_TYPES[r.type]})`;
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
        if (r.table === "p") usesParts = true;
        const t = TYPED[r.table];
        // NULL (unknown) when the list is absent, like any other comparison with an absent field.
        const present = `EXISTS (SELECT 1 FROM ${t.table} a WHERE ${t.owner} = ${t.key} AND a.name = ${param(r.name)} AND a.seq = 0 AND a.type = 'array')`;
        const element = `EXISTS (SELECT 1 FROM ${t.table} a WHERE ${t.owner} = ${t.key} AND a.name = ${param(r.name)} AND a.seq > 0 AND a.type ${ELEMENT_TYPES[r.type]} AND a.value = ${literal(n.value)})`;
        return `(CASE WHEN ${present} THEN ${element} END)`;
      }
    }
  }

  const sql = visit(expr);
  return { sql, params, usesParts };
}
