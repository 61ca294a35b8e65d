"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { focusRing } from "@/components/ui/button";

export function StaffNavLink({ href, children }: { href: string; children: ReactNode }) {
  const pathname = usePathname();
  const active =
    href === "/agent"
      ? pathname === "/agent" || pathname.startsWith("/agent/chats")
      : pathname.startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-md px-2.5 py-1.5 font-medium ${
        active ? "bg-surface-muted text-foreground" : "text-muted hover:text-foreground"
      } ${focusRing}`}
    >
      {children}
    </Link>
  );
}
