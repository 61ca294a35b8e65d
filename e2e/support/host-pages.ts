import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import path from "node:path";

/**
 * Host pages for the widget specs: a small web site of its own, on `localhost`, that loads
 * Parley's /widget.js with one script tag. Parley runs on 127.0.0.1, so the host is another
 * origin AND another site (as a customer's site would be), which is what third-party frames,
 * frame-ancestors and partitioned cookies are about.
 *
 * The shared e2e server allows ALLOWED_HOST_PORT's origin (WIDGET_ALLOWED_ORIGINS in
 * playwright.config.ts); REFUSED_HOST_PORT's is on no list.
 *
 * Pages (paths), each taking the widget's data attributes and a theme from the query
 * (`url(name, options)` writes it):
 * - `plain`: an ordinary product page. Its "Contact support" and "Ask about refunds" buttons
 *   use the host API (window.postMessage to itself), and it lists every message Parley's
 *   origin posts to it (the "answer" events) in `[data-testid=host-events]`, one JSON each.
 * - `aggressive`: global CSS that would hide or break any ordinary widget, and a host script
 *   that snapshots its own globals, styles, storage and DOM before the widget loads;
 *   `window.hostCheck()` reports what changed since (see HostCheck).
 * - `strict-csp`: a Content-Security-Policy with no inline styles but nonce'd ones, only
 *   nonce'd or Parley's scripts, frames from Parley only and Trusted Types required; CSP
 *   violations are listed in `[data-testid=csp-violations]`.
 * - `twice`: the script tag twice (one in <head>, one at the end of <body>).
 * - `no-storage`: `plain`, but loading Parley as http://parley.test:<port>
 *   (INSECURE_PARLEY_HOST).
 * - `frame-sender`: embeds `child` from 127.0.0.1 (another origin); the child's "Post to
 *   parent" button posts {parley:"open"} and {parley:"ask"} to the host window, which lists
 *   what it received from the child in `[data-testid=child-messages]`.
 * - `stand-in`: the plain page, but its widget.js (public/widget.js, the same file) comes
 *   from this server's 127.0.0.1 origin, so the widget's frame is `stand-in-embed` below:
 *   a stand-in for Parley's /embed that checks the widget's side of the protocol alone.
 *   It starts listening only STAND_IN_LISTENS_AFTER_MS after it loads (as a page still
 *   hydrating), never says ready unasked, lists every message it receives in
 *   `[data-testid=received]` (one JSON each) and has a "Post close" button.
 */

export const ALLOWED_HOST_PORT = 3250;
/**
 * The `no-storage` page loads Parley from this name rather than 127.0.0.1: a browser told to
 * resolve it to 127.0.0.1 (`--host-resolver-rules`) reaches the same server over plain http
 * on a name that is not localhost, where it refuses the frame's Secure cookie. The widget
 * must then work with no storage at all.
 */
export const INSECURE_PARLEY_HOST = "parley.test";
export const REFUSED_HOST_PORT = 3251;
/** How long the stand-in embed ignores messages after its load event. */
export const STAND_IN_LISTENS_AFTER_MS = 700;

export type HostPageName =
  | "plain"
  | "aggressive"
  | "strict-csp"
  | "twice"
  | "frame-sender"
  | "no-storage"
  | "stand-in";

export interface HostPageOptions {
  /** data-title / data-color / data-position, written as given (absent: no attribute). */
  title?: string;
  color?: string;
  position?: string;
  /** The host page's own colours (the widget's panel follows the visitor's system). */
  theme?: "light" | "dark";
}

/** What `window.hostCheck()` on the `aggressive` page returns. */
export interface HostCheck {
  /** Own enumerable window properties added or removed since before the widget loaded. */
  addedGlobals: string[];
  removedGlobals: string[];
  /** The host's own globals still hold their values and work. */
  globalsIntact: boolean;
  /** `selector: property` for every computed style of the host's elements that changed. */
  changedStyles: string[];
  /** Style sheets of the document (<style>, <link>, adopted) before → now. */
  styleSheets: [number, number];
  /** Tag names of <body>'s children that were not there before. */
  addedBodyChildren: string[];
  /** Attributes of <html> and <body> changed, cookies or storage written. */
  rootAttributesChanged: boolean;
  storageChanged: boolean;
}

export interface HostPages {
  /** `http://localhost:<port>` */
  origin: string;
  url(name: HostPageName, options?: HostPageOptions): string;
  close(): Promise<void>;
}

