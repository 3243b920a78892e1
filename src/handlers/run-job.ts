/**
 * Lambda behind every job schedule: EventBridge Scheduler invokes it with {"job": NAME, "scheduledTime": ...,
 * "executionId": ...}. A thin adapter: the jobs file is loaded (and validated) once per container, starting
 * when the module loads; an invalid file fails the invocation loudly.
 */
import type { Context } from "aws-lambda";
import { handleRunJob, runJobLogKeys } from "../shared/flows/jobs.js";
import { memoisedJobsDeps } from "../shared/jobs-lambda.js";
import { logger } from "../shared/logger.js";

// No top-level await: `serverless invoke local` loads handlers with require() (see memoisedJobsDeps).
const deps = memoisedJobsDeps();

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  logger.appendKeys(runJobLogKeys(event));
  try {
    return await handleRunJob(event, await deps(context));
  } finally {
    logger.resetKeys();
  }
};
