"use client";

import { useActionState, useEffect, useState } from "react";
import { Button, focusRing } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { ActionResult } from "./action-result";
import { type AdminActionState, idleState } from "./action-state";

type Action = (state: AdminActionState, form: FormData) => Promise<AdminActionState>;

const input = `w-full rounded-md border border-border bg-background px-3 py-1.5 text-sm aria-invalid:border-danger ${focusRing}`;

/** Adds a staff account with an initial password the admin passes on. */
export function AddUserForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, idleState);
  // Controlled, so that a refused submission keeps what was typed (React resets
  // uncontrolled fields after every form action).
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("agent");
  const [password, setPassword] = useState("");
  const fieldError = (name: string) =>
    state.status === "error" ? state.fieldErrors?.[name] : undefined;

  useEffect(() => {
    if (state.status !== "success") return;
    setEmail("");
    setRole("agent");
    setPassword("");
  }, [state]);

  return (
    <section
      aria-labelledby="add-user-heading"
      className="rounded-xl border border-border bg-surface p-4 sm:p-5"
    >
      <h2 id="add-user-heading" className="font-semibold text-base">
        Add a user
      </h2>
      <form
        action={formAction}
        className="mt-3 grid gap-3 sm:grid-cols-[2fr_1fr_2fr_auto] sm:items-start"
      >
        <Field label="Email" error={fieldError("email")} id="new-user-email">
          {(control) => (
            <input
              {...control}
              name="email"
              type="email"
              required
              autoComplete="off"
              data-testid="new-user-email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className={input}
            />
          )}
        </Field>
        <Field label="Role" error={fieldError("role")} id="new-user-role">
          {(control) => (
            <select
              {...control}
              name="role"
              data-testid="new-user-role"
              value={role}
              onChange={(e) => setRole(e.target.value)}
              className={input}
            >
              <option value="agent">agent</option>
              <option value="moderator">moderator</option>
              <option value="admin">admin</option>
            </select>
          )}
        </Field>
        <Field
          label="Initial password"
          hint="At least 12 characters."
          error={fieldError("password")}
          id="new-user-password"
        >
          {(control) => (
            <input
              {...control}
              name="password"
              type="password"
              required
              minLength={12}
              maxLength={256}
              autoComplete="new-password"
              data-testid="new-user-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              className={input}
            />
          )}
        </Field>
        <Button
          type="submit"
          variant="primary"
          data-testid="add-user"
          disabled={pending}
          className="sm:mt-6"
        >
          {pending ? "Adding…" : "Add user"}
        </Button>
      </form>
      <ActionResult state={state} successTestId="add-user-result" />
    </section>
  );
}
