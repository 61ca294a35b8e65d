import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import type { AppErrorCode } from "@/lib/http/errors";
import { AppError } from "@/lib/http/errors";
import { fieldErrorsOf } from "@/lib/http/request";
import { hashId } from "@/lib/observability/context";
import { errorFields, getLogger } from "@/lib/observability/log";
import { type Role, requireStaffAction, type StaffUser } from "./staff";

/**
 * What a staff server action answers: done (with a message to show), or refused in the
 * staff error vocabulary (the code route handlers would answer with, a message for
 * people, and a reason per form field). Never a throw: a thrown error reaches the
 * browser as a 500 and the log as stack traces.
 */
export type StaffActionResult =
  | { status: "success"; message: string }
  | {
      status: "error";
      code: AppErrorCode;
      message: string;
      fieldErrors?: Record<string, string>;
    };

export interface StaffActionSpec<S extends z.ZodType> {
  /** Names the action in the log. */
  name: string;
  /** The lowest role allowed to run it. */
  role: Role;
  schema: S;
  /** The raw arguments, shaped as `schema` expects (see `formFields`). */
  input: unknown;
  /** The message of a validation failure; each field's reason goes in `fieldErrors`. */
  invalidMessage?: string;
  /** Does the work and says what was done; an AppError it throws is the answer. */
  run: (input: z.output<S>, user: StaffUser) => Promise<string>;
}

/**
 * A staff server action as one straight line: parse the arguments with zod, authorize
 * the caller, call. Every failure (malformed arguments, signed out, too low a role, a
 * refusal of the domain) comes back as a `StaffActionResult` and writes exactly one log
 * line, without a stack. Only an error that is not an AppError (a bug, a database
 * outage) is logged with its stack, and still answered rather than thrown. Next's own
 * control-flow errors (redirect, notFound) pass through.
 */
export async function staffAction<S extends z.ZodType>(
  spec: StaffActionSpec<S>,
): Promise<StaffActionResult> {
  const parsed = spec.schema.safeParse(spec.input);
  if (!parsed.success) {
    return refused(spec.name, invalid(parsed.error, spec.invalidMessage));
  }
  let user: StaffUser;
  try {
    user = await requireStaffAction(spec.role);
  } catch (error) {
    return failed(spec.name, error);
  }
  try {
    return { status: "success", message: await spec.run(parsed.data, user) };
  } catch (error) {
    return failed(spec.name, error, user);
  }
}

/**
 * The named fields of a form, as an object for a schema. Anything that is not a
 * FormData (a fuzzer's string, object or nothing) reads as an empty form, so the
 * schema names each missing field instead of the action throwing.
 */
export function formFields(form: unknown, names: readonly string[]): Record<string, unknown> {
  if (!(form instanceof FormData)) return {};
  return Object.fromEntries(names.map((name) => [name, form.get(name) ?? undefined]));
}

/** A zod failure as the form shows it: one message, and the first reason per field. */
function invalid(error: z.ZodError, message = "Check the highlighted fields."): AppError {
  return new AppError("bad_request:staff", message, { fieldErrors: fieldErrorsOf(error) });
}

function failed(name: string, error: unknown, user?: StaffUser): StaffActionResult {
  unstable_rethrow(error);
  if (error instanceof AppError) return refused(name, error, user);
  getLogger().error({ action: name, ...who(user), ...errorFields(error) }, "staff action failed");
  return {
    status: "error",
    code: "upstream:staff",
    message: "Something went wrong. Try again; if it keeps failing, check the server log.",
  };
}

/** The refusal as a result, and its one log line (no stack: nothing here is a bug). */
function refused(name: string, error: AppError, user?: StaffUser): StaffActionResult {
  const fields = error.fieldErrors
    ? ` [${Object.entries(error.fieldErrors)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}]`
    : "";
  // Vectara failing is the operator's business; a refused request is only worth a note.
  const level = error.code.startsWith("upstream:") ? "error" : "warn";
  getLogger()[level](
    { action: name, ...who(user), code: error.code, reason: oneLine(`${error.message}${fields}`) },
    "staff action refused",
  );
  return {
    status: "error",
    code: error.code,
    message: error.message,
    ...(error.fieldErrors && { fieldErrors: error.fieldErrors }),
  };
}

/** The staff user as the log shows them: a hash of their id, and their role. */
const who = (user: StaffUser | undefined) =>
  user ? { staff: hashId(user.userId), role: user.role } : {};

/** One line of at most 500 characters: messages may quote what the caller sent. */
const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, " ").slice(0, 500);
