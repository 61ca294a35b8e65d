// @ts-check
/**
 * Parley's chat widget for any website (the host page), added with one tag:
 *
 *   <script src="https://support.example.com/widget.js" data-title="Beacon help"
 *     data-color="#4f46e5" data-position="right" async></script>
 *
 * It adds exactly one element to the host's <body>, <parley-widget>, whose shadow root holds
 * the launcher button and the panel with Parley's /embed in an iframe. The host's styles,
 * globals and storage are never touched: no global variable, no host stylesheet, and
 * `:host { all: initial !important }` plus !important inside, so aggressive host CSS neither
 * leaks in nor hides it. The contract with /embed and the host page (postMessage):
 * docs/widget.md. Plain ES2020, no build step; `// @ts-check` is enforced by
 * test/widget-script.test.ts.
 */
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script (a plain <script> tag), not a module.
  "use strict";

  const TAG = "parley-widget";
  const DEFAULT_TITLE = "Help";
  const DEFAULT_COLOR = "#4f46e5";
  const MAX_TITLE = 60;
  /** The chat route's own limit on a question (after trimming, as /embed checks it). */
  const MAX_QUESTION = 4000;
  /** Questions the host asked before the embed was ready; more than this and the oldest go. */
  const MAX_QUEUED = 10;
  /** Hello is sent again after 100, 200, 400 … ms while unanswered, until this delay. */
  const HELLO_GIVE_UP_MS = 6400;

  const script = currentScript();
  if (!script) return;
  /** Parley's origin: where this script came from, and the only origin the embed may have. */
  const origin = new URL(script.src, location.href).origin;
  if (origin === "null") return;
  const title = readTitle(script.dataset.title);
  const color = readColor(script.dataset.color);
  const side = script.dataset.position === "left" ? "left" : "right";

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });

  /** @returns {HTMLScriptElement | null} */
  function currentScript() {
    const current = document.currentScript;
    return current instanceof HTMLScriptElement && current.src ? current : null;
  }

  /** @param {string | undefined} raw */
  function readTitle(raw) {
    const text = (raw ?? "").trim();
    const length = Array.from(text).length;
    if (length >= 1 && length <= MAX_TITLE) return text;
    if (raw !== undefined)
      warn(`data-title must be 1–${MAX_TITLE} characters; using "${DEFAULT_TITLE}".`);
    return DEFAULT_TITLE;
  }

  /**
   * #rgb or #rrggbb only, as #rrggbb (lower case): nothing else can reach the stylesheet.
   * @param {string | undefined} raw
   */
  function readColor(raw) {
    const text = (raw ?? "").trim().toLowerCase();
    if (/^#[0-9a-f]{6}$/.test(text)) return text;
    if (/^#[0-9a-f]{3}$/.test(text)) return `#${[...text.slice(1)].map((c) => c + c).join("")}`;
    if (raw !== undefined) warn(`data-color must be #rgb or #rrggbb; using ${DEFAULT_COLOR}.`);
    return DEFAULT_COLOR;
  }

  /** @param {string} message */
  function warn(message) {
    console.warn(`Parley widget: ${message}`);
  }

  /**
   * WCAG relative luminance of #rrggbb.
   * @param {string} hex
   */
  function luminance(hex) {
    const n = Number.parseInt(hex.slice(1), 16);
    /** @param {number} c */
    const linear = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return (
      0.2126 * linear((n >> 16) & 255) + 0.7152 * linear((n >> 8) & 255) + 0.0722 * linear(n & 255)
    );
  }

  /**
   * White or near-black, whichever contrasts more with the background.
   * @param {string} background #rrggbb
   */
  function foreground(background) {
    const dark = "#111827";
    const l = luminance(background);
    return 1.05 / (l + 0.05) >= (l + 0.05) / (luminance(dark) + 0.05) ? "#ffffff" : dark;
  }

  /**
   * The shadow root's stylesheet. Every declaration of `rules` gets !important (keyframes
   * cannot have it, so `motion` stays apart). Lengths are px, never rem, which the host's
   * root font size would scale.
   */
  function stylesheet() {
    const fg = foreground(color);
    const other = side === "left" ? "right" : "left";
    // The chat's own stack (its --font-sans), so the header matches the frame.
    const font =
      'font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans",Arial,sans-serif;';
    const ring = "outline:2px solid transparent;box-shadow:0 0 0 3px #fff,0 0 0 6px #111827;";
    const rules = `
:host{all:initial;display:block;position:fixed;z-index:2147483647;bottom:0;${side}:0;width:0;height:0;overflow:visible;}
*{box-sizing:border-box;}
button{margin:0;padding:0;border:0;cursor:pointer;display:flex;align-items:center;justify-content:center;font:inherit;color:inherit;-webkit-tap-highlight-color:transparent;}
svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round;pointer-events:none;}
.launcher{position:fixed;bottom:calc(24px + env(safe-area-inset-bottom,0px));${side}:24px;${other}:auto;width:56px;height:56px;border-radius:50%;background:${color};color:${fg};border:2px solid transparent;box-shadow:0 4px 14px rgba(0,0,0,.28);}
.launcher svg{width:28px;height:28px;}
.launcher:hover{box-shadow:0 6px 20px rgba(0,0,0,.36);}
.launcher:focus-visible,.close:focus-visible{${ring}}
.launcher .less,.open .launcher .chat{display:none;}
.open .launcher .less{display:block;}
.panel{position:fixed;bottom:calc(96px + env(safe-area-inset-bottom,0px));${side}:24px;${other}:auto;top:auto;width:400px;max-width:calc(100vw - 48px);height:640px;max-height:calc(100vh - 120px);max-height:calc(100dvh - 120px);display:flex;flex-direction:column;overflow:hidden;border-radius:16px;border:1px solid rgba(128,128,128,.35);background:Canvas;color:CanvasText;color-scheme:light dark;box-shadow:0 12px 40px rgba(0,0,0,.3);${font}font-size:15px;line-height:1.4;}
.panel[hidden]{display:none;}
.header{flex:none;display:flex;align-items:center;gap:8px;height:52px;padding:0 6px 0 16px;background:${color};color:${fg};}
.title{flex:1;min-width:0;font-weight:600;font-size:16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;}
.close{flex:none;width:40px;height:40px;border-radius:8px;background:transparent;}
.close:hover{background:rgba(127,127,127,.25);}
.body{flex:1;min-height:0;position:relative;}
.trap{display:none;}
iframe{display:block;width:100%;height:100%;border:0;margin:0;padding:0;background:transparent;color-scheme:light dark;}
@media (max-width:640px),(max-height:480px){
.panel{top:0;bottom:0;left:0;right:0;width:100%;height:100%;max-width:none;max-height:none;border:0;border-radius:0;}
.open .launcher{display:none;}
.open .trap{display:block;position:fixed;top:0;left:0;width:1px;height:1px;overflow:hidden;}
}
@media (forced-colors:active){.panel,.launcher{border:1px solid CanvasText;}}
@media print{:host{display:none;}}
`.replace(/;/g, "!important;");
    const motion = `
@media (prefers-reduced-motion:no-preference){
.panel:not([hidden]){animation:parley-in .16s ease-out;}
.launcher{transition:box-shadow .15s;}
}
@keyframes parley-in{from{opacity:0;transform:translateY(12px);}}`;
    return rules + motion;
  }

  /**
   * A constructable stylesheet where there is one: a host page whose CSP forbids inline
   * styles still lets it apply (CSSOM is not subject to style-src), unlike a <style>.
   * @param {ShadowRoot} root
   * @param {string} text
   */
  function applyStyles(root, text) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      root.adoptedStyleSheets = [sheet];
    } catch {
      const style = document.createElement("style");
      style.textContent = text;
      root.append(style);
    }
  }

  /**
   * An element with a class and attributes; no innerHTML (a host with Trusted Types would refuse it).
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string} className
   * @param {Record<string, string>} [attributes]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function element(tag, className, attributes = {}) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    return el;
  }

  /**
   * A 24×24 stroke icon, hidden from assistive technology (its button has the label).
   * @param {string} className
   * @param {string} d the path
   */
  function icon(className, d) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", className);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.append(path);
    return svg;
  }

  /**
   * @param {unknown} data
   * @returns {data is { parley: string, question?: unknown }}
   */
  function isParleyMessage(data) {
    return (
      typeof data === "object" && data !== null && typeof Reflect.get(data, "parley") === "string"
    );
  }

  /**
   * @param {unknown} question
   * @returns {question is string}
   */
  function isQuestion(question) {
    if (typeof question !== "string") return false;
    const length = question.trim().length;
    return length > 0 && length <= MAX_QUESTION;
  }

  function mount() {
    // A second copy of this script (the same Parley) does nothing.
    for (const existing of document.getElementsByTagName(TAG)) {
      if (existing.getAttribute("data-parley-origin") === origin) return;
    }
    const host = document.createElement(TAG);
    host.setAttribute("data-parley-origin", origin);
    // Open, so automated tests can reach its elements; the host's CSS cannot either way.
    const root = host.attachShadow({ mode: "open" });
    applyStyles(root, stylesheet());

    const frame = element("div", "");
    const panel = element("div", "panel", {
      id: "panel",
      role: "dialog",
      "aria-label": title,
      hidden: "",
    });
    const header = element("div", "header");
    const heading = element("span", "title");
    heading.textContent = title;
    const closeButton = element("button", "close", {
      type: "button",
      "aria-label": `Close ${title}`,
    });
    closeButton.append(icon("x", "M18 6 6 18M6 6l12 12"));
    header.append(heading, closeButton);
    const body = element("div", "body");
    panel.append(header, body);
    // After the panel: Tab from the chat's last control reaches it, Shift+Tab from the
    // chat's first reaches Close.
    const launcher = element("button", "launcher", {
      type: "button",
      "aria-label": `Open ${title}`,
      "aria-expanded": "false",
      "aria-controls": "panel",
    });
    launcher.append(icon("chat", "M7.9 20A9 9 0 1 0 4 16.1L2 22Z"), icon("less", "m6 9 6 6 6-6"));
    // Full screen, the panel keeps Tab inside it (the host's page behind is out of sight):
    // these two are focusable only then (CSS), and send focus round to the other end.
    const startTrap = element("span", "trap", { tabindex: "0" });
    const endTrap = element("span", "trap", { tabindex: "0" });
    frame.append(startTrap, panel, launcher, endTrap);
    root.append(frame);

    /** @type {HTMLIFrameElement | null} */
    let iframe = null;
    /** The embed said it is ready in this iframe document (unprompted, or to a hello). */
    let ready = false;
    let isOpen = false;
    /** Focus to pass to the embed once it is ready. */
    let focusPending = false;
    /** @type {string[]} */
    const queued = [];
    /** Loads of the iframe so far: a newer document's handshake replaces an older one's. */
    let loads = 0;

    /** @param {{ parley: string, question?: string }} message */
    function post(message) {
      iframe?.contentWindow?.postMessage(message, origin);
    }

    /** Created on first use and then only hidden, so a conversation survives closing. */
    function ensureIframe() {
      if (iframe) return iframe;
      // clipboard-write: the chat's Copy button (a frame of another origin has no clipboard
      // unless its parent delegates it).
      const created = element("iframe", "", { title: `${title} chat`, allow: "clipboard-write" });
      // Every load is a new document (a reload, a navigation): handshake again. The frame's
      // load can come before its page listens, so hello is repeated, further and further
      // apart, until the embed says it is ready (a refused frame never does).
      created.addEventListener("load", () => {
        ready = false;
        const attempt = ++loads;
        /** @param {number} delay */
        const hello = (delay) => {
          if (ready || attempt !== loads || delay > HELLO_GIVE_UP_MS) return;
          post({ parley: "hello" });
          setTimeout(() => hello(delay * 2), delay);
        };
        hello(100);
      });
      created.src = `${origin}/embed`;
      body.append(created);
      iframe = created;
      return created;
    }

    function flush() {
      while (queued.length > 0)
        post({ parley: "ask", question: /** @type {string} */ (queued.shift()) });
      // Only if the visitor has not moved on: the embed may get ready after they did.
      if (focusPending && isOpen && root.activeElement === iframe) post({ parley: "focus" });
      focusPending = false;
    }

    function open() {
      const target = ensureIframe();
      if (!isOpen) {
        isOpen = true;
        panel.hidden = false;
        frame.className = "open";
        launcher.setAttribute("aria-expanded", "true");
      }
      target.focus();
      focusPending = true;
      if (ready) flush();
    }

    function close() {
      if (!isOpen) return;
      // Focus goes back to the launcher only if it was in the widget: a close the host asked
      // for must not take the visitor's focus from elsewhere on the page.
      const hadFocus = root.activeElement !== null;
      isOpen = false;
      panel.hidden = true;
      frame.className = "";
      launcher.setAttribute("aria-expanded", "false");
      if (hadFocus) launcher.focus();
    }

    /** @param {string} question */
    function ask(question) {
      queued.push(question);
      if (queued.length > MAX_QUEUED) queued.shift();
      open();
    }

    startTrap.addEventListener("focus", () => iframe?.focus());
    endTrap.addEventListener("focus", () => closeButton.focus());
    launcher.addEventListener("click", () => (isOpen ? close() : open()));
    closeButton.addEventListener("click", close);
    root.addEventListener("keydown", (event) => {
      if (event instanceof KeyboardEvent && event.key === "Escape" && isOpen) close();
    });

    window.addEventListener("message", (event) => {
      const data = event.data;
      if (!isParleyMessage(data)) return;
      if (event.source === window) {
        // The host page, posting to its own window.
        if (data.parley === "open") open();
        else if (data.parley === "close") close();
        else if (data.parley === "ask" && isQuestion(data.question)) ask(data.question);
      } else if (iframe && event.source === iframe.contentWindow && event.origin === origin) {
        if (data.parley === "ready") {
          ready = true;
          flush();
        } else if (data.parley === "close") close();
      }
    });

    document.body.append(host);
  }
})();
