const KB = 1024;

/** "12.3 KB"; "—" when unknown. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "—";
  if (bytes < KB) return `${bytes} B`;
  if (bytes < KB * KB) return `${(bytes / KB).toFixed(1)} KB`;
  return `${(bytes / KB / KB).toFixed(1)} MB`;
}

export const formatCount = (n: number): string => new Intl.NumberFormat("en-US").format(n);

// A fixed locale and time zone: the server and the browser must print the same text.
const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** A timestamp in ms (or, if it is too small to be ms, in seconds) as "4 May 2026". */
export function formatTimestamp(value: number): string {
  const ms = value < 1e12 ? value * 1000 : value;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "—" : dateFormat.format(date);
}

const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

/** An ISO 8601 time as "4 Dec 2026, 18:55 UTC"; undefined when it is not a time. */
export function formatDateTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : `${dateTimeFormat.format(date)} UTC`;
}
