import { cookies, headers } from "next/headers";
import { NEW_VISITOR_HEADER, VISITOR_COOKIE } from "@/lib/auth/visitor-token";
import { otherMethods } from "@/lib/http/fallbacks";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);

/**
 * The widget's frame asks, once it has loaded, whether the browser kept its visitor
 * cookie (set by the page it loaded). `cookie`: yes, and the conversations stay from
 * visit to visit. `memory`: this request came without one (third-party storage refused),
 * so the answer hands the frame the new visitor's token to send in `x-parley-visitor`
 * for as long as the page lives. Only a visitor made for this very request is handed
 * out: an existing cookie is never read back to a script.
 */
export const GET = route("visitor", async (): Promise<Response> => {
  const noStore = { "cache-control": "private, no-store" };
  if ((await headers()).get(NEW_VISITOR_HEADER) !== "1") {
    return Response.json({ storage: "cookie" }, { headers: noStore });
  }
  const token = (await cookies()).get(VISITOR_COOKIE)?.value;
  if (!token) return Response.json({ storage: "cookie" }, { headers: noStore });
  return Response.json({ storage: "memory", token }, { headers: noStore });
});
