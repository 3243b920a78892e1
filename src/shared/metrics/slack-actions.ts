/**
 * Counts what Slack's interactivity endpoint refuses as `EventsDropped` by `reason`: requests refused before a
 * click is believed (bad signature, replay, bad request), clicks of people who are no approver, and clicks on a
 * button that no longer acts (stale: not offered any more, or already claimed). The reasons are prefixed
 * `slack-`, beside the dispatcher's (events.ts).
 */
import type { IsApprover } from "../slack-actions/approvers.js";
import type { SlackRefusal } from "../slack-actions/endpoint.js";
import type { ActionService } from "../slack-actions/service.js";
import type { WorkspaceRefusal } from "../slack-actions/types.js";
import { METRIC, type Metrics } from "./port.js";

const REASON: Record<SlackRefusal, string> = {
  "bad-signature": "slack-bad-signature",
  replay: "slack-replay",
  "bad-request": "slack-bad-request",
};

export const UNAUTHORIZED_REASON = "slack-unauthorized";
export const STALE_REASON = "slack-stale";

const WORKSPACE_REASON: Record<WorkspaceRefusal, string> = {
  "other-workspace": "slack-other-workspace",
  "workspace-unconfirmed": "slack-workspace-unconfirmed",
};

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

/**
 * The action service, counting each click it refuses for its workspace and each it answers as stale (the button
 * no longer acts); nothing was done for either.
 */
export function meteredActionService(service: ActionService, metrics: Metrics): ActionService {
  return {
    decide: async (click) => {
      const decision = await service.decide(click);
      if (decision.refused)
        metrics.count(METRIC.eventsDropped, { reason: WORKSPACE_REASON[decision.refused] });
      if (decision.stale) metrics.count(METRIC.eventsDropped, { reason: STALE_REASON });
      return decision;
    },
    execute: (claim) => service.execute(claim),
  };
}
