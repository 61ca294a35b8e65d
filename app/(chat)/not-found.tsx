import Link from "next/link";

export default function ChatNotFound() {
  return (
    <div
      data-testid="chat-not-found"
      className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center px-6 py-16"
    >
      <p className="font-medium text-brand text-sm">404</p>
      <h1 className="mt-2 font-semibold text-2xl tracking-tight">Conversation not found</h1>
      <p className="mt-3 text-muted leading-relaxed">
        This conversation does not exist, was deleted, or belongs to someone else. Conversations are
        tied to the browser they were started in.
      </p>
      <Link
        href="/"
        className="mt-6 inline-flex w-fit items-center rounded-lg bg-brand px-4 py-2 font-medium text-brand-foreground text-sm shadow-sm outline-none hover:opacity-90 focus-visible:ring-2 focus-visible:ring-brand focus-visible:ring-offset-2"
      >
        Start a new conversation
      </Link>
    </div>
  );
}
