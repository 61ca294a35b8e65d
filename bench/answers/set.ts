import { z } from "zod";

/**
 * An evaluation set on documentation this project did not write: questions in
 * customers' words with their gold pages and gold answer sentences, and two-turn
 * conversations whose second turn leaves something out. `split` keeps half aside:
 * "dev" questions may be looked at while tuning, "heldout" ones only at the end.
 */
const split = z.enum(["dev", "heldout"]);

export const questionSchema = z.object({
  id: z.string().min(1),
  split,
  question: z.string().min(1),
  /** Document ids (paths relative to `root`) that answer it; any one counts. */
  gold_pages: z.array(z.string().min(1)).min(1),
  /** Sentences, verbatim from a gold page, that answer it. */
  gold_sentences: z.array(z.string().min(1)).min(1),
  /** What makes it hard: paraphrase, typo, synonym, first-person, terse, long, … */
  kind: z.array(z.string()).default([]),
});

export const conversationSchema = z.object({
  id: z.string().min(1),
  split,
  turns: z.tuple([z.string().min(1), z.string().min(1)]),
  /** Gold pages of the first turn. */
  first_gold_pages: z.array(z.string().min(1)).min(1),
  /** Gold pages and sentences of the second turn (the follow-up). */
  gold_pages: z.array(z.string().min(1)).min(1),
  gold_sentences: z.array(z.string().min(1)).min(1),
});

export const questionFileSchema = z.object({
  /** What the documents are, and how to install them. */
  corpus: z.string(),
  /** The folder ingested; document ids are paths relative to it. */
  root: z.string(),
  questions: z.array(questionSchema),
  conversations: z.array(conversationSchema),
});

export type Question = z.infer<typeof questionSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
export type QuestionFile = z.infer<typeof questionFileSchema>;
