import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AgentConsolePage } from "./pages/agent-pages";
import { ChatPage } from "./pages/chat-page";
import { waitForDemoKb } from "./support/local-api";
import { cookieHeaderOf, type OwnServer, rawRequest, startOwnServer } from "./support/own-server";
import { DEMO_PASSWORD, STAFF, signedInContext } from "./support/staff";

/**
 * Web security as a browser and an attacker meet it (issue 14): every page's CSP holds
 * with no violation, no site can frame Parley, hostile HTTP gets 4xx, and the limits
 * count client addresses as Parley's server sees them, whatever X-Forwarded-For says.
 */

test.beforeAll(async ({ baseURL }) => {
  await waitForDemoKb(baseURL as string);
});

/** Writes bytes to the server's socket as they are and reads the whole reply. */
function rawExchange(baseURL: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(bytes));
    let reply = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      reply += chunk;
    });
    socket.on("end", () => resolve(reply));
    socket.on("error", reject);
  });
}

/** Records every `securitypolicyviolation` event of every page the context opens. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (e) => {
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp ?? []);
}

function expectStrictPolicy(header: string | undefined) {
  expect(header, "Content-Security-Policy").toBeTruthy();
  const script = header?.split(/;\s*/).find((d) => d.startsWith("script-src")) ?? "";
  expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(script).not.toContain("unsafe-inline");
  expect(header).not.toContain("unsafe-eval");
  expect(header).toContain("frame-ancestors 'none'");
}

