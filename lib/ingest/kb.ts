import type { FilterAttributeInput } from "@/lib/vectara";

/** The demo knowledge base, relative to the repository root the app is started from. */
export const DEMO_KB_DIR = "content/demo-kb";

/**
 * The filter attributes of a support knowledge base: the front matter every demo-kb
 * article carries (`title, category, product_area, url, updated`), declared at the
 * document level so chats and the admin list can filter on them. Seeding and
 * `npm run ingest -- --create` both declare these, so either way makes the same corpus.
 */
export const SUPPORT_KB_FILTER_ATTRIBUTES: FilterAttributeInput[] = [
  { name: "category", level: "document", type: "text", indexed: true },
  { name: "product_area", level: "document", type: "text", indexed: true },
  { name: "updated", level: "document", type: "text", indexed: true },
  { name: "title", level: "document", type: "text", indexed: false },
  { name: "url", level: "document", type: "text", indexed: false },
];
