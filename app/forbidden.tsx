import type { Metadata } from "next";
import Link from "next/link";
import { focusRing } from "@/components/ui/button";
import { ShieldOffIcon } from "@/components/ui/icons";
import { signOutAction } from "./(staff)/actions";

export const metadata: Metadata = { title: "No access" };

/** Rendered, with a 403, when a signed-in staff user opens a page above their role. */
export default function Forbidden() {
  return (
    <main
      data-testid="forbidden"
      className="flex min-h-dvh items-center justify-center bg-background px-4 py-12"
    >
      <div className="w-full max-w-sm rounded-xl border border-border bg-surface p-6 text-center shadow-sm">
        <span className="mx-auto grid size-10 place-items-center rounded-full bg-warning-soft text-warning-foreground">
          <ShieldOffIcon className="size-5" />
        </span>
        <h1 className="mt-4 font-semibold text-lg tracking-tight">
          You don’t have access to this page
        </h1>
        <p className="mt-1.5 text-muted text-sm">
          Your role does not include it. Ask an admin if you need access.
        </p>
        <div className="mt-5 flex justify-center gap-2">
          <Link
            href="/agent"
            className={`inline-flex items-center rounded-md bg-brand px-3 py-1.5 font-medium text-brand-foreground text-sm shadow-sm hover:bg-brand/90 ${focusRing}`}
          >
            Go to conversations
          </Link>
          <form action={signOutAction}>
            <button
              type="submit"
              className={`inline-flex items-center rounded-md border border-border px-3 py-1.5 font-medium text-sm hover:bg-surface-muted ${focusRing}`}
            >
              Sign out
            </button>
          </form>
        </div>
      </div>
    </main>
  );
}