test.describe("content security policy", () => {
  test("every visitor page loads with its CSP and no violation", async ({
    page,
    consoleErrors,
  }) => {
    const violations = await watchCsp(page);
    const chat = new ChatPage(page);
    const home = await page.goto("/");
    expectStrictPolicy(home?.headers()["content-security-policy"]);
    // The page is live (its scripts ran): a question gets a streamed answer.
    await chat.ask("How do I reset my password?");
    await chat.waitForAnswer(0);
    expect(await violations()).toEqual([]);

    const chatId = await chat.chatIdFromUrl();
    const reloaded = await page.goto(`/chat/${chatId}`);
    expectStrictPolicy(reloaded?.headers()["content-security-policy"]);
    await expect(page.getByTestId("message-assistant").first()).toBeVisible();
    expect(await violations()).toEqual([]);

    const missing = await page.goto("/no-such-page");
    expect(missing?.status()).toBe(404);
    expectStrictPolicy(missing?.headers()["content-security-policy"]);
    expect(await violations()).toEqual([]);

    const login = await page.goto("/login");
    expectStrictPolicy(login?.headers()["content-security-policy"]);
    await expect(page.getByTestId("login-email")).toBeVisible();
    expect(await violations()).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  test("every staff page loads with its CSP and no violation", async ({ browser, baseURL }) => {
    const context = await signedInContext(browser, baseURL as string, "admin");
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      const violations = await watchCsp(page);
      for (const path of ["/agent", "/agent/audit", "/admin", "/admin/users"]) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(200);
        expectStrictPolicy(response?.headers()["content-security-policy"]);
        await page.waitForLoadState("networkidle");
        expect(await violations(), path).toEqual([]);
      }
      // A client-side navigation to a transcript, through the console's own links.
      const consolePage = new AgentConsolePage(page);
      await consolePage.goto();
      await consolePage.showAll();
      await consolePage.rows.first().getByRole("link").first().click();
      await page.waitForURL(/\/agent\/chats\//);
      await page.waitForLoadState("networkidle");
      expect(await violations()).toEqual([]);
      expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test("the staff console refuses to render in a cross-origin frame", async ({
    browser,
    baseURL,
  }) => {
    const context = await signedInContext(browser, baseURL as string, "admin");
    // A page on another origin (another port) that frames the signed-in console.
    const host: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>host</title><iframe src="${baseURL}/agent"></iframe>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    try {
      const page = await context.newPage();
      const refused = page.waitForEvent("console", (m) =>
        /frame-ancestors|Refused to (display|frame)/i.test(m.text()),
      );
      await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
      await refused;
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame).toBeDefined();
      await expect(frame?.getByTestId("triage-queue") ?? page.locator("none")).toHaveCount(0);
      expect(frame?.url()).not.toContain("/agent");
    } finally {
      await context.close();
      await new Promise((resolve) => host.close(resolve));
    }
  });

  test("APIs, the engine and static files carry the security headers too", async ({
    request,
    page,
  }) => {
    await page.goto("/");
    const script = await page.locator("script[src]").first().getAttribute("src");
    for (const path of ["/api/health", "/api/history", "/v2/corpora", script ?? "/"]) {
      const response = await request.get(path);
      const headers = response.headers();
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["permissions-policy"], path).toContain("camera=()");
      expect(headers["x-frame-options"], path).toBe("DENY");
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      // Plain http here: no HSTS.
      expect(headers["strict-transport-security"], path).toBeUndefined();
    }
  });
});

test.describe("hostile HTTP gets 4xx, never 5xx", () => {
  test("TRACE and unknown methods answer 405 with Allow", async ({ baseURL }) => {
    for (const path of ["/", "/api/health", "/api/chat", "/v2/corpora", "/agent"]) {
      for (const method of ["TRACE", "PROPFIND"]) {
        const response = await rawRequest({ url: `${baseURL}${path}`, method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.allow).toContain("GET");
      }
    }
    const api = await rawRequest({ url: `${baseURL}/v2/corpora`, method: "TRACE" });
    expect(JSON.parse(api.body)).toMatchObject({ messages: [expect.any(String)] });
  });

  test("bad percent-encoding in a path segment answers 400", async ({ baseURL }) => {
    for (const bad of ["%ff", "%C0%AF", "%ED%A0%80"]) {
      for (const path of [
        `/v2/corpora/${bad}`,
        `/api/chats/${bad}`,
        `/chat/${bad}`,
        `/agent/chats/${bad}`,
      ]) {
        const response = await rawRequest({ url: `${baseURL}${path}` });
        expect(response.status, path).toBe(400);
        if (!path.startsWith("/chat") && !path.startsWith("/agent")) {
          expect(JSON.parse(response.body).messages).toHaveLength(1);
        }
      }
    }
  });
});

test.describe("what Next.js itself answered with 500", () => {
  test("a malformed multipart action body, an unparseable router state, a method or byte Node refuses", async ({
    baseURL,
  }) => {
    for (const contentType of [
      "multipart/form-data",
      "multipart/form-data; boundary=",
      "multipart/form-data; boundary=zzz",
    ]) {
      const response = await rawRequest({
        url: `${baseURL}/login`,
        method: "POST",
        headers: { "content-type": contentType, origin: baseURL as string },
        body: "not a multipart body",
      });
      expect(response.status, contentType).toBe(400);
    }
    for (const path of ["/", "/nope", "/_next/a%2Fb"]) {
      const response = await rawRequest({
        url: `${baseURL}${path}`,
        headers: { rsc: "1", "next-router-state-tree": "garbage" },
      });
      expect(response.status, path).toBe(400);
    }
    const track = await rawRequest({ url: `${baseURL}/v2/corpora`, method: "TRACK" });
    expect(track.status).toBe(405);
    expect(track.headers["x-content-type-options"]).toBe("nosniff");
    expect(JSON.parse(track.body).messages).toHaveLength(1);
    // A raw 0xE9 byte in the path: Node's parser refuses it before any handler runs.
    const raw = await rawExchange(
      baseURL as string,
      Buffer.concat([
        Buffer.from("GET /api/chats/"),
        Buffer.from([0xe9]),
        Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n"),
      ]),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('"messages"');
  });
});

test.describe("limits count client addresses", () => {
  test.describe.configure({ mode: "serial", timeout: 240_000 });

  let server: OwnServer;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    // Defaults for every limit (60 questions per address per minute, no trusted proxy).
    // Answers unpaced: at 40 words a second, 60–120 answered questions of a few seconds
    // each would take longer than the test's time, and the pace is not under test here.
    server = await startOwnServer({
      port: 3232,
      env: { DEMO_PASSWORD, ANSWER_WORDS_PER_SECOND: "0" },
    });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  const ask = (from: string, forwardedFor: string) =>
    rawRequest({
      url: `${server.baseUrl}/api/chat`,
      method: "POST",
      from,
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      body: JSON.stringify({
        chatId: null,
        message: {
          id: "m1",
          role: "user",
          parts: [{ type: "text", text: "How do I reset my password?" }],
        },
      }),
    });

  test("200 cookie-less questions from one address meet 429s; another address is still served", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      // No cookie (a new visitor every time) and a new X-Forwarded-For every time.
      const response = await ask("127.0.0.1", `198.51.100.${i % 250}`);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
        expect(JSON.parse(response.body)).toMatchObject({ code: "rate_limit:chat" });
      } else {
        expect(response.status).toBe(200);
      }
    }
    const answered = statuses.filter((s) => s === 200).length;
    // 60 a minute: at most two windows' worth, if the run crossed a minute boundary.
    expect(answered).toBeGreaterThanOrEqual(60);
    expect(answered).toBeLessThanOrEqual(120);
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(60);
    // The limit is the address's, not everyone's.
    expect((await ask("127.0.0.2", "198.51.100.1")).status).toBe(200);
  });

  /** Signs in through the real /login form (no JavaScript), from a chosen address. */
  async function signIn(from: string, email: string, password: string, forwardedFor?: string) {
    const form = await rawRequest({ url: `${server.baseUrl}/login`, from });
    const fields = new FormData();
    for (const match of form.body.matchAll(
      /<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g,
    )) {
      const value = (match[2] ?? "").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
      fields.append(match[1] ?? "", value);
    }
    fields.append("email", email);
    fields.append("password", password);
    const encoded = new Request("http://x/", { method: "POST", body: fields });
    const response = await rawRequest({
      url: `${server.baseUrl}/login`,
      method: "POST",
      from,
      headers: {
        "content-type": encoded.headers.get("content-type") ?? "",
        origin: server.baseUrl,
        cookie: cookieHeaderOf(form.headers),
        ...(forwardedFor && { "x-forwarded-for": forwardedFor }),
      },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
    if (response.status === 303) return "signed-in";
    if (/Too many failed sign-in attempts/.test(response.body)) return "throttled";
    if (/Email or password is incorrect/.test(response.body)) return "incorrect";
    return `unexpected ${response.status}`;
  }

  test("30 failures for admin from one address do not stop admin signing in from another", async () => {
    const results: string[] = [];
    for (let i = 0; i < 30; i++) results.push(await signIn("127.0.0.4", STAFF.admin, `wrong-${i}`));
    expect(results).toContain("throttled");
    expect(results.every((r) => r === "incorrect" || r === "throttled")).toBe(true);
    expect(await signIn("127.0.0.5", STAFF.admin, DEMO_PASSWORD)).toBe("signed-in");
  });

  test("a rotating X-Forwarded-For does not reset the per-address count", async () => {
    const results: string[] = [];
    for (let i = 0; i < 40; i++) {
      const email = `nobody-${i}@example.com`;
      results.push(await signIn("127.0.0.6", email, "wrong-password", `203.0.113.${i + 1}`));
    }
    // Every email is new, so only the address's own count can throttle: the header
    // changed every time, the address did not.
    expect(results).toContain("throttled");
  });
});
