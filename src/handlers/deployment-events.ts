/** Lambda for `ECS Deployment State Change` and `ECS Service Action`: a thin adapter. */
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
    return await dispatchEvent(event, deps(context), [DETAIL_TYPES.deployment, DETAIL_TYPES.serviceAction]);
  } finally {
    logger.resetKeys();
  }
};
