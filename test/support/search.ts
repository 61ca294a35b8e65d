import type { Engine } from "@/lib/engine";
import type { CreateDocumentRequest, VectaraClient } from "@/lib/vectara";

/** A raw request to the engine, for what the typed client refuses to send. */
export async function rawRequest(
  engine: Engine,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: Record<string, unknown> }> {
  const response = await engine.handle(
    new Request(`http://parley.local${path}`, {
      method,
      headers: { "x-api-key": engine.apiKey, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text && !text.startsWith("event:") ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON: callers read `text`
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A core document with one part per text. */
export const coreDoc = (
  id: string,
  texts: string[],
  metadata: Record<string, unknown> = {},
): CreateDocumentRequest => ({
  type: "core",
  id,
  metadata,
  document_parts: texts.map((text) => ({ text })),
});

/** Creates a corpus and indexes the documents through the public API. */
export async function seedCorpus(
  client: VectaraClient,
  key: string,
  docs: CreateDocumentRequest[],
  corpus: Omit<Parameters<VectaraClient["corpora"]["create"]>[0], "key"> = {},
): Promise<void> {
  await client.corpora.create({ key, ...corpus });
  for (const doc of docs) await client.documents.create(key, doc);
}

/** Document ids of a result list, in order, each once. */
export const docIds = (results: Array<{ documentId: string }>) => [
  ...new Set(results.map((r) => r.documentId)),
];

/** A small support knowledge base used across the search tests. */
export const SUPPORT_KB: CreateDocumentRequest[] = [
  coreDoc(
    "reset-password",
    [
      "To reset your password, open Settings, choose Security and click Reset password. We email you a link that works for one hour.",
    ],
    { title: "Resetting your password", category: "account" },
  ),
  coreDoc("password-rules", ["Passwords need at least twelve characters and one digit."], {
    title: "Password rules",
    category: "account",
  }),
  coreDoc(
    "billing",
    ["Invoices are sent monthly. You can download past invoices from the Billing page."],
    { title: "Billing and invoices", category: "billing" },
  ),
  coreDoc("cafe", ["Our café serves espresso and croissants every morning."], {
    title: "Café menu",
    category: "office",
  }),
  coreDoc("sign-out", ["To sign out, click your avatar and choose Sign out."], {
    title: "Signing out",
    category: "account",
  }),
  coreDoc(
    "two-factor",
    ["Two-factor authentication adds a second step when you sign in to your account."],
    { title: "Two-factor authentication", category: "account" },
  ),
  coreDoc("rate-limits", ["The API allows 100 requests per minute for each key."], {
    title: "Rate limits",
    category: "api",
  }),
  coreDoc("export-guide", ["Choose a format and a date range, then download the file."], {
    title: "Export guide",
    category: "reports",
  }),
  coreDoc(
    "reports",
    [
      "The Reports page shows usage by team and by month, and you can export any of its tables there too, along with charts and other data.",
    ],
    { title: "Reports", category: "reports" },
  ),
];
