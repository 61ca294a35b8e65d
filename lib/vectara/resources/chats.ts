import { type Chat, type ChatAnswer, type ChatStreamEvent, toChat, toChatAnswer } from "../domain";
import { nextKey, Page } from "../pagination";
import {
  type ChatRequest,
  chatFullResponseSchema,
  chatRequestSchema,
  chatSchema,
  type ListChatsParams,
  listChatsParamsSchema,
  listChatsResponseSchema,
} from "../schemas/chats";
import { chatIdSchema } from "../schemas/common";
import { EventStream } from "../stream";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

export class Chats {
  constructor(private readonly transport: Transport) {}

  /** Starts a chat. Never retried: a repeat could store a second chat. */
  async create(body: ChatRequest, options?: RequestOptions): Promise<ChatAnswer> {
    const request = validate(chatRequestSchema, body, "body");
    const wire = await this.transport.json(
      {
        method: "POST",
        path: "/v2/chats",
        body: { ...request, stream_response: false },
        idempotent: false,
      },
      chatFullResponseSchema,
      options,
    );
    return toChatAnswer(wire);
  }

  /** Starts a chat and streams the answer. Never retried. */
  async createStream(
    body: ChatRequest,
    options?: RequestOptions,
  ): Promise<EventStream<ChatStreamEvent>> {
    const request = validate(chatRequestSchema, body, "body");
    const messages = await this.transport.stream(
      {
        method: "POST",
        path: "/v2/chats",
        body: { ...request, stream_response: true },
        idempotent: false,
      },
      options,
    );
    return new EventStream<ChatStreamEvent>(messages);
  }

  /** Lists chats, newest first in Parley's engine; `filter` is a regex over the first query or answer. */
  async list(params: ListChatsParams = {}, options?: RequestOptions): Promise<Page<Chat>> {
    const query = validate(listChatsParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/chats", query, idempotent: true },
      listChatsResponseSchema,
      options,
    );
    return new Page((wire.chats ?? []).map(toChat), nextKey(wire.metadata?.page_key), (page_key) =>
      this.list({ ...params, page_key }, options),
    );
  }

  async get(chatId: string, options?: RequestOptions): Promise<Chat> {
    const id = segment(chatIdSchema, chatId, "chat_id");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/chats/${id}`, idempotent: true },
      chatSchema,
      options,
    );
    return toChat(wire);
  }

  /** Deletes the chat and all its turns. */
  async delete(chatId: string, options?: RequestOptions): Promise<void> {
    const id = segment(chatIdSchema, chatId, "chat_id");
    await this.transport.empty(
      { method: "DELETE", path: `/v2/chats/${id}`, idempotent: true },
      options,
    );
  }
}
