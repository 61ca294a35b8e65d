export function ConversationsSidebar() {
  return (
    <aside
      data-testid="sidebar"
      aria-labelledby="conversations-heading"
      className="hidden w-72 shrink-0 flex-col border-border border-r bg-surface-muted md:flex"
    >
      <h2
        id="conversations-heading"
        className="px-5 pt-5 pb-3 font-semibold text-muted text-xs uppercase tracking-wider"
      >
        Conversations
      </h2>
      <div className="mx-3 rounded-lg border border-border border-dashed px-4 py-5 text-sm">
        <p className="font-medium">No conversations yet</p>
        <p className="mt-1 text-muted leading-relaxed">
          Your conversation history will be listed here. It arrives together with chat, which is not
          built yet.
        </p>
      </div>
    </aside>
  );
}
