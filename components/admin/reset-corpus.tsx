"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useState } from "react";
import { adminKeys } from "@/components/query-keys";
import { Button, focusRing } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { ActionResult } from "./action-result";
import { type AdminActionState, idleState } from "./action-state";

/** Deletes every document of the corpus, once the admin has typed its key. */
export function ResetCorpus({
  corpusKey,
  action,
}: {
  corpusKey: string;
  action: (state: AdminActionState, form: FormData) => Promise<AdminActionState>;
}) {
  const [state, formAction, pending] = useActionState(action, idleState);
  const [typed, setTyped] = useState("");
  const queryClient = useQueryClient();

  useEffect(() => {
    if (state.status !== "success") return;
    setTyped("");
    void queryClient.invalidateQueries({ queryKey: adminKeys.documents() });
  }, [state, queryClient]);

  return (
    <section
      aria-labelledby="reset-heading"
      className="rounded-xl border border-danger/40 bg-surface p-4 sm:p-5"
    >
      <h2 id="reset-heading" className="font-semibold text-base text-danger">
        Reset the corpus
      </h2>
      <p className="mt-1 text-muted text-sm">
        Deletes every document in <code className="font-mono text-foreground">{corpusKey}</code>.
        The corpus and its settings stay. The chatbot will have nothing to answer from until
        documents are added again. This cannot be undone.
      </p>
      <form action={formAction} className="mt-3 flex flex-wrap items-end gap-2">
        <Field
          id="reset-confirmation"
          label={
            <>
              Type <code className="font-mono">{corpusKey}</code> to confirm
            </>
          }
          className="min-w-0 flex-1"
        >
          {(control) => (
            <input
              {...control}
              name="confirmation"
              data-testid="reset-confirmation"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              className={`rounded-md border border-border bg-background px-3 py-1.5 font-mono text-sm ${focusRing}`}
            />
          )}
        </Field>
        <Button
          type="submit"
          data-testid="reset-corpus"
          disabled={pending || typed.trim() !== corpusKey}
          variant="danger"
        >
          {pending ? "Resetting…" : "Delete all documents"}
        </Button>
      </form>
      <ActionResult state={state} successTestId="reset-result" />
    </section>
  );
}
