"use client";

import type { ErrorInfo } from "next/error";
import { StaffPageError } from "@/components/staff/page-error";

/**
 * What the agent and admin boundaries cannot catch: their own layout failing (reading the
 * staff session), or the sign-in page. Without the console's frame, which did not render.
 */
export default function StaffGroupError({ error, retry }: ErrorInfo) {
  return <StaffPageError error={error} retry={retry} standalone />;
}
