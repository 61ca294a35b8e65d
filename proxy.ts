import { type NextRequest, NextResponse } from "next/server";
import { resolveAuthSecret } from "@/lib/auth/secret-file";
import {
  createVisitorToken,
  EMBED_VISITOR_COOKIE,
  embedCookieOptions,
  NEW_VISITOR_HEADER,
  VISITOR_COOKIE,
  VISITOR_HEADER,
  verifyVisitorToken,
  visitorCookieOptions,
  withVisitorCookie,
} from "@/lib/auth/visitor-token";
import { getConfig } from "@/lib/config";
import { requestIsHttps } from "@/lib/http/client-address";
import { isEmbedPath } from "@/lib/http/gate";

/**
 * Gives every visitor a signed, anonymous id before any page or route handler
 * runs. Next 16's proxy always runs in the Node.js runtime, so it can read the
 * secret file itself (through the marker-free secret-file module).
 */

let secret: Promise<string> | undefined;

function getSecret(): Promise<string> {
  if (!secret) {
    const loading = (async () => resolveAuthSecret(getConfig()))();
    loading.catch(() => {
      if (secret === loading) secret = undefined;
    });
    secret = loading;
  }
  return secret;
}

/** Request header carrying the requested path and query (read by `requireStaffPage`). */
const PATH_HEADER = "x-parley-path";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const malformed = await malformedActionForm(request);
  if (malformed) return malformed;
  const key = await getSecret();
  // The path the page was asked for, so a staff page that needs a sign-in can
  // send the user back to it afterwards. Always overwritten: a client's own
  // value is never trusted.
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.delete(NEW_VISITOR_HEADER);
  const current = request.cookies.get(VISITOR_COOKIE)?.value;
  if (current && (await verifyVisitorToken({ secret: key, token: current }))) {
    return NextResponse.next({ request: { headers } });
  }
  // The widget's frame on another site: its partitioned cookie, or, where the browser
  // keeps none, the token it holds in the page and sends as a header. Either becomes this
  // request's visitor cookie, so everything after reads the visitor one way.
  for (const token of [
    request.headers.get(VISITOR_HEADER),
    request.cookies.get(EMBED_VISITOR_COOKIE)?.value,
  ]) {
    if (token && (await verifyVisitorToken({ secret: key, token }))) {
      headers.set("cookie", withVisitorCookie(request.headers.get("cookie"), token));
      return NextResponse.next({ request: { headers } });
    }
  }
  const token = await createVisitorToken({ secret: key });
  // The new cookie goes into this request's own headers too, so the server
  // components and route handlers it reaches already see the visitor.
  headers.set("cookie", withVisitorCookie(request.headers.get("cookie"), token));
  headers.set(NEW_VISITOR_HEADER, "1");
  const response = NextResponse.next({ request: { headers } });
  const secure = requestIsHttps(request.headers, request.url);
  response.cookies.set(VISITOR_COOKIE, token, visitorCookieOptions({ secure }));
  // In a frame on another site the SameSite=Lax cookie is refused; the widget's page also
  // sets the partitioned one, which that site's pages keep.
  if (isEmbedPath(request.nextUrl.pathname)) {
    response.cookies.set(EMBED_VISITOR_COOKIE, token, embedCookieOptions());
  }
  return response;
}

/**
 * A POST to a page is a server action; with a multipart body Next.js parses it as a form
 * and answered a malformed one (no boundary, a body that does not match it) with a 500.
 * Parsing a copy here turns that into a 400. Only page paths: route handlers under /api
 * read their own bodies, and the body is already buffered for this proxy (at most
 * `proxyClientMaxBodySize`).
 */
async function malformedActionForm(request: NextRequest): Promise<NextResponse | undefined> {
  if (request.method !== "POST" || request.nextUrl.pathname.startsWith("/api/")) return undefined;
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  if (!type.startsWith("multipart/form-data")) return undefined;
  try {
    await request.clone().formData();
    return undefined;
  } catch {
    return new NextResponse("The form could not be read: its multipart body is malformed.\n", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}

export const config = {
  matcher: [
    // Everything but build assets, the local Vectara API and its OAuth token
    // endpoints (they have their own credentials), the health check, the app icon
    // and files with an extension.
    "/((?!_next/|v2(?:/|$)|oauth2?(?:/|$)|api/health(?:/|$)|icon(?:\\.svg)?$|favicon\\.ico$|.*\\.[A-Za-z0-9]+$).*)",
  ],
};
