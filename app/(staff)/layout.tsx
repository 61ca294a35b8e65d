import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { getConfig } from "@/lib/config";

// Staff pages read the session cookie and the server's configuration on every request.
export const dynamic = "force-dynamic";

export default function StaffGroupLayout({ children }: { children: ReactNode }) {
  return <Providers mode={getConfig().mode}>{children}</Providers>;
}
