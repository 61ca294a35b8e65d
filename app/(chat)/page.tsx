import { type ExampleQuestion, ExamplesFileError, listExampleQuestions } from "@/lib/chat/examples";

export const dynamic = "force-dynamic";

/** A broken or missing examples file hides the examples; it never breaks the page. */
async function loadExamples(): Promise<ExampleQuestion[]> {
  try {
    return await listExampleQuestions();
  } catch (error) {
    if (!(error instanceof ExamplesFileError)) throw error;
    console.warn(`Parley: ${error.message}`);
    return [];
  }
}

export default async function HomePage() {
  const examples = await loadExamples();
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-1 flex-col px-5 py-10 sm:px-8 sm:py-16 md:justify-center">
      <p className="font-medium text-brand text-sm">Support, answered</p>
      <h1 className="mt-2 text-balance font-semibold text-3xl tracking-tight sm:text-4xl">
        How can we help?
      </h1>
      <p className="mt-4 text-pretty text-base text-muted leading-relaxed sm:text-lg">
        Parley answers your questions from the support knowledge base and shows the articles each
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
            className="font-semibold text-muted text-xs uppercase tracking-wide"
          >
            Questions the knowledge base answers
          </h2>
          {/* Plain text until the chat composer lands: nothing here looks clickable. */}
          <ul className="mt-3 grid list-disc gap-x-8 gap-y-1.5 pl-5 text-sm marker:text-brand sm:grid-cols-2">
            {examples.map((example) => (
              <li key={example.question} data-testid="example-question">
                {example.question}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section
        aria-labelledby="status-heading"
        className="mt-8 rounded-xl border border-border bg-surface p-5 shadow-sm sm:p-6"
      >
        <h2 id="status-heading" className="font-semibold text-sm">
          Chat is on its way
        </h2>
        <p className="mt-2 text-muted text-sm leading-relaxed">
          This is Parley&rsquo;s foundation. Asking questions, and the history of your
          conversations, arrive with the chat interface in an upcoming release.
        </p>
      </section>
    </div>
  );
}
