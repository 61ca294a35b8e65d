"use client";

import type { ErrorInfo } from "next/error";
import { StaffPageError } from "@/components/staff/page-error";

/** A console page that failed (Vectara or the app DB): inside the console's frame, with "Try again". */
export default function AgentError({ error, retry }: ErrorInfo) {
  return <StaffPageError error={error} retry={retry} />;
}
