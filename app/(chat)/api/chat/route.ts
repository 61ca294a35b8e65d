import { createUIMessageStreamResponse } from "ai";
import { getVisitorId } from "@/lib/auth/visitor";
import { observeAnswerTimes, openAnswerStream, writeAnswer } from "@/lib/chat/answer";
import { detachAnswer } from "@/lib/chat/answer-streams";
import {
  checkChatRateLimit,
  claimChat,
  getOwnedChat,
  recordAnswer,
  withdrawUnfinishedTurn,
} from "@/lib/chat/conversations";
import { createPacer } from "@/lib/chat/pace";
import { getConfig } from "@/lib/config";
import { requestClientAddress } from "@/lib/http/client-address";
import { AppError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/fallbacks";
import { checkSameOrigin, readJsonBody } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { errorFields, getLogger } from "@/lib/observability/log";
import { getVectaraClient } from "@/lib/server/vectara";
import { postChatBodySchema } from "./schema";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);

/** Asks a question in a new chat (`chatId: null`) or the visitor's existing one, and streams the answer. */
export const POST = route("visitor", async (request: Request): Promise<Response> => {
  const startedAt = performance.now();
  const crossSite = checkSameOrigin(request);
  if (crossSite) return crossSite.toResponse();

  const body = await readJsonBody(request, postChatBodySchema);
  if (!body.ok) return body.error.toResponse();
  const { chatId, message, replaceTurnId } = body.data;
  const query = message.parts.map((p) => p.text).join("\n");

  const visitorId = await getVisitorId();
  if (!visitorId) return missingSession().toResponse();

  if (chatId && !(await getOwnedChat({ visitorId, chatId }))) {
    return new AppError("not_found:chat", "This conversation does not exist.").toResponse();
  }

  const limited = await checkChatRateLimit({
    visitorId,
    address: requestClientAddress(request.headers),
  });
  if (limited) return limited.toResponse();

  // "Regenerate": the stopped or failed answer is taken back first; when it was the chat's
  // only answer, the chat goes with it and the question starts a new one.
  let askIn = chatId;
  if (chatId && replaceTurnId) {
    const withdrawn = await withdrawUnfinishedTurn({
      client: getVectaraClient(),
      visitorId,
      chatId,
      turnId: replaceTurnId,
    });
    if ("error" in withdrawn) return withdrawn.error.toResponse();
    askIn = withdrawn.askIn;
  }

  // The answer is generated apart from this request (answer-streams.ts): once its chat is
  // named, a dropped connection or a reload does not stop it, and a reloaded page replays
  // it; only the visitor's Stop does. Before that, leaving stops it, and a question stopped
  // before its chat is named is still stored (writeAnswer waits for the ids).
  const upstream = new AbortController();
  const events = await openAnswerStream({
    client: getVectaraClient(),
    chatId: askIn ?? undefined,
    query,
    corpusKey: getConfig().vectara.corpusKey,
    signal: upstream.signal,
  });

  const stream = detachAnswer({
    ownerId: visitorId,
    requestSignal: request.signal,
    generate: async ({ writer, signal, named }) => {
      const record = await writeAnswer({
        events,
        writer,
        signal,
        stopUpstream: () => upstream.abort(),
        pacer: createPacer({ wordsPerSecond: getConfig().answerWordsPerSecond }),
        startedAt,
        // The visitor owns the chat from the moment Vectara names it, before a word of the
        // answer is sent: a crash mid-answer must not leave them a chat they cannot open.
        onChatInfo: async ({ chatId: newChatId, turnId, citations }) => {
          try {
            await claimChat({ visitorId, chatId: newChatId, turnId, query, citations });
          } catch (error) {
            // The answer goes on: failing it would lose what the visitor is waiting for, and
            // recordAnswer stores the owner again at the end. Only a crash before then loses it.
            getLogger().error(
              errorFields(error),
              "could not store the chat's owner before the answer",
            );
          }
          await named({ chatId: newChatId, turnId });
        },
      });
      observeAnswerTimes(record);
      // Recorded here, at the answer's end, whether the visitor is still connected or not:
      // a stopped answer is stored as stopped. The visitor already has the answer; failing
      // to file it must not turn it into an error.
      await recordAnswer({ visitorId, query, record }).catch((error: unknown) => {
        getLogger().error(errorFields(error), "could not store the answer in the app database");
      });
      return record.status;
    },
  });
  // no-transform: the server's gzip would buffer and recompress every event of the stream,
  // the main thread's largest cost per answer under load (bench:load).
  return createUIMessageStreamResponse({
    stream,
    headers: { "cache-control": "no-cache, no-transform" },
  });
});

const missingSession = () =>
  new AppError(
    "forbidden:chat",
    "Your browser did not send Parley's session cookie. Allow cookies for this site and reload the page.",
  );
