/** Credentials from the developer's shell must never reach a test server. */
export const NO_VECTARA_CREDENTIALS = {
  VECTARA_API_KEY: "",
  VECTARA_CUSTOMER_ID: "",
  VECTARA_CLIENT_ID: "",
  VECTARA_CLIENT_SECRET: "",
  VECTARA_AUTH_URL: "",
  VECTARA_BASE_URL: "",
  VECTARA_CORPUS_KEY: "",
};
