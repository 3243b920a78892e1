/**
 * Lambda for `ECS Deployment State Change`, `ECS Service Action`, `ECS Hook State Change` and the container instance
 * state and health changes: a thin adapter.
 */
import type { EventBridgeEvent } from "aws-lambda";
import { lambdaFlowDeps } from "../app/events.js";
import { eventLogKeys, withLogContext } from "../app/logger.js";
import { withMetrics } from "../app/metrics.js";
import { recordDispatch } from "../app/metrics-events.js";
import { DETAIL_TYPES, dispatchEvent } from "../shared/flows/dispatch.js";

const deps = lambdaFlowDeps();

export const handler = withLogContext(
  withMetrics(
    "deploymentEvents",
    (event: EventBridgeEvent<string, unknown>, context) =>
      dispatchEvent(event, deps(context), [
        DETAIL_TYPES.deployment,
        DETAIL_TYPES.serviceAction,
        DETAIL_TYPES.hookState,
        DETAIL_TYPES.containerInstanceState,
        DETAIL_TYPES.containerInstanceHealth,
      ]),
    recordDispatch,
  ),
  eventLogKeys,
);
