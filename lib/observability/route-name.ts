/**
 * A request's path as a route name for logs and metrics: the pathname only (never the
 * query string), with every id collapsed to `:id` (`/chat/cht_7f3c` → `/chat/:id`,
 * `/api/chats/cht_1/turns/trn_3/stop` → `/api/chats/:id/turns/:id/stop`), so that names
 * are few and say nothing about a visitor. A path outside Parley's own top-level folders
 * (a scanner's `/wp-login.php`) is `/:other`, which keeps the metrics' labels bounded.
 */
export function routeName(url: string | undefined): string {
  const path = (url ?? "/").split(/[?#]/, 1)[0] ?? "/";
  if (!path.startsWith("/") || path === "/") return "/";
  const segments = path.slice(1).split("/");
  const root = segments[0] ?? "";
  if (root === "_next")
    return segments[1] === "static" ? "/_next/static/*" : `/_next/${word(segments[1] ?? "")}`;
  if (!ROOTS.has(root)) return "/:other";
  const out: string[] = [];
  for (let i = 0; i < segments.length && out.length < 12; i++) {
    const segment = segments[i] ?? "";
    const before = out.length > 0 ? segments[i - 1] : undefined;
    if (before !== undefined && CATCH_ALL.has(`${out.join("/")}`)) {
      out.push(":id");
      break;
    }
    out.push(before !== undefined && COLLECTIONS.has(before) ? ":id" : word(segment));
  }
  return `/${out.join("/")}`;
}

/** The top-level folders Parley serves (app/, public/ and Next's own). */
const ROOTS = new Set([
  "api",
  "chat",
  "articles",
  "agent",
  "admin",
  "login",
  "v2",
  "oauth",
  "oauth2",
  "favicon.ico",
  "icon.svg",
  "robots.txt",
]);

/** A segment after one of these names one of its items. */
const COLLECTIONS = new Set([
  "chat",
  "chats",
  "turns",
  "corpora",
  "documents",
  "users",
  "jobs",
  "api_keys",
  "app_clients",
  "query_history",
  "llms",
  "encoders",
  "rerankers",
  "generation_presets",
  "table_extractors",
]);

/** Routes whose id is the whole rest of the path (`[...id]`). */
const CATCH_ALL = new Set(["articles", "api/admin/documents"]);

/** A segment kept as it is only when it reads as a word of a route; an id otherwise. */
function word(segment: string): string {
  return /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/.test(segment) &&
    segment.length <= 40 &&
    !/\d{2,}/.test(segment)
    ? segment
    : ":id";
}
