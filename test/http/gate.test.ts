import { afterEach, describe, expect, it } from "vitest";
import {
  addressLimitKey,
  clientAddress,
  isHttpsRequest,
  normalizeAddress,
  PEER_HEADER,
  trustPeerHeader,
  UNKNOWN_ADDRESS,
} from "@/lib/http/client-address";
import {
  ALLOWED_METHODS,
  contentSecurityPolicy,
  createNonce,
  isEmbedPath,
  rawClientErrorResponse,
  screenRequest,
  securityHeaders,
} from "@/lib/http/gate";

describe("screenRequest", () => {
  it.each(["TRACE", "TRACK", "CONNECT", "PROPFIND", "MKCOL", "FOO"])(
    "refuses %s with 405 and Allow",
    (method) => {
      const refusal = screenRequest({ method, url: "/api/health" });
      expect(refusal?.status).toBe(405);
      expect(refusal?.headers.allow).toBe(ALLOWED_METHODS.join(", "));
      expect(JSON.parse(refusal?.body ?? "")).toMatchObject({
        messages: [`The method ${method} is not allowed.`],
        request_id: expect.any(String),
      });
    },
  );

  it.each(ALLOWED_METHODS)("lets %s through", (method) => {
    expect(screenRequest({ method, url: "/v2/corpora?limit=1" })).toBeUndefined();
  });

  it.each([
    "/v2/corpora/%ff",
    "/api/chats/%C0%AF",
    "/chat/%ED%A0%80",
    "/agent/chats/%E0%A4%A",
    "/v2/corpora/a%00b",
  ])("refuses the malformed path %s with 400", (url) => {
    expect(screenRequest({ method: "GET", url })?.status).toBe(400);
  });

  it("answers JSON in Vectara's error shape on API paths and text on pages", () => {
    for (const url of ["/api/chats/%ff", "/v2/x/%ff", "/oauth2/%ff", "/oauth/%ff"]) {
      const refusal = screenRequest({ method: "GET", url });
      expect(refusal?.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(refusal?.body ?? "").messages).toHaveLength(1);
    }
    const page = screenRequest({ method: "GET", url: "/chat/%ff" });
    expect(page?.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("lets well-formed encodings and odd query strings through", () => {
    for (const url of ["/chat/caf%C3%A9", "/v2/corpora/a%2Fb", "/?q=%ff", "/api/history?x=%"]) {
      expect(screenRequest({ method: "GET", url })).toBeUndefined();
    }
  });

  it("refuses a request target that is not a path", () => {
    expect(screenRequest({ method: "GET", url: "*" })?.status).toBe(400);
    expect(screenRequest({ method: "GET", url: "http://evil.example/" })?.status).toBe(400);
  });

  it("never echoes a method that is not a token", () => {
    const refusal = screenRequest({ method: "<script>", url: "/" });
    expect(refusal?.body).not.toContain("<script>");
  });
});

describe("the router state header", () => {
  const valid = (v: string | string[]) => typeof v === "string" && v.startsWith("[");

  it("is refused with 400 when Next.js could not parse it", () => {
    const refusal = screenRequest({
      method: "GET",
      url: "/",
      routerState: "garbage",
      routerStateValid: valid,
    });
    expect(refusal?.status).toBe(400);
  });

  it("passes when absent or valid", () => {
    expect(screenRequest({ method: "GET", url: "/", routerStateValid: valid })).toBeUndefined();
    expect(
      screenRequest({ method: "GET", url: "/", routerState: "[1]", routerStateValid: valid }),
    ).toBeUndefined();
  });
});

describe("rawClientErrorResponse", () => {
  const parse = (raw: string) => {
    const [head = "", body = ""] = raw.split("\r\n\r\n");
    const [status, ...lines] = head.split("\r\n");
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 2)]),
    );
    return { status, headers, body };
  };

  it("answers a method Node does not know with 405 in the API shape", () => {
    const raw = rawClientErrorResponse({
      code: "HPE_INVALID_METHOD",
      rawPacket: Buffer.from("TRACK /v2/corpora HTTP/1.1\r\nHost: x\r\n\r\n"),
      nonce: "n",
    });
    const { status, headers, body } = parse(raw);
    expect(status).toBe("HTTP/1.1 405 Method Not Allowed");
    expect(headers.allow).toBe(ALLOWED_METHODS.join(", "));
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(Number(headers["content-length"])).toBe(Buffer.byteLength(body));
    expect(JSON.parse(body).messages).toHaveLength(1);
  });

  it("answers other parse errors with 400, as text on pages", () => {
    const raw = rawClientErrorResponse({
      code: "HPE_INVALID_URL",
      rawPacket: Buffer.from("GET /chat/\xe9 HTTP/1.1\r\n", "latin1"),
      nonce: "n",
    });
    const { status, headers } = parse(raw);
    expect(status).toBe("HTTP/1.1 400 Bad Request");
    expect(headers["content-type"]).toMatch(/^text\/plain/);
    // The request line after what came before it on the connection.
    const pipelined = rawClientErrorResponse({
      code: "HPE_INVALID_METHOD",
      rawPacket: Buffer.from('{"a":1}\r\nTRACK /chat/x HTTP/1.1\r\nHost: x\r\n'),
      nonce: "n",
    });
    expect(parse(pipelined).headers["content-type"]).toMatch(/^text\/plain/);
    // Nothing read at all: still a well-formed answer, in JSON.
    const nothing = parse(
      rawClientErrorResponse({ code: undefined, rawPacket: undefined, nonce: "n" }),
    );
    expect(nothing.status).toBe("HTTP/1.1 400 Bad Request");
    expect(nothing.headers["content-type"]).toBe("application/json");
  });
});

