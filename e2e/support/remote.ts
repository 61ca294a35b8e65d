import type { APIRequestContext } from "@playwright/test";
import type { FaultSpec } from "./fault-proxy";

export type { FaultSpec } from "./fault-proxy";

/**
 * The e2e suite's second Parley instance, in remote mode: its "Vectara" is the fault
 * proxy, which forwards to the local-mode app's /v2 API. Ports are fixed here and in
 * playwright.config.ts.
 */
export const REMOTE_PORT = 3218;
export const FAULT_PROXY_PORT = 3219;
export const REMOTE_BASE_URL = `http://127.0.0.1:${REMOTE_PORT}`;
export const FAULT_PROXY_URL = `http://127.0.0.1:${FAULT_PROXY_PORT}`;

/**
 * Arms one fault (or several, consumed in order) at the upstream: the next matching
 * request the remote instance makes to "Vectara" fails for real. Example:
 *
 *   await armFault(request, { match: "POST /v2/chats", fault: "status", status: 503 });
 *
 * Faults are global to the proxy, which every worker shares: a spec that arms faults
 * should run serially (`test.describe.configure({ mode: "serial" })`) and clear them.
 */
export async function armFault(
  request: APIRequestContext,
  fault: FaultSpec | FaultSpec[],
): Promise<void> {
  const response = await request.post(`${FAULT_PROXY_URL}/__faults`, { data: fault });
  if (response.status() !== 201) {
    throw new Error(
      `arming ${JSON.stringify(fault)} answered ${response.status()}: ${await response.text()}`,
    );
  }
}

/** Disarms every fault still armed. */
export async function clearFaults(request: APIRequestContext): Promise<void> {
  const response = await request.delete(`${FAULT_PROXY_URL}/__faults`);
  if (response.status() !== 204) {
    throw new Error(`clearing faults answered ${response.status()}: ${await response.text()}`);
  }
}

/** The faults still armed, in order: a test can check that its fault was consumed. */
export async function armedFaults(request: APIRequestContext): Promise<FaultSpec[]> {
  const response = await request.get(`${FAULT_PROXY_URL}/__faults`);
  return ((await response.json()) as { faults: FaultSpec[] }).faults;
}

/** How many forwarded requests the proxy's clients abandoned mid-response so far. */
export async function abandonedUpstreamRequests(request: APIRequestContext): Promise<number> {
  const response = await request.get(`${FAULT_PROXY_URL}/__health`);
  return ((await response.json()) as { abandoned: number }).abandoned;
}
