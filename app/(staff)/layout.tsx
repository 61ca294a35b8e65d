import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { getConfig } from "@/lib/config";

// Staff pages read the session cookie and the server's configuration on every request.
export const dynamic = "force-dynamic";

/**
 * The console's tabs say so, once: "Audit log · Parley Staff". `absolute`, because the
 * root layout's template would make a default "Parley Staff · Parley".
 */
export const metadata: Metadata = {
  title: { absolute: "Parley Staff", template: "%s · Parley Staff" },
};

export default function StaffGroupLayout({ children }: { children: ReactNode }) {
  const { mode, scoreThresholds } = getConfig();
  return (
    <Providers mode={mode} scoreThresholds={scoreThresholds}>
      {children}
    </Providers>
  );
}
