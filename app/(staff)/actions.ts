"use server";

import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/staff";

/** Signs the staff user out and shows the sign-in page. */
export async function signOutAction(): Promise<void> {
  await signOut();
  redirect("/login");
}
