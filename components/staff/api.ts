import type { ReviewStatus, TranscriptNote } from "@/components/agent/transcript/types";
import type { SearchMode, StaffChatRow } from "@/components/agent/types";
import { ensureOk, getJson, readJson } from "@/components/api-response";
import type { AdminDocumentPage, UploadResult } from "@/lib/admin/corpus";
import type { DocumentSort } from "@/lib/admin/document-sort";
import { AppError } from "@/lib/http/errors";
import type { StaffHandoff } from "@/lib/staff/types";

/**
 * Every request the staff console makes from the browser: the agent's conversations and
 * transcript (`/api/agent/...`) and the admin's corpus (`/api/admin/...`). Failures
 * rebuild the server's AppError (`components/api-response.ts`).
 */

// --- Agent: the conversations console ---

export type StaffChatPage = { rows: StaffChatRow[]; nextPageKey: string | null };

export function fetchTriage(): Promise<{ rows: StaffChatRow[] }> {
  return getJson("/api/agent/triage");
}

/** One page of every conversation, searched by words (`q`) or by regex (`filter`). */
export function fetchChats(
  mode: SearchMode,
  q: string,
  ids: string,
  pageKey: string | null,
): Promise<StaffChatPage> {
  const params = new URLSearchParams();
  if (q) params.set(mode === "words" ? "q" : "filter", q);
  const chatIds = ids
    .split(/[\s,]+/)
    .filter(Boolean)
    .join(",");
  if (chatIds) params.set("chat_ids", chatIds);
  if (pageKey) params.set("page_key", pageKey);
  return getJson(`/api/agent/chats?${params}`);
}

// --- Agent: one transcript ---

const chatBase = (chatId: string) => `/api/agent/chats/${encodeURIComponent(chatId)}`;

/** A JSON write; a network failure is the same AppError as an unreadable answer. */
async function send(url: string, method: "POST" | "PUT", body: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw AppError.fromResponseText("");
  }
  return ensureOk(response);
}

export async function putReview(
  chatId: string,
  review: { status: ReviewStatus; assigneeId: string | null },
): Promise<void> {
  await send(`${chatBase(chatId)}/review`, "PUT", review);
}

export async function postNote(chatId: string, body: string): Promise<TranscriptNote> {
  return readJson(await send(`${chatBase(chatId)}/notes`, "POST", { body }));
}

export async function postDisableTurn(
  chatId: string,
  turnId: string,
  reason: string,
): Promise<{ disabled: string[] }> {
  return readJson(
    await send(`${chatBase(chatId)}/turns/${encodeURIComponent(turnId)}/disable`, "POST", {
      reason,
    }),
  );
}

/** Sets the state of the visitor's request for a person; the answer is the handoff. */
export async function putHandoffState(
  chatId: string,
  state: StaffHandoff["state"],
): Promise<StaffHandoff> {
  return readJson(await send(`${chatBase(chatId)}/handoff`, "PUT", { state }));
}

/** A download link, not a request: the browser saves the file. */
export function exportUrl(chatId: string, format: "json" | "md"): string {
  return `${chatBase(chatId)}/export?format=${format}`;
}

// --- Admin: the corpus ---

export function fetchDocuments(
  filter: string,
  sort: DocumentSort,
  pageKey: string | null,
): Promise<AdminDocumentPage> {
  const params = new URLSearchParams();
  if (filter) params.set("filter", filter);
  params.set("sort", sort);
  if (pageKey) params.set("page_key", pageKey);
  const query = params.toString();
  return getJson(`/api/admin/documents${query ? `?${query}` : ""}`);
}

export async function deleteDocument(documentId: string): Promise<void> {
  // Ids hold `/`: encoded, the whole id stays one path segment. Already gone is done.
  await ensureOk(
    await fetch(`/api/admin/documents/${encodeURIComponent(documentId)}`, { method: "DELETE" }),
    [404],
  );
}

/** Sends one file as its own request, reporting upload progress (which fetch cannot). */
export function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/admin/upload");
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as UploadResult);
        } catch {
          reject(new Error("The server's answer could not be read."));
        }
        return;
      }
      reject(AppError.fromResponseText(xhr.responseText));
    };
    xhr.onerror = () => reject(new Error("The upload failed: the server could not be reached."));
    xhr.onabort = () => reject(new Error("The upload was cancelled."));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
