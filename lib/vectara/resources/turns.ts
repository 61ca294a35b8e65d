import { type ChatAnswer, type ChatStreamEvent, type Turn, toChatAnswer, toTurn } from "../domain";
import { nextKey, Page } from "../pagination";
import {
  type ChatRequest,
  chatFullResponseSchema,
  chatRequestSchema,
  type ListTurnsParams,
  listTurnsParamsSchema,
  listTurnsResponseSchema,
  turnSchema,
  updateTurnRequestSchema,
} from "../schemas/chats";
import { chatIdSchema, turnIdSchema } from "../schemas/common";
import { EventStream } from "../stream";
import type { RequestOptions, Transport } from "../transport";
import { segment, validate } from "./validate";

export class Turns {
  constructor(private readonly transport: Transport) {}

  /** Adds a turn to a chat. Never retried: a repeat would add a second turn. */
  async create(chatId: string, body: ChatRequest, options?: RequestOptions): Promise<ChatAnswer> {
    const id = segment(chatIdSchema, chatId, "chat_id");
    const request = validate(chatRequestSchema, body, "body");
    const wire = await this.transport.json(
      {
        method: "POST",
        path: `/v2/chats/${id}/turns`,
        body: { ...request, stream_response: false },
        idempotent: false,
      },
      chatFullResponseSchema,
      options,
    );
    return toChatAnswer(wire);
  }

  /** Adds a turn and streams the answer. Never retried. */
  async createStream(
    chatId: string,
    body: ChatRequest,
    options?: RequestOptions,
  ): Promise<EventStream<ChatStreamEvent>> {
    const id = segment(chatIdSchema, chatId, "chat_id");
    const request = validate(chatRequestSchema, body, "body");
    const messages = await this.transport.stream(
      {
        method: "POST",
        path: `/v2/chats/${id}/turns`,
        body: { ...request, stream_response: true },
        idempotent: false,
      },
      options,
    );
    return new EventStream<ChatStreamEvent>(messages);
  }

  /** Lists a chat's turns, oldest first. */
  async list(
    chatId: string,
    params: ListTurnsParams = {},
    options?: RequestOptions,
  ): Promise<Page<Turn>> {
    const id = segment(chatIdSchema, chatId, "chat_id");
    const query = validate(listTurnsParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/chats/${id}/turns`, query, idempotent: true },
      listTurnsResponseSchema,
      options,
    );
    return new Page(
      (wire.turns ?? []).map((t) => toTurn(t, chatId)),
      nextKey(wire.metadata?.page_key ?? wire.page_key),
      (page_key) => this.list(chatId, { ...params, page_key }, options),
    );
  }

  async get(chatId: string, turnId: string, options?: RequestOptions): Promise<Turn> {
    const c = segment(chatIdSchema, chatId, "chat_id");
    const t = segment(turnIdSchema, turnId, "turn_id");
    const wire = await this.transport.json(
      { method: "GET", path: `/v2/chats/${c}/turns/${t}`, idempotent: true },
      turnSchema,
      options,
    );
    return toTurn(wire, chatId);
  }

  /**
   * `enabled: false` disables this turn and every later one; they stay readable but
   * leave the chat's future context. Vectara does not support re-enabling.
   */
  async update(
    chatId: string,
    turnId: string,
    body: { enabled: boolean },
    options?: RequestOptions,
  ): Promise<Turn> {
    const c = segment(chatIdSchema, chatId, "chat_id");
    const t = segment(turnIdSchema, turnId, "turn_id");
    const request = validate(updateTurnRequestSchema, body, "body");
    const wire = await this.transport.json(
      { method: "PATCH", path: `/v2/chats/${c}/turns/${t}`, body: request, idempotent: true },
      turnSchema,
      options,
    );
    return toTurn(wire, chatId);
  }

  /** Deletes this turn and every later one. */
  async delete(chatId: string, turnId: string, options?: RequestOptions): Promise<void> {
    const c = segment(chatIdSchema, chatId, "chat_id");
    const t = segment(turnIdSchema, turnId, "turn_id");
    await this.transport.empty(
      { method: "DELETE", path: `/v2/chats/${c}/turns/${t}`, idempotent: true },
      options,
    );
  }
}
