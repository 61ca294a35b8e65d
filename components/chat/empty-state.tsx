export function EmptyState({
  examples,
  onAsk,
}: {
  examples: string[];
  onAsk: (question: string) => void;
}) {
  return (
    <div data-testid="empty-state" className="py-6 sm:py-12">
      <p className="font-medium text-brand text-sm">Support, answered</p>
      <h1 className="mt-2 text-balance font-semibold text-3xl tracking-tight sm:text-4xl">
        How can we help?
      </h1>
      <p className="mt-4 max-w-xl text-pretty text-base text-muted leading-relaxed">
        Ask a question and Parley answers from the support knowledge base, with the articles each
        answer came from, so you can check it and read further.
      </p>
      {examples.length > 0 && (
        <section
          aria-labelledby="examples-heading"
          className="mt-8"
          data-testid="example-questions"
        >
          <h2
            id="examples-heading"
            className="font-semibold text-muted text-xs uppercase tracking-wider"
          >
            Try asking
          </h2>
          <ul className="mt-3 grid gap-2 sm:grid-cols-2">
            {examples.map((question) => (
              <li key={question}>
                <button
                  type="button"
                  data-testid="example-question"
                  onClick={() => onAsk(question)}
                  className="h-full w-full rounded-xl border border-border bg-surface px-4 py-3 text-left text-sm leading-snug shadow-sm outline-none transition-colors hover:border-brand/50 hover:bg-brand-soft focus-visible:ring-2 focus-visible:ring-brand"
                >
                  {question}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
