"use client";

import type { ErrorInfo } from "next/error";
import { StaffPageError } from "@/components/staff/page-error";

/** An admin page that failed: below the admin's heading and tabs, with "Try again". */
export default function AdminError({ error, retry }: ErrorInfo) {
  return <StaffPageError error={error} retry={retry} heading="h2" />;
}
