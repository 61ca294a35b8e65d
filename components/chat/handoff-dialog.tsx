"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { chatKeys } from "@/components/query-keys";
import { Alert } from "@/components/ui/alert";
import { Button, focusRing } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import {
  HANDOFF_MESSAGE_MAX,
  type HandoffRequest,
  handoffRequestSchema,
} from "@/lib/chat/handoff-schema";
import { AppError } from "@/lib/http/errors";
import { postHandoff } from "./api";

type FieldErrors = Partial<Record<keyof HandoffRequest, string>>;

const inputClass = `w-full rounded-md border border-border bg-background px-3 py-2 text-base sm:text-sm aria-invalid:border-danger ${focusRing}`;

/**
 * "Talk to a person": the visitor's email and a short message, checked here with the
 * route's own schema, then sent. A native modal <dialog> gives the focus trap, the inert
 * page and Escape; on success it says where the team will write, and the conversation's
 * status line (`HandoffStatusLine`) shows the request from then on.
 */
export function HandoffDialog({ chatId, onClose }: { chatId: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const ids = { title: useId(), email: useId(), message: useId(), done: useId() };
  const [values, setValues] = useState<HandoffRequest>({ email: "", message: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const queryClient = useQueryClient();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const send = useMutation({
    mutationFn: (request: HandoffRequest) => postHandoff(chatId, request),
    onSuccess: (body, request) => {
      queryClient.setQueryData(chatKeys.handoff(chatId), body);
      setSentTo(request.email);
    },
  });

  // The confirmation replaces the form: focus moves to its one button, so a screen
  // reader reads the dialog's new text and Enter closes it.
  useEffect(() => {
    if (sentTo) ref.current?.querySelector<HTMLElement>("[data-testid=handoff-done]")?.focus();
  }, [sentTo]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = handoffRequestSchema.safeParse(values);
    if (!parsed.success) {
      const next: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as keyof HandoffRequest;
        next[key] ??= issue.message;
      }
      setErrors(next);
      // The first field in error takes the focus, so its message is read.
      const first = next.email ? ids.email : ids.message;
      document.getElementById(first)?.focus();
      return;
    }
    setErrors({});
    send.mutate(parsed.data);
  }

  return (
    <dialog
      ref={ref}
      data-testid="handoff-dialog"
      aria-labelledby={ids.title}
      onCancel={(event) => {
        event.preventDefault();
        if (!send.isPending) onClose();
      }}
      className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-2xl border border-border bg-surface p-6 text-foreground shadow-2xl backdrop:bg-black/40"
    >
      <h2 id={ids.title} className="font-semibold text-lg">
        {sentTo ? "A person will get back to you" : "Talk to a person"}
      </h2>
      {sentTo ? (
        <div data-testid="handoff-confirmation">
          <p className="mt-2 text-sm leading-relaxed">
            Thanks. Our support team has your request and will email you at{" "}
            <strong data-testid="handoff-confirmation-email" className="break-words">
              {sentTo}
            </strong>
            . You can follow its state in this conversation.
          </p>
          <div className="mt-6 flex justify-end">
            <Button variant="primary" data-testid="handoff-done" onClick={onClose}>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <form noValidate onSubmit={submit} className="mt-2 grid gap-4">
          <p className="text-muted text-sm leading-relaxed">
            Leave your email and a few words about what you need. Someone from our support team will
            read this conversation and write to you. Only the support team sees your email.
          </p>
          <Field id={ids.email} label="Your email" error={errors.email}>
            {(control) => (
              <input
                {...control}
                data-testid="handoff-email"
                type="email"
                name="email"
                autoComplete="email"
                inputMode="email"
                autoFocus
                value={values.email}
                onChange={(e) => setValues((v) => ({ ...v, email: e.target.value }))}
                className={inputClass}
              />
            )}
          </Field>
          <Field
            id={ids.message}
            label="How can we help?"
            hint={`${values.message.length}/${HANDOFF_MESSAGE_MAX} characters`}
            error={errors.message}
          >
            {(control) => (
              <textarea
                {...control}
                data-testid="handoff-message"
                name="message"
                rows={4}
                maxLength={HANDOFF_MESSAGE_MAX}
                value={values.message}
                onChange={(e) => setValues((v) => ({ ...v, message: e.target.value }))}
                className={`${inputClass} resize-y`}
              />
            )}
          </Field>
          {send.isError && (
            <Alert data-testid="handoff-send-error" size="sm">
              {send.error instanceof AppError
                ? send.error.message
                : "Your request could not be sent. Try again."}
            </Alert>
          )}
          <div className="flex justify-end gap-2">
            <Button onClick={onClose} disabled={send.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
              variant="primary"
              data-testid="handoff-submit"
              disabled={send.isPending}
            >
              {send.isPending ? "Sending…" : "Ask for a person"}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
