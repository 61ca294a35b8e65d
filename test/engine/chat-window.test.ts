import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLlm } from "@/lib/engine/providers/llm";
import { HISTORY_WINDOW } from "@/lib/engine/services/chat";
import { saveTurnByChatId } from "@/lib/engine/store/chats";
import { makeEngine } from "../support/engine";
import { coreDoc, rawRequest, seedCorpus } from "../support/search";

/**
 * A long chat costs what a short one does: a new turn reads only the last
 * HISTORY_WINDOW enabled turns (follow-up resolution, the LLM's rephrasing, the
 * prompt's history), and a stored turn does not repeat the history.
 */

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** An OpenAI-compatible stand-in for an LLM: records each request, answers a fixed text. */
async function startModel() {
  const requests: Array<{ messages: Array<{ content: string }> }> = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body);
    requests.push(request);
    const content = request.stream ? "" : "how to export invoices";
    if (!request.stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "c1",
          created: 0,
          model: request.model,
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: "c1", created: 0, model: request.model, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ content: "Invoices export from Billing [1]." }, null));
    res.write(chunk({}, "stop"));
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

/** A chat with `earlier` stored turns (written directly: the test is about the next one). */
function chatWith(db: Parameters<typeof saveTurnByChatId>[0]["db"], id: string, earlier: number) {
  for (let i = 0; i < earlier; i++) {
    saveTurnByChatId({
      db,
      newChat: i === 0,
      turn: {
        chatId: id,
        turnId: `trn_${id}_${i}`,
        query: i === 0 ? "Zanzibar question one" : `question number ${i} about invoices`,
        answer: `Answer ${i}: invoices are in Billing.`,
        rephrasedQuery: `question number ${i} about invoices`,
        corpusKeys: ["kb"],
      },
    });
  }
}

const PROMPT =
  '[{"role":"system","content":"History:"}' +
  '#foreach ($t in $vectaraChatHistory),{"role":"user","content":"$esc.json($t.getQuery())"}#end' +
  ',{"role":"user","content":"$esc.json($vectaraQuery)"}]';

describe("a long chat's turns stay bounded", () => {
  it("turn 301 reads, renders and stores no more than turn 21 does", async () => {
    const model = await startModel();
    const llm = createLlm({ baseURL: model.url, model: "m", maxRetries: 0 });
    const { engine, client } = makeEngine({ llm, lexicon: false });
    await seedCorpus(client, "kb", [
      coreDoc("billing", ["Invoices export from the Billing page as CSV or PDF."]),
    ]);
    chatWith(engine.db, "cht_short", HISTORY_WINDOW);
    chatWith(engine.db, "cht_long", 300);

    const ask = async (chatId: string) => {
      const before = model.requests.length;
      const res = await rawRequest(engine, "POST", `/v2/chats/${chatId}/turns`, {
        query: "and how do I export them?",
        search: { corpora: [{ corpus_key: "kb" }] },
        generation: { prompt_template: PROMPT },
      });
      expect(res.status, res.text).toBe(200);
      const body = res.json as { turn_id: string; rendered_prompt: string };
      const stored = engine.db
        .prepare(
          `SELECT length(query) + length(answer) + length(rephrased_query)
             + coalesce(length(rendered_prompt), 0) + length(sources) AS bytes
           FROM turns WHERE id = ?`,
        )
        .get(body.turn_id) as { bytes: number };
      const rephraseRequest = model.requests
        .slice(before)
        .find((r) => r.messages.some((m) => m.content.includes("Last message:")));
      return { stored: stored.bytes, prompt: body.rendered_prompt, rephraseRequest };
    };

    const short = await ask("cht_short");
    const long = await ask("cht_long");
    expect(long.stored).toBeLessThanOrEqual(short.stored);
    expect(long.prompt.length).toBeLessThanOrEqual(short.prompt.length + 100);
    // The prompt's history is the last HISTORY_WINDOW turns: 280 … 299.
    expect(long.prompt).toContain("question number 299 about invoices");
    expect(long.prompt).toContain(`question number ${300 - HISTORY_WINDOW} about invoices`);
    expect(long.prompt).not.toContain(`question number ${299 - HISTORY_WINDOW} about`);
    expect(long.prompt).not.toContain("Zanzibar");
    // So is the rephraser's: turn 1 ("Zanzibar…") is outside the window.
    const transcript = JSON.stringify(long.rephraseRequest?.messages ?? []);
    expect(transcript).toContain("question number 299 about invoices");
    expect(transcript).not.toContain(`question number ${299 - HISTORY_WINDOW} about`);
    expect(transcript).not.toContain("Zanzibar");
    // A short chat still sees its first turn.
    expect(short.prompt).toContain("Zanzibar");
  });
});
