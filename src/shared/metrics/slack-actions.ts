/**
 * Counts what Slack's interactivity endpoint refuses as `EventsDropped` by `reason`: requests refused before a
 * click is believed (bad signature, replay, bad request) and clicks of people who are no approver. The reasons
 * are prefixed `slack-`, beside the dispatcher's (events.ts).
 */
import type { IsApprover } from "../slack-actions/approvers.js";
import type { SlackRefusal } from "../slack-actions/endpoint.js";
import { METRIC, type Metrics } from "./port.js";

const REASON: Record<SlackRefusal, string> = {
  "bad-signature": "slack-bad-signature",
  replay: "slack-replay",
  "bad-request": "slack-bad-request",
};

export const UNAUTHORIZED_REASON = "slack-unauthorized";

/** A refused request to the endpoint; an answered one counts nothing. */
export function recordSlackRequest(metrics: Metrics, outcome: { refusal?: SlackRefusal }): void {
  if (outcome.refusal) metrics.count(METRIC.eventsDropped, { reason: REASON[outcome.refusal] });
}

/** The approver check, counting each click it refuses (answered "Not allowed", nothing done). */
export function meteredApproverCheck(isApprover: IsApprover, metrics: Metrics): IsApprover {
  return async (userId, serviceArn) => {
    const allowed = await isApprover(userId, serviceArn);
    if (!allowed) metrics.count(METRIC.eventsDropped, { reason: UNAUTHORIZED_REASON });
    return allowed;
  };
}
