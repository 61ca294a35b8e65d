import { randomBytes } from "node:crypto";
import { EngineError } from "../core/errors";

export const newRequestId = () => randomBytes(12).toString("hex");

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export const noContent = () => new Response(null, { status: 204 });

/** Vectara's error body: `Error`, `BadRequestError` or `NotFoundError`. */
export function errorResponse(error: EngineError, requestId: string): Response {
  const body: Record<string, unknown> = { messages: [error.message], request_id: requestId };
  if (error.details.fieldErrors) body.field_errors = error.details.fieldErrors;
  if (error.details.id !== undefined) body.id = error.details.id;
  return json(error.status, body, { "x-request-id": requestId, ...error.details.headers });
}

export function internalError(requestId: string): Response {
  return errorResponse(new EngineError("internal", "Internal error"), requestId);
}
