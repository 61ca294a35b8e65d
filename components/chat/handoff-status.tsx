"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useRef, useState } from "react";
import { chatKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import type { HandoffState, HandoffStatus } from "@/lib/chat/handoff-schema";
import type { ChatMessage } from "@/lib/chat/messages";
import { fetchHandoff } from "./api";

// The dialog (its form, validation and confirmation) is fetched when first opened, off the
// home page's first load (bench:ui).
const HandoffDialog = dynamic(() => import("./handoff-dialog").then((m) => m.HandoffDialog), {
  ssr: false,
});

/**
 * The conversation's way to a person: a "Talk to a person" button once the chat exists
 * (on `/`, once the first answer has named it), and after a request its state as a
 * status line, refetched on focus and every half minute while someone is on it.
 */

const REFRESH_MS = 30_000;

/** The chat's handoff state, shared by the status line and the offers under answers. */
export function useHandoffStatus(chatId: string | undefined) {
  return useQuery({
    queryKey: chatKeys.handoff(chatId ?? ""),
    queryFn: () => fetchHandoff(chatId as string),
    enabled: Boolean(chatId),
    refetchOnWindowFocus: true,
    refetchInterval: (query) => {
      const state = query.state.data?.handoff?.state;
      return state === "open" || state === "contacted" ? REFRESH_MS : false;
    },
    // A failed read leaves the button in place: asking works even if reading did not.
    retry: 1,
  });
}

/** Whether the visitor has a request a person is (or will be) handling. */
export const isActive = (h: HandoffStatus | null | undefined) =>
  h?.state === "open" || h?.state === "contacted";

const STATE_TEXT: Record<HandoffState, { label: string; text: string }> = {
  open: {
    label: "Requested",
    text: "You asked to talk to a person. Our support team will email you.",
  },
  contacted: {
    label: "Contacted",
    text: "Our support team has contacted you by email.",
  },
  closed: { label: "Closed", text: "Your request for a person is closed." },
};

/** The chat named by the thread's latest answer (its stream's chat info, or its stored metadata). */
function chatIdOf(messages: ChatMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== "assistant") continue;
    const id =
      m.parts.findLast((p) => p.type === "data-chat-info")?.data.chatId ?? m.metadata?.chatId;
    if (id) return id;
  }
  return undefined;
}

/** Under the thread, above the composer: the button, or the request's state. */
export function HandoffBar({ messages }: { messages: ChatMessage[] }) {
  const chatId = chatIdOf(messages);
  const { data } = useHandoffStatus(chatId);
  const dialog = useHandoffDialog(chatId);
  if (!chatId) return null;
  const handoff = data?.handoff ?? null;
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-wrap items-center justify-end gap-x-3 gap-y-1 px-4 pb-1 sm:px-6">
      {handoff && <HandoffStatusLine handoff={handoff} />}
      {!isActive(handoff) && (
        <TalkToPersonButton testId="handoff-open" variant="ghost" onOpen={dialog.open} />
      )}
      {dialog.element}
    </div>
  );
}

function HandoffStatusLine({ handoff }: { handoff: HandoffStatus }) {
  const { label, text } = STATE_TEXT[handoff.state];
  return (
    <p
      role="status"
      // Focus lands here when the dialog that created the request closes.
      tabIndex={-1}
      data-testid="handoff-status"
      data-state={handoff.state}
      className="mr-auto flex min-w-0 items-center gap-2 rounded text-muted text-xs outline-none"
    >
      <span
        className={`shrink-0 rounded-full px-2 py-0.5 font-medium ${
          handoff.state === "closed" ? "bg-surface-muted text-muted" : "bg-brand-soft text-brand"
        }`}
      >
        {label}
      </span>
      <span className="min-w-0">{text}</span>
    </p>
  );
}

/**
 * The dialog's open state, kept apart from the button that opens it: once the request is
 * sent the button goes (a request is active) while the dialog still shows its
 * confirmation. Closing returns focus to the button, or, gone, to the status line.
 */
function useHandoffDialog(chatId: string | undefined) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLElement | null>(null);
  const close = () => {
    setOpen(false);
    // After the modal is gone: while it is shown, the page behind it is inert.
    setTimeout(() => {
      const back = opener.current;
      if (back?.isConnected) back.focus();
      else document.querySelector<HTMLElement>("[data-testid=handoff-status]")?.focus();
    }, 0);
  };
  return {
    open: (from: HTMLElement) => {
      opener.current = from;
      setOpen(true);
    },
    element: open && chatId ? <HandoffDialog chatId={chatId} onClose={close} /> : null,
  };
}

function TalkToPersonButton({
  testId,
  variant = "outline",
  onOpen,
}: {
  testId: string;
  variant?: "ghost" | "outline";
  onOpen: (from: HTMLElement) => void;
}) {
  return (
    <Button variant={variant} data-testid={testId} onClick={(e) => onOpen(e.currentTarget)}>
      <PersonIcon />
      Talk to a person
    </Button>
  );
}

/**
 * Under an answer that found nothing or scored low: the offer to reach a person, unless
 * the visitor already has a request open (the status line says so).
 */
export function HandoffOffer({ chatId, reason }: { chatId: string; reason: "none" | "low" }) {
  const { data } = useHandoffStatus(chatId);
  const dialog = useHandoffDialog(chatId);
  return (
    <>
      {!isActive(data?.handoff) && (
        <div
          data-testid="handoff-offer"
          data-reason={reason}
          className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-border bg-surface-muted/60 px-3 py-2 text-sm"
        >
          <span className="text-muted">
            {reason === "none"
              ? "Didn't find what you need? A person from our support team can help."
              : "Not sure about this answer? A person from our support team can check it."}
          </span>
          <TalkToPersonButton testId="handoff-offer-open" onOpen={dialog.open} />
        </div>
      )}
      {dialog.element}
    </>
  );
}

function PersonIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      className="size-3.5"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21a8 8 0 0 1 16 0" />
    </svg>
  );
}
