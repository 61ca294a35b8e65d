import "server-only";
import { getConfig } from "@/lib/config";
import { resolveAuthSecret } from "./secret-file";

let cached: Promise<string> | undefined;

/** The secret that signs visitor tokens (AUTH_SECRET, or one generated in DATA_DIR). */
export function getAuthSecret(): Promise<string> {
  if (!cached) {
    const loading = (async () => resolveAuthSecret(getConfig()))();
    // A failure (unreadable DATA_DIR) is not cached: the next request tries again.
    loading.catch(() => {
      if (cached === loading) cached = undefined;
    });
    cached = loading;
  }
  return cached;
}
