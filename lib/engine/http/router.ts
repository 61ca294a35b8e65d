import { errors } from "../core/errors";
import type { Handler, Route } from "./context";

interface Compiled extends Route {
  segments: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Matches a method and path to a route; knows 404 (no path) from 405 (wrong method). */
export class Router {
  private readonly routes: Compiled[] = [];

  add(routes: Route[]): this {
    for (const r of routes)
      this.routes.push({ ...r, segments: r.pattern.split("/").filter(Boolean) });
    return this;
  }

  match(method: string, pathname: string): Match {
    const segments = pathname.split("/").filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length) throw errors.methodNotAllowed(method, pathname, allowed);
    throw errors.notFound("Path", pathname);
  }
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const a = actual[i] as string;
    if (p.startsWith(":")) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        throw errors.badRequest(`The path segment '${a}' is not validly percent-encoded`);
      }
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}

export type { Handler };
