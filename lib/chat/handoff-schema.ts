import { z } from "zod";

/**
 * A visitor's request to reach a person, as the browser's form and the route both check
 * it (browser-safe: zod only). The email is staff-only once sent: the visitor's API
 * answers with `HandoffStatus`, which never holds it.
 */

export const HANDOFF_MESSAGE_MAX = 1000;

export const handoffRequestSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, "Enter your email address.")
    .max(254, "An email address is at most 254 characters.")
    .pipe(z.email("Enter an email address like name@example.com.")),
  message: z
    .string()
    .trim()
    .min(1, "Tell us briefly what you need help with.")
    .max(HANDOFF_MESSAGE_MAX, `Keep the message under ${HANDOFF_MESSAGE_MAX} characters.`),
});

export type HandoffRequest = z.infer<typeof handoffRequestSchema>;

export type HandoffState = "open" | "contacted" | "closed";

/** What the visitor's API says of a handoff: its state and times, never the email. */
export interface HandoffStatus {
  state: HandoffState;
  requestedAt: string;
  updatedAt: string;
}

/** The visitor's `GET …/handoff`: the chat's handoff, or null when none was asked for. */
export interface HandoffStatusBody {
  handoff: HandoffStatus | null;
}
