import type { ChatMessage } from "@/lib/chat/messages";

export function UserMessage({ message }: { message: ChatMessage }) {
  const text = message.parts
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("\n");
  return (
    <div data-testid="message-user" className="flex justify-end">
      <p className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-md bg-brand px-4 py-2.5 text-brand-foreground leading-relaxed shadow-sm">
        {text}
      </p>
    </div>
  );
}
