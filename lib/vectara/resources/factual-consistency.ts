import {
  type EvaluateFactualConsistencyRequest,
  evaluateFactualConsistencyRequestSchema,
  evaluateFactualConsistencyResponseSchema,
} from "../schemas/summaries";
import type { RequestOptions, Transport } from "../transport";
import { validate } from "./validate";

/** How consistent a text is with its sources: 0 (unsupported) to 1 (supported). */
export interface FactualConsistency {
  score: number;
}

/** `POST /v2/evaluate_factual_consistency`. It changes nothing, so it is retried like a read. */
export class FactualConsistencyEvaluation {
  constructor(private readonly transport: Transport) {}

  async evaluate(
    body: EvaluateFactualConsistencyRequest,
    options?: RequestOptions,
  ): Promise<FactualConsistency> {
    const request = validate(evaluateFactualConsistencyRequestSchema, body, "body");
    const wire = await this.transport.json(
      { method: "POST", path: "/v2/evaluate_factual_consistency", body: request, idempotent: true },
      evaluateFactualConsistencyResponseSchema,
      options,
    );
    return { score: wire.score };
  }
}
