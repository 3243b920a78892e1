/** Counts what a dispatched event came to: its kind, why it was dropped, the diagnosis of a stopped task. */
import { DETAIL_TYPES } from "../events/schemas.js";
import type { DispatchResult } from "../flows/dispatch.js";
import { METRIC, type Metrics } from "./port.js";

const KNOWN_KINDS: ReadonlySet<string> = new Set(Object.values(DETAIL_TYPES));

/** The event's detail-type when it is one ecs-sentinel knows, else "other": an input never mints a dimension value. */
export function eventKind(raw: unknown): string {
  const detailType =
    typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)["detail-type"] : undefined;
  return typeof detailType === "string" && KNOWN_KINDS.has(detailType) ? detailType : "other";
}

export function recordDispatch(metrics: Metrics, raw: unknown, result: DispatchResult): void {
  metrics.count(METRIC.events, { kind: eventKind(raw) });
  if (result.status === "dropped") metrics.count(METRIC.eventsDropped, { reason: result.cause ?? "other" });
  else if (result.status === "diagnosed")
    metrics.count(METRIC.diagnoses, { category: result.diagnosis.category });
}
