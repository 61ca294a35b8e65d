import type { FilterAttribute, FilterAttributeType } from "../../ports";
import type { Attribute } from "./ast";
import { attributeError, quote } from "./diagnostics";

/** What an attribute reference reads: a built-in column, or a declared key of the metadata JSON. */
export type ResolvedAttribute =
  | { kind: "column"; column: "d.doc_id" | "p.lang" | "p.is_title"; type: "text" | "boolean" }
  | { kind: "json"; table: "d" | "p"; name: string; type: FilterAttributeType };

/**
 * Built-ins need no declaration and win over a declared attribute of the same
 * name: `doc.id` is always the document id.
 */
const BUILT_INS: Record<string, ResolvedAttribute> = {
  "doc:id": { kind: "column", column: "d.doc_id", type: "text" },
  "part:lang": { kind: "column", column: "p.lang", type: "text" },
  "part:is_title": { kind: "column", column: "p.is_title", type: "boolean" },
};

export type FilterScope = "parts" | "documents";

export class AttributeCatalog {
  private readonly declared = new Map<string, FilterAttribute>();

  constructor(
    attributes: FilterAttribute[],
    private readonly scope: FilterScope,
  ) {
    for (const a of attributes)
      this.declared.set(key(a.level === "document" ? "doc" : "part", a.name), a);
  }

  /** Throws an "Attribute error" for undeclared names and for part attributes in a document filter. */
  resolve(attr: Attribute): ResolvedAttribute {
    const ref = quote(`${attr.scope}.${attr.name}`);
    if (attr.scope === "part" && this.scope === "documents")
      throw attributeError(
        attr.start,
        `${ref} is a part-level attribute; a document filter can only use doc.id and document-level attributes`,
      );
    const k = key(attr.scope, attr.name);
    const builtIn = BUILT_INS[k];
    if (builtIn) return builtIn;
    const declared = this.declared.get(k);
    if (declared)
      return {
        kind: "json",
        table: attr.scope === "doc" ? "d" : "p",
        name: declared.name,
        type: declared.type,
      };
    const other = attr.scope === "doc" ? "part" : "doc";
    const hint =
      this.declared.has(key(other, attr.name)) && !(other === "part" && this.scope === "documents")
        ? ` (it is declared at ${other === "doc" ? "document" : "part"} level: use ${other}.${attr.name})`
        : "";
    throw attributeError(
      attr.start,
      `${ref} is not a declared ${attr.scope === "doc" ? "document" : "part"}-level filter attribute of this corpus${hint}`,
    );
  }
}

const key = (scope: "doc" | "part", name: string) => `${scope}:${name}`;
