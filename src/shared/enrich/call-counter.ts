/**
 * What enrichment costs: a counter of AWS calls made and cache hits, readable by the benchmark, and the rule
 * that decides when an alert is worth spending calls on. Pure.
 */
import type { Diagnosis } from "../diagnosis/types.js";

/** Operation names used by the enrichment adapters, so the benchmark can read them without guessing. */
export const ENRICH_OPERATIONS = {
  describeTaskDefinition: "ecs:DescribeTaskDefinition",
  taskDefinitionCacheHit: "cache-hit:task-definition",
  getLogEvents: "logs:GetLogEvents",
  historyWrite: "dynamodb:BatchWriteItem",
  historyQuery: "dynamodb:Query",
} as const;

export class CallCounter {
  private readonly counts = new Map<string, number>();

  count(operation: string, by = 1): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + by);
  }

  get(operation: string): number {
    return this.counts.get(operation) ?? 0;
  }

  /** Counts by operation name, e.g. `{ "ecs:DescribeTaskDefinition": 3, "cache-hit:task-definition": 97 }`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}

/** One counter per Lambda container, shared by every adapter unless a test passes its own. */
export const enrichmentCalls = new CallCounter();

/**
 * Expected stops (`info`: scale-in, deployments replacing tasks, a user's StopTask, a finished job) are not
 * incidents: a deployment of 50 tasks would otherwise cost 50 log reads and history queries for nothing.
 * Callers check this before any log tail, task definition diff or history query.
 */
export function shouldEnrich(diagnosis: Pick<Diagnosis, "severity">): boolean {
  return diagnosis.severity !== "info";
}
