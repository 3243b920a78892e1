/**
 * Lambda behind every job schedule: EventBridge Scheduler invokes it with {"job": NAME, "scheduledTime": ...,
 * "executionId": ...}. A thin adapter: the jobs file is loaded (and validated) once per container, starting
 * when the module loads; an invalid file fails the invocation loudly.
 */
import { memoisedJobsDeps } from "../app/jobs-lambda.js";
import { withLogContext } from "../app/logger.js";
import { recordRunJob, withMetrics } from "../app/metrics.js";
import { handleRunJob, runJobLogKeys } from "../shared/flows/job-run.js";

// No top-level await: `serverless invoke local` loads handlers with require() (see memoisedJobsDeps).
const deps = memoisedJobsDeps();

export const handler = withLogContext(
  withMetrics(
    "runJob",
    async (event: unknown, context) => handleRunJob(event, await deps(context)),
    recordRunJob,
  ),
  runJobLogKeys,
);
