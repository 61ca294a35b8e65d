import type { CorpusOverview } from "@/lib/admin/corpus";
import { formatCount } from "./format";

/** The configured corpus at a glance: what it is, how big it is, what it can filter on. */
export function CorpusOverviewCard({ overview }: { overview: CorpusOverview }) {
  const stats = [
    { label: "Documents", value: overview.size.usedDocs, testId: "corpus-docs" },
    { label: "Parts", value: overview.size.usedParts, testId: "corpus-parts" },
    { label: "Characters", value: overview.size.usedCharacters, testId: "corpus-characters" },
    {
      label: "Metadata characters",
      value: overview.size.usedMetadataCharacters,
      testId: "corpus-metadata-characters",
    },
  ];
  return (
    <section
      data-testid="corpus-overview"
      aria-labelledby="corpus-heading"
      className="rounded-xl border border-border bg-surface p-4 sm:p-5"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id="corpus-heading" className="font-semibold text-base">
          {overview.name ?? overview.key}
        </h2>
        <code data-testid="corpus-key" className="font-mono text-muted text-xs">
          {overview.key}
        </code>
      </div>
      {overview.description && <p className="mt-1 text-muted text-sm">{overview.description}</p>}
      {!overview.enabled && (
        <p className="mt-2 inline-block rounded-full bg-warning-soft px-2 py-0.5 text-warning-foreground text-xs">
          Disabled
        </p>
      )}

      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {stats.map((s) => (
          <div key={s.label} className="rounded-lg bg-surface-muted px-3 py-2">
            <dt className="text-muted text-xs">{s.label}</dt>
            <dd data-testid={s.testId} className="mt-0.5 font-semibold text-lg tabular-nums">
              {formatCount(s.value)}
            </dd>
          </div>
        ))}
      </dl>

      <h3 className="mt-4 font-medium text-muted text-xs uppercase tracking-wider">
        Filter attributes
      </h3>
      {overview.filterAttributes.length ? (
        <ul className="mt-2 flex flex-wrap gap-1.5">
          {overview.filterAttributes.map((a) => (
            <li
              key={`${a.level ?? ""}:${a.name}`}
              className="rounded-md border border-border px-2 py-0.5 font-mono text-xs"
              title={a.description}
            >
              {a.level === "part" ? "part" : "doc"}.{a.name}
              <span className="text-muted">
                {a.type ? ` : ${a.type}` : ""}
                {a.indexed === false ? " (not indexed)" : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-muted text-sm">None: documents cannot be filtered by metadata.</p>
      )}
    </section>
  );
}
