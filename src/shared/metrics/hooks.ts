/**
 * Counts a deployment-hook payload the hook could not read as `EventsDropped` {reason: hook-unparseable}: it was
 * answered by the fail-open (or fail-closed) policy, never judged. The handler's recorder: it reads the payload
 * as the hook did (parseHookPayload is pure and cheap), since the hook's answer to ECS does not say.
 */
import { parseHookPayload } from "../hooks/payload.js";
import { METRIC, type Metrics } from "./port.js";

export const HOOK_UNPARSEABLE_REASON = "hook-unparseable";

export function recordHookPayload(metrics: Metrics, event: unknown): void {
  if (!parseHookPayload(event).ok) metrics.count(METRIC.eventsDropped, { reason: HOOK_UNPARSEABLE_REASON });
}
