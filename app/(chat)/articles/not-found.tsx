import Link from "next/link";

export default function ArticleNotFound() {
  return (
    <div
      data-testid="article-not-found"
      className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center px-6 py-16"
    >
      <p className="font-medium text-brand text-sm">404</p>
      <h1 className="mt-2 font-semibold text-2xl tracking-tight">Article not found</h1>
      <p className="mt-3 text-muted leading-relaxed">
        The knowledge base has no article at this address. It may have been removed or renamed since
        the answer that linked to it was written.
      </p>
      <Link
        href="/"
        className="mt-6 inline-flex w-fit items-center rounded-lg bg-brand px-4 py-2 font-medium text-brand-foreground text-sm shadow-sm outline-none hover:opacity-90 focus-visible:ring-2 focus-visible:ring-brand focus-visible:ring-offset-2"
      >
        Ask a question
      </Link>
    </div>
  );
}
