/** Lambda for `ECS Task State Change` (stopped tasks and Spot interruption notices): a thin adapter. */
import type { EventBridgeEvent } from "aws-lambda";
import { lambdaFlowDeps } from "../app/events.js";
import { eventLogKeys, withLogContext } from "../app/logger.js";
import { withMetrics } from "../app/metrics.js";
import { recordDispatch } from "../app/metrics-events.js";
import { DETAIL_TYPES, dispatchEvent } from "../shared/flows/dispatch.js";

const deps = lambdaFlowDeps();

export const handler = withLogContext(
  withMetrics(
    "taskState",
    (event: EventBridgeEvent<string, unknown>, context) =>
      dispatchEvent(event, deps(context), [DETAIL_TYPES.task]),
    recordDispatch,
  ),
  eventLogKeys,
);
