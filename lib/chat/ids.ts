import { z } from "zod";

/** Vectara's chat and turn ids as Parley accepts them from browsers: bounded and URL-safe. */
export const chatIdSchema = z
  .string()
  .regex(/^cht_[A-Za-z0-9_-]{1,100}$/, "a chat id looks like cht_…");
export const turnIdSchema = z
  .string()
  .regex(/^trn_[A-Za-z0-9_-]{1,100}$/, "a turn id looks like trn_…");

/** The path segments of `…/chats/[chatId]` and `…/chats/[chatId]/turns/[turnId]` routes. */
export const chatParamsSchema = z.object({ chatId: chatIdSchema });
export const turnParamsSchema = z.object({ chatId: chatIdSchema, turnId: turnIdSchema });
