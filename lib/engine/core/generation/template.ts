import { z } from "zod";
import { errors } from "../errors";
import { jsonErrorOffset } from "./json-position";
import { parseTemplate, Raw, render, TemplateError, type Value, type VObject } from "./velocity";

/**
 * Prompt templates: the Velocity subset of `velocity.ts` with Vectara's variables
 * (notes §8.1–8.2). The rendered text must be a JSON array of `{role, content}`
 * messages; values are JSON-escaped as they are substituted, so a result holding
 * quotes or newlines cannot break the array. A template that does not parse, or
 * renders to anything but such an array, is a 400 on
 * `body.generation.prompt_template` with a line:column position.
 */
export interface PromptMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface PromptInput {
  query: string;
  results: Array<{
    text: string;
    document_id: string;
    document_metadata: Record<string, unknown>;
    part_metadata: Record<string, unknown>;
    score: number;
  }>;
  history: Array<{ query: string; answer: string }>;
  langCode: string;
  maxChars?: number;
}

export const TEMPLATE_FIELD = "body.generation.prompt_template";

/**
 * The default template (Mockingbird-like): instructions, the chat's earlier turns
 * as user/assistant pairs, then one user message with the numbered results and
 * the question. Every generator renders it, so `rendered_prompt` is always there.
 */
export const DEFAULT_PROMPT_TEMPLATE = `[
  {"role": "system", "content": "You are a customer support assistant. Answer the user's question using only the numbered search results in the last message. After each statement, cite the result it comes from as [number], for example [1] or [2]. If the results do not contain the answer, say that you could not find it; never invent facts. Answer in $vectaraLangName.#if ($vectaraOutChars) Keep the answer under $vectaraOutChars characters.#end"},
  #foreach ($turn in $vectaraChatHistory)
  {"role": "user", "content": "$turn.getQuery()"},
  {"role": "assistant", "content": "$turn.getAnswer()"},
  #end
  {"role": "user", "content": "Search results:\\n#foreach ($qResult in $vectaraQueryResults)#set ($n = $foreach.index + 1)[$n] $qResult.getText()\\n#end\\nQuestion: $vectaraQuery"}
]`;

const IDX_WORDS = [
  "first",
  "second",
  "third",
  "fourth",
  "fifth",
  "sixth",
  "seventh",
  "eighth",
  "ninth",
  "tenth",
];

export const LANGUAGE_NAMES: Record<string, string> = {
  eng: "English",
  deu: "German",
  fra: "French",
  zho: "Chinese",
  kor: "Korean",
  ara: "Arabic",
  rus: "Russian",
  tha: "Thai",
  nld: "Dutch",
  ita: "Italian",
  por: "Portuguese",
  spa: "Spanish",
  jpn: "Japanese",
  pol: "Polish",
  tur: "Turkish",
  vie: "Vietnamese",
  ind: "Indonesian",
  ces: "Czech",
  ukr: "Ukrainian",
  ell: "Greek",
  heb: "Hebrew",
  fas: "Persian",
  hin: "Hindi",
  urd: "Urdu",
  swe: "Swedish",
  ben: "Bengali",
  msa: "Malay",
  ron: "Romanian",
};

/** JSON string content without the quotes. */
const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(toValue);
  return new MetadataMap(v as Record<string, unknown>);
}

/** `docMetadata()` / `partMetadata()`: `get("k")` (missing → ""), `present()`. */
class MetadataMap implements VObject {
  constructor(private readonly map: Record<string, unknown>) {}
  call(name: string, args: Value[]): Value | undefined {
    if (name === "present") return Object.keys(this.map).length > 0;
    if (name === "isEmpty") return Object.keys(this.map).length === 0;
    if (name === "get" || name === "getOrDefault") {
      const key = args[0];
      if (typeof key !== "string") return undefined;
      return Object.hasOwn(this.map, key) ? toValue(this.map[key]) : (args[1] ?? "");
    }
    if (name === "keySet") return Object.keys(this.map);
    if (name === "toString") return JSON.stringify(this.map);
    return undefined;
  }
}

class ResultObject implements VObject {
  constructor(private readonly r: PromptInput["results"][number]) {}
  call(name: string): Value | undefined {
    switch (name) {
      case "getText":
      case "text":
        return this.r.text;
      case "docMetadata":
      case "getDocMetadata":
        return new MetadataMap(this.r.document_metadata);
      case "partMetadata":
      case "getPartMetadata":
        return new MetadataMap(this.r.part_metadata);
      case "docId":
      case "getDocId":
        return this.r.document_id;
      case "score":
      case "getScore":
        return this.r.score;
      case "toString":
        return this.r.text;
      default:
        return undefined;
    }
  }
}

class TurnObject implements VObject {
  constructor(private readonly t: { query: string; answer: string }) {}
  call(name: string): Value | undefined {
    if (name === "getQuery" || name === "query") return this.t.query;
    if (name === "getAnswer" || name === "answer") return this.t.answer;
    return undefined;
  }
}

/** `$esc.java(x)`: Java string escaping, which for a JSON prompt is JSON escaping, written once. */
const esc: VObject = {
  call(name, args) {
    if (name !== "java" && name !== "json") return undefined;
    const [v] = args;
    return new Raw(
      jsonEscape(v === null || v === undefined ? "" : typeof v === "string" ? v : String(v)),
    );
  },
};

const messagesSchema = z
  .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }).loose())
  .min(1, "must hold at least one message");

export interface RenderedPrompt {
  /** The exact text, as `rendered_prompt` returns it. */
  text: string;
  messages: PromptMessage[];
}

export function renderPrompt(template: string, input: PromptInput): RenderedPrompt {
  let text: string;
  try {
    const nodes = parseTemplate(template);
    text = render(
      nodes,
      {
        escape: jsonEscape,
        variables: {
          vectaraQuery: input.query,
          vectaraQueryResults: input.results.map((r) => new ResultObject(r)),
          vectaraIdxWord: IDX_WORDS,
          vectaraLangCode: input.langCode,
          vectaraLangName: LANGUAGE_NAMES[input.langCode] ?? "English",
          vectaraOutChars: input.maxChars ?? null,
          vectaraChatHistory: input.history.map((t) => new TurnObject(t)),
          esc,
        },
      },
      template,
    );
  } catch (error) {
    if (error instanceof TemplateError) throw errors.field(TEMPLATE_FIELD, error.message);
    throw error;
  }
  return { text, messages: parseMessages(text) };
}

function parseMessages(text: string): PromptMessage[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text) ?? text.length;
    const before = text.slice(0, at);
    const where = `${before.split("\n").length}:${at - before.lastIndexOf("\n")}`;
    throw errors.field(
      TEMPLATE_FIELD,
      `the rendered prompt is not valid JSON at ${where} of the rendered text: it must be a JSON array of {"role", "content"} messages`,
    );
  }
  const parsed = messagesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw errors.field(
      TEMPLATE_FIELD,
      `the rendered prompt must be a JSON array of {"role": "system"|"user"|"assistant", "content": string} messages${path}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data.map((m) => ({ role: m.role, content: m.content }));
}
