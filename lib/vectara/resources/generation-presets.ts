import { type GenerationPreset, toGenerationPreset } from "../domain";
import { nextKey, Page } from "../pagination";
import {
  type ListGenerationPresetsParams,
  listGenerationPresetsParamsSchema,
  listGenerationPresetsResponseSchema,
} from "../schemas/presets";
import type { RequestOptions, Transport } from "../transport";
import { validate } from "./validate";

export class GenerationPresets {
  constructor(private readonly transport: Transport) {}

  async list(
    params: ListGenerationPresetsParams = {},
    options?: RequestOptions,
  ): Promise<Page<GenerationPreset>> {
    const query = validate(listGenerationPresetsParamsSchema, params, "query");
    const wire = await this.transport.json(
      { method: "GET", path: "/v2/generation_presets", query, idempotent: true },
      listGenerationPresetsResponseSchema,
      options,
    );
    return new Page(
      (wire.generation_presets ?? []).map(toGenerationPreset),
      nextKey(wire.metadata?.page_key),
      (page_key) => this.list({ ...params, page_key }, options),
    );
  }
}