describe("securityHeaders", () => {
  it("sets a nonce-based CSP without unsafe-inline scripts or unsafe-eval, and forbids framing", () => {
    const nonce = createNonce();
    const csp = contentSecurityPolicy({ nonce, https: false });
    const script = csp.split("; ").find((d) => d.startsWith("script-src"));
    expect(script).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });

  it("lets only the listed origins frame the widget's page, with no X-Frame-Options then", () => {
    const origins = ["https://www.example.com", "http://localhost:3250"];
    const framable = securityHeaders({ nonce: "n", https: false, frameAncestors: origins });
    expect(framable["content-security-policy"]).toContain(
      "frame-ancestors https://www.example.com http://localhost:3250",
    );
    expect(framable["content-security-policy"]).not.toContain("frame-ancestors 'none'");
    expect(framable["x-frame-options"]).toBeUndefined();
    // No origins listed: the widget's page is as unframable as any other.
    const none = securityHeaders({ nonce: "n", https: false, frameAncestors: [] });
    expect(none["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(none["x-frame-options"]).toBe("DENY");
  });

  it("knows the widget's page by its path", () => {
    for (const path of ["/embed", "/embed/", "/embed/chat/cht_1", "/embed?_rsc=1"]) {
      expect(isEmbedPath(path), path).toBe(true);
    }
    for (const path of ["/", "/embedded", "/chat/embed", "/api/embed", "/embedx?x"]) {
      expect(isEmbedPath(path), path).toBe(false);
    }
  });

  it("makes a new nonce every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    expect(nonces.size).toBe(100);
  });

  it("adds HSTS and upgrade-insecure-requests only over https", () => {
    const plain = securityHeaders({ nonce: "n", https: false });
    expect(plain["strict-transport-security"]).toBeUndefined();
    expect(plain["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    const secure = securityHeaders({ nonce: "n", https: true });
    expect(secure["strict-transport-security"]).toMatch(/^max-age=\d+/);
    expect(secure["content-security-policy"]).toContain("upgrade-insecure-requests");
    for (const h of [plain, secure]) {
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(h["x-frame-options"]).toBe("DENY");
      expect(h["permissions-policy"]).toContain("camera=()");
    }
  });
});

describe("clientAddress", () => {
  afterEach(() => trustPeerHeader(false));

  const headers = (h: Record<string, string>) => new Headers(h);

  it("with 0 hops is the peer and ignores X-Forwarded-For", () => {
    trustPeerHeader();
    for (const forwarded of ["1.1.1.1", "2.2.2.2, 3.3.3.3", "garbage"]) {
      const h = headers({ [PEER_HEADER]: "10.0.0.7", "x-forwarded-for": forwarded });
      expect(clientAddress(h, 0)).toBe("10.0.0.7");
    }
  });

  it("ignores the peer header unless Parley's server is in front", () => {
    const h = headers({ [PEER_HEADER]: "10.0.0.7" });
    expect(clientAddress(h, 0)).toBe(UNKNOWN_ADDRESS);
    trustPeerHeader();
    expect(clientAddress(h, 0)).toBe("10.0.0.7");
  });

  it("with N hops is the Nth address from the right of X-Forwarded-For", () => {
    trustPeerHeader();
    const h = headers({
      [PEER_HEADER]: "10.0.0.1",
      "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2",
    });
    expect(clientAddress(h, 1)).toBe("10.0.0.2");
    expect(clientAddress(h, 2)).toBe("203.0.113.9");
    expect(clientAddress(h, 3)).toBe("6.6.6.6");
    // Fewer entries than hops: the leftmost.
    expect(clientAddress(h, 5)).toBe("6.6.6.6");
    // No header: the peer.
    expect(clientAddress(headers({ [PEER_HEADER]: "10.0.0.1" }), 1)).toBe("10.0.0.1");
    // A trusted entry that is not an address: the peer.
    const junk = headers({ [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "1.2.3.4, nonsense" });
    expect(clientAddress(junk, 1)).toBe("10.0.0.1");
  });

  it("normalizes ports, brackets, mapped IPv4 and IPv6 spelling", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("1.2.3.4:5678")).toBe("1.2.3.4");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeAddress("2001:DB8:0::1")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeAddress("not an ip")).toBeUndefined();
    expect(normalizeAddress("")).toBeUndefined();
  });

  it("keys IPv6 limits by /64 and IPv4 by address", () => {
    expect(addressLimitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressLimitKey(normalizeAddress("2001:db8:1:2::9") ?? "")).toBe("2001:db8:1:2::/64");
    expect(addressLimitKey("192.0.2.1")).toBe("192.0.2.1");
    expect(addressLimitKey(UNKNOWN_ADDRESS)).toBe(UNKNOWN_ADDRESS);
  });
});

describe("isHttpsRequest", () => {
  it("reads X-Forwarded-Proto only behind trusted proxies", () => {
    const h = new Headers({ "x-forwarded-proto": "https" });
    expect(isHttpsRequest(h, 0)).toBe(false);
    expect(isHttpsRequest(h, 1)).toBe(true);
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "http" }), 1)).toBe(false);
  });

  it("counts a browser's https Origin and an https URL", () => {
    expect(isHttpsRequest(new Headers({ origin: "https://support.example" }), 0)).toBe(true);
    expect(isHttpsRequest(new Headers(), 0, "https://support.example/")).toBe(true);
    expect(isHttpsRequest(new Headers(), 0, "http://127.0.0.1/")).toBe(false);
  });
});
