"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { focusRing } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { signInAction } from "./actions";
import type { LoginState } from "./schema";

const inputClass = `block w-full rounded-md border border-border bg-surface px-3 py-2 text-sm placeholder:text-muted ${focusRing}`;

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(signInAction, {});

  return (
    <form action={action} className="flex flex-col gap-4">
      <input type="hidden" name="next" value={next} />
      <Field id="login-email" label="Email">
        {(control) => (
          <input
            {...control}
            data-testid="login-email"
            name="email"
            type="email"
            autoComplete="username"
            required
            // Re-mounts with the email typed last, after a failed attempt.
            key={state.email ?? ""}
            defaultValue={state.email ?? ""}
            className={inputClass}
          />
        )}
      </Field>
      <Field id="login-password" label="Password">
        {(control) => (
          <input
            {...control}
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className={inputClass}
          />
        )}
      </Field>
      {state.error && (
        <Alert data-testid="login-error" icon>
          {state.error.message}
        </Alert>
      )}
      <button
        type="submit"
        data-testid="login-submit"
        disabled={pending}
        className={`inline-flex w-full items-center justify-center rounded-md bg-brand px-3 py-2 font-medium text-brand-foreground text-sm shadow-sm transition-colors hover:bg-brand/90 disabled:pointer-events-none disabled:opacity-60 ${focusRing}`}
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
