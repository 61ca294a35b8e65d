export default function HomePage() {
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

      <section
        aria-labelledby="status-heading"
        className="mt-10 rounded-xl border border-border bg-surface p-5 shadow-sm sm:p-6"
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