export async function startHostPages({
  port,
  parleyOrigin,
}: {
  port: number;
  /** Where /widget.js is loaded from, e.g. the shared server's `http://127.0.0.1:3217`. */
  parleyOrigin: string;
}): Promise<HostPages> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://localhost:${port}`);
    const name = url.pathname.slice(1) || "plain";
    const options = {
      title: url.searchParams.get("title") ?? undefined,
      color: url.searchParams.get("color") ?? undefined,
      position: url.searchParams.get("position") ?? undefined,
      theme: url.searchParams.get("theme") === "dark" ? ("dark" as const) : ("light" as const),
    };
    const context = { parleyOrigin, port, options };
    switch (name) {
      case "favicon.ico":
        return res.writeHead(204).end();
      case "plain":
        return sendHtml(res, plainPage(context));
      case "aggressive":
        return sendHtml(res, aggressivePage(context));
      case "twice":
        return sendHtml(res, twicePage(context));
      case "frame-sender":
        return sendHtml(res, frameSenderPage(context));
      case "child":
        return sendHtml(res, childPage());
      case "no-storage": {
        const insecure = new URL(parleyOrigin);
        insecure.hostname = INSECURE_PARLEY_HOST;
        return sendHtml(res, plainPage({ ...context, parleyOrigin: insecure.origin }));
      }
      case "stand-in": {
        const standIn = `http://127.0.0.1:${port}`;
        return sendHtml(
          res,
          plainPage({
            ...context,
            parleyOrigin: standIn,
            widgetSrc: `${standIn}/stand-in-parley/widget.js`,
          }),
        );
      }
      case "stand-in-parley/widget.js":
        // Read at each request: the file under test, as it is now.
        res.writeHead(200, {
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "no-store",
        });
        return res.end(readFileSync(path.join(process.cwd(), "public/widget.js")));
      case "embed":
        return sendHtml(res, standInEmbedPage());
      case "strict-csp": {
        const nonce = randomBytes(16).toString("base64");
        return sendHtml(res, strictCspPage(context, nonce), {
          "content-security-policy": [
            "default-src 'none'",
            `script-src 'nonce-${nonce}' ${parleyOrigin}`,
            `style-src 'nonce-${nonce}'`,
            `frame-src ${parleyOrigin}`,
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
          ].join("; "),
        });
      }
      default:
        res.writeHead(404, { "content-type": "text/plain" }).end("no such host page\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Chromium resolves `localhost` itself and falls back to 127.0.0.1 when ::1 refuses.
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const origin = `http://localhost:${port}`;
  return {
    origin,
    url(name, options = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(options)) {
        if (value !== undefined) query.set(key, value);
      }
      const search = query.size > 0 ? `?${query}` : "";
      return `${origin}/${name}${search}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- the pages ------------------------------------------------------------------------------

interface PageContext {
  parleyOrigin: string;
  /** Where the page loads widget.js from: `${parleyOrigin}/widget.js` unless given. */
  widgetSrc?: string;
  port: number;
  options: Required<Pick<HostPageOptions, "theme">> & Omit<HostPageOptions, "theme">;
}

function sendHtml(res: ServerResponse, html: string, headers: Record<string, string> = {}) {
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/** The one tag a site adds: async, with the data attributes the options name. */
function widgetTag({ parleyOrigin, widgetSrc, options }: PageContext, nonce?: string): string {
  const attributes = [
    `src="${escapeHtml(widgetSrc ?? `${parleyOrigin}/widget.js`)}"`,
    ...(["title", "color", "position"] as const)
      .filter((key) => options[key] !== undefined)
      .map((key) => `data-${key}="${escapeHtml(options[key] ?? "")}"`),
    ...(nonce ? [`nonce="${nonce}"`] : []),
    "async",
  ];
  return `<script ${attributes.join(" ")}></script>`;
}

const LIGHT = {
  bg: "#f8fafc",
  text: "#0f172a",
  muted: "#475569",
  card: "#ffffff",
  line: "#e2e8f0",
};
const DARK = { bg: "#0b1120", text: "#e2e8f0", muted: "#94a3b8", card: "#111827", line: "#1f2937" };

function siteStyles(theme: "light" | "dark"): string {
  const c = theme === "dark" ? DARK : LIGHT;
  return `
:root { color-scheme: ${theme}; }
body { margin: 0; font: 16px/1.6 Georgia, "Times New Roman", serif; background: ${c.bg}; color: ${c.text}; }
header { display: flex; align-items: center; justify-content: space-between; padding: 16px 32px; border-bottom: 1px solid ${c.line}; }
header nav a { margin-left: 20px; color: ${c.muted}; }
main { max-width: 720px; margin: 0 auto; padding: 32px; }
.card { background: ${c.card}; border: 1px solid ${c.line}; border-radius: 4px; padding: 16px 20px; margin: 16px 0; }
button { font: inherit; padding: 8px 14px; border-radius: 4px; border: 1px solid ${c.muted}; background: ${c.card}; color: ${c.text}; cursor: pointer; }
a { color: ${theme === "dark" ? "#93c5fd" : "#1d4ed8"}; }
`;
}

function siteBody(): string {
  return `
<header>
  <strong>Beacon</strong>
  <nav aria-label="Site"><a href="#pricing">Pricing</a><a href="#docs">Docs</a></nav>
</header>
<main>
  <h1>Beacon keeps your team's status in one place</h1>
  <p>Plans start at $9 a month. Every plan includes the mobile apps, single sign-on and a
    thirty-day history; the Business plan keeps it for a year.</p>
  <div class="card">
    <p>Questions about billing, accounts or the apps? Our help centre answers most of them.</p>
    <button type="button" data-testid="host-open">Contact support</button>
    <button type="button" data-testid="host-ask">Ask about refunds</button>
  </div>
  <ol data-testid="host-events" aria-label="Events from Parley"></ol>
</main>`;
}

/** The host's own use of the API: open, ask, and a list of what Parley's origin posts to it. */
function hostApiScript({ parleyOrigin }: PageContext): string {
  return `
document.querySelector("[data-testid=host-open]").addEventListener("click", () =>
  window.postMessage({ parley: "open" }, location.origin));
document.querySelector("[data-testid=host-ask]").addEventListener("click", () =>
  window.postMessage({ parley: "ask", question: "How do I get a refund?" }, location.origin));
window.addEventListener("message", (event) => {
  if (event.origin !== ${JSON.stringify(parleyOrigin)}) return;
  const item = document.createElement("li");
  item.textContent = JSON.stringify(event.data);
  document.querySelector("[data-testid=host-events]").append(item);
});`;
}

function page({
  context,
  title,
  head = "",
  body,
  nonce,
}: {
  context: PageContext;
  title: string;
  head?: string;
  body: string;
  nonce?: string;
}): string {
  const n = nonce ? ` nonce="${nonce}"` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style${n}>${siteStyles(context.options.theme)}</style>
${head}
</head>
<body>
${body}
</body>
</html>`;
}

function plainPage(context: PageContext): string {
  return page({
    context,
    title: "Beacon: a host page",
    body: `${siteBody()}
<script>${hostApiScript(context)}</script>
${widgetTag(context)}`,
  });
}

function twicePage(context: PageContext): string {
  return page({
    context,
    title: "Beacon: the widget included twice",
    head: widgetTag(context),
    body: `${siteBody()}
${widgetTag(context)}`,
  });
}

function strictCspPage(context: PageContext, nonce: string): string {
  return page({
    context,
    nonce,
    title: "Beacon: a strict CSP",
    head: `<script nonce="${nonce}">
document.addEventListener("securitypolicyviolation", (event) => {
  const item = document.createElement("li");
  item.textContent = event.violatedDirective + " " + (event.blockedURI || "inline");
  document.querySelector("[data-testid=csp-violations]").append(item);
});
</script>`,
    body: `${siteBody()}
<ol data-testid="csp-violations" aria-label="CSP violations"></ol>
<script nonce="${nonce}">${hostApiScript(context)}</script>
${widgetTag(context, nonce)}`,
  });
}

function frameSenderPage(context: PageContext): string {
  const childOrigin = `http://127.0.0.1:${context.port}`;
  return page({
    context,
    title: "Beacon: a page with a frame from another origin",
    body: `${siteBody()}
<iframe src="${childOrigin}/child" title="Partner frame" width="360" height="120"></iframe>
<ol data-testid="child-messages" aria-label="Messages from the partner frame"></ol>
<script>
window.addEventListener("message", (event) => {
  if (event.origin !== ${JSON.stringify(childOrigin)}) return;
  const item = document.createElement("li");
  item.textContent = JSON.stringify(event.data);
  document.querySelector("[data-testid=child-messages]").append(item);
});
${hostApiScript(context)}
</script>
${widgetTag(context)}`,
  });
}

/** Served from 127.0.0.1: another origin than the `localhost` host page that frames it. */
function childPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner frame</title></head>
<body>
<button type="button">Post to parent</button>
<script>
document.querySelector("button").addEventListener("click", () => {
  parent.postMessage({ parley: "open" }, "*");
  parent.postMessage({ parley: "ask", question: "Sent by another origin" }, "*");
});
</script>
</body></html>`;
}

/**
 * The stand-in for Parley's /embed (see the file's comment): what a page still hydrating
 * looks like to the widget, and a record of what the widget sent it.
 */
function standInEmbedPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stand-in embed</title></head>
<body>
<input type="text" aria-label="Question" data-testid="chat-input">
<button type="button">Post close</button>
<ol data-testid="received" aria-label="Received"></ol>
<script>
let host = null;
window.addEventListener("load", () => setTimeout(() => {
  window.addEventListener("message", (event) => {
    if (event.source !== parent) return;
    const item = document.createElement("li");
    item.textContent = JSON.stringify(event.data);
    document.querySelector("[data-testid=received]").append(item);
    if (event.data?.parley === "hello") {
      host = event.origin;
      parent.postMessage({ parley: "ready", storage: "memory" }, host);
    } else if (event.data?.parley === "focus") {
      document.querySelector("input").focus();
    }
  });
}, ${STAND_IN_LISTENS_AFTER_MS}));
document.querySelector("button").addEventListener("click", () => {
  if (host) parent.postMessage({ parley: "close" }, host);
});
</script>
</body></html>`;
}

/**
 * CSS that would hide or break an ordinary widget: everything unset, buttons, divs and
 * iframes hidden, the body's children (where a widget is appended) scaled to nothing and
 * transparent, the widget's own tag hidden by name, rem units made tiny. The host's own
 * elements are hidden too; that is the host's business.
 */
const AGGRESSIVE_CSS = `
* { all: unset !important; }
head, script, style { display: none !important; }
html { font-size: 4px !important; }
button { display: none !important; }
div, iframe, svg, dialog, [role=dialog] { display: none !important; }
body > * { transform: scale(0) !important; opacity: 0 !important; visibility: hidden !important; pointer-events: none !important; }
parley-widget { display: none !important; position: static !important; }
:focus, :focus-visible { outline: none !important; }
`;

/**
 * Defines the host's globals, then snapshots what the widget must leave alone. Runs before
 * the widget's tag is parsed (it comes later in <body>), so the snapshot predates it.
 */
const HOST_CHECK_SCRIPT = `
var hostCounter = 41;
window.hostConfig = { site: "beacon", plan: "business" };
function hostHelper() { return hostCounter + 1; }
(() => {
  const selectors = ["html", "body", "header", "h1", "main p", "a", "button", ".card"];
  const styles = () => selectors.map((selector) => {
    const computed = getComputedStyle(document.querySelector(selector));
    const out = {};
    for (let i = 0; i < computed.length; i++) out[computed[i]] = computed.getPropertyValue(computed[i]);
    return out;
  });
  const attributes = (el) => [...el.attributes].map((a) => a.name + "=" + a.value).join(" ");
  const sheets = () => document.styleSheets.length + document.adoptedStyleSheets.length;
  const storage = () => [document.cookie, localStorage.length, sessionStorage.length].join("|");
  window.hostCheck = () => {
    const keys = Object.keys(window);
    const now = styles();
    const changedStyles = [];
    selectors.forEach((selector, i) => {
      for (const [property, value] of Object.entries(before.styles[i])) {
        if (now[i][property] !== value) changedStyles.push(selector + ": " + property);
      }
    });
    return {
      addedGlobals: keys.filter((k) => !before.keys.includes(k)),
      removedGlobals: before.keys.filter((k) => !keys.includes(k)),
      globalsIntact: hostCounter === 41 && hostHelper() === 42 &&
        window.hostConfig.site === "beacon" && window.hostConfig.plan === "business",
      changedStyles,
      styleSheets: [before.sheets, sheets()],
      // The host's own widget tag comes after this script, so after the snapshot.
      addedBodyChildren: [...document.body.children]
        .filter((el) => !before.children.includes(el) && !el.matches("script[src$='/widget.js']"))
        .map((el) => el.localName),
      rootAttributesChanged: attributes(document.documentElement) !== before.htmlAttributes ||
        attributes(document.body) !== before.bodyAttributes,
      storageChanged: storage() !== before.storage,
    };
  };
  const before = {
    keys: Object.keys(window),
    styles: styles(),
    sheets: sheets(),
    children: [...document.body.children],
    htmlAttributes: attributes(document.documentElement),
    bodyAttributes: attributes(document.body),
    storage: storage(),
  };
})();
`;

function aggressivePage(context: PageContext): string {
  return page({
    context,
    title: "Beacon: aggressive host CSS",
    head: `<style>${AGGRESSIVE_CSS}</style>`,
    body: `${siteBody()}
<script>${HOST_CHECK_SCRIPT}</script>
${widgetTag(context)}`,
  });
}
