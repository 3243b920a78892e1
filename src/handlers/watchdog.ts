/**
 * Lambda run every 5 minutes by the watchdog schedule: stops job tasks past their maxRuntime, alarms missed
 * runs and sends pending flood digests. A thin adapter; the schedule's payload carries nothing it needs.
 */
import type { Context } from "aws-lambda";
import { handleWatchdog } from "../shared/flows/jobs.js";
import { lambdaJobsDeps } from "../shared/jobs-lambda.js";
import { logger } from "../shared/logger.js";

// Top-level await: the jobs file is validated at cold start, before the first invocation.
const deps = await lambdaJobsDeps();

export const handler = async (_event: unknown, context: Context) => {
  logger.addContext(context);
  const result = await handleWatchdog(deps(context));
  logger.info("watchdog done", {
    stopped: result.stopped.length,
    wouldStop: result.wouldStop.length,
    missed: result.missed.length,
    errors: result.errors.length,
    digests: result.digests,
  });
  return result;
};
