import { errors } from "./errors";

/**
 * A request's time budget (`Request-Timeout(-Millis)` over HTTP); the services check it
 * between stages and a 408 follows once it has passed. Undefined `ms` means no limit.
 */
export class Deadline {
  private readonly end: number;
  constructor(readonly ms: number | undefined) {
    this.end = ms === undefined ? Number.POSITIVE_INFINITY : Date.now() + ms;
  }
  remaining(): number {
    return this.end - Date.now();
  }
  check(): void {
    if (this.ms !== undefined && Date.now() > this.end) throw errors.timeout(this.ms);
  }
  /** Aborts when the budget runs out; undefined when there is none. */
  signal(): AbortSignal | undefined {
    const remaining = this.remaining();
    return Number.isFinite(remaining) ? AbortSignal.timeout(Math.max(1, remaining)) : undefined;
  }
}
