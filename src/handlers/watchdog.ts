/**
 * Lambda run every 5 minutes by the watchdog schedule: stops job tasks past their maxRuntime, alarms missed
 * runs and sends pending flood digests. A thin adapter; the schedule's payload carries nothing it needs.
 */
import type { Context } from "aws-lambda";
import { memoisedJobsDeps } from "../app/jobs-lambda.js";
import { logger, withLogContext } from "../app/logger.js";
import { recordWatchdog, withMetrics } from "../app/metrics.js";
import { handleWatchdog } from "../shared/flows/job-watchdog.js";

// No top-level await: `serverless invoke local` loads handlers with require() (see memoisedJobsDeps).
const deps = memoisedJobsDeps();

const watchdog = async (_event: unknown, context: Context) => {
  const result = await handleWatchdog(await deps(context));
  logger.info("watchdog done", {
    stopped: result.stopped.length,
    wouldStop: result.wouldStop.length,
    missed: result.missed.length,
    errors: result.errors.length,
    digests: result.digests,
  });
  return result;
};

export const handler = withLogContext(withMetrics("watchdog", watchdog, recordWatchdog));
