/** The personal key of the test server's local engine; playwright.config.ts passes it as LOCAL_API_KEY. */
export const E2E_API_KEY = "zut_e2e_personal_key_0123456789";
