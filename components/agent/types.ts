import { z } from "zod";

export type { ChatFlag, StaffChatRow, StaffSearchSnippet } from "@/lib/staff/types";

export type SearchMode = "words" | "regex";

/**
 * The console's state in its URL (`/agent?view=all&mode=words&q=password+reset`), so Back
 * and reload keep the search. A value that does not parse falls back to its default:
 * a hand-edited link still opens the console; the API says what is wrong with a search.
 */
export const consoleSearchSchema = z.object({
  view: z.enum(["triage", "all"]).catch("triage"),
  mode: z.enum(["words", "regex"]).catch("words"),
  q: z.string().trim().max(500).catch(""),
  ids: z
    .string()
    .trim()
    .max(100 * 110)
    .catch(""),
});

export type ConsoleSearch = z.infer<typeof consoleSearchSchema>;

/** The console state read from a URL's query string (the first value of each key). */
export function readConsoleSearch(params: URLSearchParams): ConsoleSearch {
  return consoleSearchSchema.parse({
    view: params.get("view") ?? undefined,
    mode: params.get("mode") ?? undefined,
    q: params.get("q") ?? undefined,
    ids: params.get("ids") ?? undefined,
  });
}

/** The query string for a console state; defaults are left out. */
export function consoleSearchQuery(state: ConsoleSearch): string {
  const params = new URLSearchParams();
  if (state.view !== "triage") params.set("view", state.view);
  if (state.mode !== "words") params.set("mode", state.mode);
  if (state.q) params.set("q", state.q);
  if (state.ids) params.set("ids", state.ids);
  const query = params.toString();
  return query ? `?${query}` : "";
}
