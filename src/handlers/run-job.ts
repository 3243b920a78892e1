/**
 * Lambda behind every job schedule: EventBridge Scheduler invokes it with {"job": NAME, "scheduledTime": ...,
 * "executionId": ...}. A thin adapter: the jobs file is loaded (and validated) once at cold start.
 */
import type { Context } from "aws-lambda";
import { handleRunJob, runJobLogKeys } from "../shared/flows/jobs.js";
import { lambdaJobsDeps } from "../shared/jobs-lambda.js";
import { logger } from "../shared/logger.js";

// Top-level await: the jobs file is validated at cold start, before the first invocation.
const deps = await lambdaJobsDeps();

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  logger.appendKeys(runJobLogKeys(event));
  try {
    return await handleRunJob(event, deps(context));
  } finally {
    logger.resetKeys();
  }
};
