"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { staffKeys } from "@/components/query-keys";
import { postNote } from "@/components/staff/api";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { AppError } from "@/lib/http/errors";
import { formatDateTime, isoOf } from "./format";
import type { TranscriptNote } from "./types";

const MAX_NOTE = 4000;

/** The staff's thread about a conversation, oldest first; a new note appears once saved. */
export function NotesPanel({
  chatId,
  initialNotes,
}: {
  chatId: string;
  initialNotes: TranscriptNote[];
}) {
  const [notes, setNotes] = useState(initialNotes);
  const [draft, setDraft] = useState("");
  const inputId = useId();
  const queryClient = useQueryClient();
  const add = useMutation({
    mutationFn: (body: string) => postNote(chatId, body),
    onSuccess: (note) => {
      setNotes((prev) => [...prev, note]);
      setDraft("");
      void queryClient.invalidateQueries({ queryKey: staffKeys.all });
    },
  });
  const body = draft.trim();
  const canSubmit = body.length > 0 && body.length <= MAX_NOTE && !add.isPending;
  const submit = () => {
    if (canSubmit) add.mutate(body);
  };

  return (
    <div className="grid gap-3 text-sm">
      {notes.length === 0 ? (
        <p className="text-muted">No notes yet.</p>
      ) : (
        <ol data-testid="notes" className="grid gap-2">
          {notes.map((note) => (
            <li
              key={note.noteId}
              data-testid="note"
              className="rounded-lg border border-border bg-surface-muted px-3 py-2"
            >
              <p className="flex flex-wrap items-baseline justify-between gap-x-2 text-muted text-xs">
                <span className="truncate font-medium text-foreground">{note.authorEmail}</span>
                <time dateTime={isoOf(note.createdAt)}>{formatDateTime(note.createdAt)}</time>
              </p>
              <p className="mt-1 whitespace-pre-wrap break-words leading-relaxed">{note.body}</p>
            </li>
          ))}
        </ol>
      )}

      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
        className="grid gap-2"
      >
        <label htmlFor={inputId} className="sr-only">
          New internal note
        </label>
        <textarea
          id={inputId}
          data-testid="note-input"
          rows={3}
          maxLength={MAX_NOTE}
          value={draft}
          placeholder="Add a note for other staff…"
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
              event.preventDefault();
              submit();
            }
          }}
          className="block w-full resize-y rounded-lg border border-border bg-background px-3 py-2 text-sm outline-none placeholder:text-muted focus-visible:border-brand focus-visible:ring-2 focus-visible:ring-brand/40"
        />
        {add.isError && (
          <Alert data-testid="note-error" size="xs">
            {add.error instanceof AppError
              ? add.error.message
              : "The note could not be saved. Try again."}
          </Alert>
        )}
        <div className="flex items-center justify-between gap-2">
          <span className="text-muted text-xs">Ctrl+Enter to add</span>
          <Button type="submit" variant="primary" data-testid="add-note" disabled={!canSubmit}>
            {add.isPending ? "Adding…" : "Add note"}
          </Button>
        </div>
      </form>
    </div>
  );
}
