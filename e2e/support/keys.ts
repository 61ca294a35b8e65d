/** The personal key of the test server's local engine; playwright.config.ts passes it as LOCAL_API_KEY. */
export const E2E_API_KEY = "zut_e2e_personal_key_0123456789";

/** The local app's OAuth app client, which the remote-mode instance authenticates with. */
export const E2E_APP_CLIENT = {
  id: "e2e-remote-parley",
  secret: "e2e-remote-parley-secret-0123456789",
  /** Tokens expire this fast, so the remote instance refreshes them during the run. */
  ttlSeconds: 5,
} as const;
