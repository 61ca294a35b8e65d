import { AppError } from "@/lib/http/errors";

/**
 * The one reader of the app's route handlers' answers in the browser, shared by the
 * visitor's (`components/chat/api.ts`) and the staff console's (`components/staff/api.ts`)
 * API clients: a failure's body becomes the server's `AppError` again.
 */

/**
 * The response, once it succeeded (or answered one of `alsoOk`, e.g. a DELETE's 404);
 * otherwise throws the `AppError` its error body describes.
 */
export async function ensureOk(
  response: Response,
  alsoOk: readonly number[] = [],
): Promise<Response> {
  if (!response.ok && !alsoOk.includes(response.status)) {
    throw AppError.fromResponseText(await response.text());
  }
  return response;
}

/** The response's JSON body, or the `AppError` of its error body. */
export async function readJson<T>(response: Response): Promise<T> {
  await ensureOk(response);
  return (await response.json()) as T;
}

/** GETs `url` without the HTTP cache and reads its JSON (with `fetcher`, the global `fetch` by default). */
export async function getJson<T>(url: string, fetcher: typeof fetch = fetch): Promise<T> {
  return readJson<T>(await fetcher(url, { cache: "no-store" }));
}
