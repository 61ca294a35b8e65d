import { queryMetadata } from "../../services/metadata-query";
import { type Ctx, engineContext, type Route, readJson } from "../context";
import { json } from "../respond";
import { metadataQuerySchema } from "../schemas/metadata-query";
import { requireCorpus } from "./corpora";

async function metadataQuery(ctx: Ctx) {
  // The key's scope (403) and the corpus (404) before the body is read.
  const corpus = requireCorpus(ctx);
  const body = await readJson(ctx, metadataQuerySchema);
  return json(
    200,
    queryMetadata(engineContext(ctx), corpus.key, {
      level: body.level,
      queries: body.queries,
      metadataFilter: body.metadata_filter,
      limit: body.limit,
      offset: body.offset,
    }),
  );
}

export const metadataQueryRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v2/corpora/:corpus_key/metadata_query",
    role: "serving",
    handler: metadataQuery,
  },
];
