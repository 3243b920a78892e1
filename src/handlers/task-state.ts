/** Lambda for `ECS Task State Change` (stopped tasks and Spot interruption notices): a thin adapter. */
import type { Context, EventBridgeEvent } from "aws-lambda";
import { DETAIL_TYPES } from "../shared/events/schemas.js";
import { dispatchEvent } from "../shared/flows/dispatch.js";
import { eventLogKeys, logger } from "../shared/logger.js";
import { lambdaFlowDeps } from "../shared/wiring.js";

const deps = lambdaFlowDeps();

export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context) => {
  logger.addContext(context);
  logger.appendKeys(eventLogKeys(event));
  try {
    return await dispatchEvent(event, deps(context), [DETAIL_TYPES.task]);
  } finally {
    logger.resetKeys();
  }
};
