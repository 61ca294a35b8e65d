/** The syntax tree of a user function: built by `userfn.ts`, interpreted by `userfn-eval.ts`. */
export type Node =
  | { kind: "literal"; at: number; value: number | string | boolean | null }
  | { kind: "unary"; at: number; op: "!" | "-" | "+"; arg: Node }
  | { kind: "binary"; at: number; op: BinaryOp; left: Node; right: Node }
  | { kind: "cond"; at: number; test: Node; then: Node; else: Node }
  | { kind: "call"; at: number; name: string; args: Node[] };

export type BinaryOp =
  | "||"
  | "&&"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";
