"use client";

import { useActionState } from "react";
import { focusRing } from "@/components/ui/button";
import { WarningIcon } from "@/components/ui/icons";
import { signInAction } from "./actions";
import type { LoginState } from "./schema";

const field = `block w-full rounded-md border border-border bg-surface px-3 py-2 text-sm placeholder:text-muted ${focusRing}`;

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(signInAction, {});

  return (
    <form action={action} className="flex flex-col gap-4">
      <input type="hidden" name="next" value={next} />
      <div className="flex flex-col gap-1.5">
        <label htmlFor="login-email" className="font-medium text-sm">
          Email
        </label>
        <input
          id="login-email"
          data-testid="login-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          // Re-mounts with the email typed last, after a failed attempt.
          key={state.email ?? ""}
          defaultValue={state.email ?? ""}
          className={field}
        />
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor="login-password" className="font-medium text-sm">
          Password
        </label>
        <input
          id="login-password"
          data-testid="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={field}
        />
      </div>
      {state.error && (
        <p
          data-testid="login-error"
          role="alert"
          className="flex items-start gap-2 rounded-md border border-danger/30 bg-danger-soft px-3 py-2 text-danger-foreground text-sm"
        >
          <WarningIcon className="mt-0.5 size-4 shrink-0" />
          <span>{state.error.message}</span>
        </p>
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
