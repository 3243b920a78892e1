/**
 * A job the watchdog could not check (ECS or the state table refused, or kept failing past the SDK's retries):
 * its overdue task may keep running and a missed run may go unalarmed. The next run, 5 minutes later, tries
 * again, so the invocation does not fail; people are told instead, flood-controlled per job (the first
 * message, then a digest while it lasts). Pure.
 */
import { arnName } from "../events/arns.js";
import type { JobSpec } from "../jobs/types.js";
import type { Message } from "../notify/message.js";
import type { NotifyMeta } from "../notify/port.js";

/** The JobRuns `outcome` of a job the watchdog could not check. */
export const WATCHDOG_ERROR_OUTCOME = "watchdog-error";

export function watchdogErrorMessage(job: JobSpec, error: string, now: Date): Message {
  const cluster = arnName(job.cluster) ?? job.cluster;
  return {
    kind: "job",
    severity: "warning",
    category: "job-watchdog-error",
    title: `Job ${job.name}: the watchdog could not check it`,
    cause: `The watchdog could not read the job's tasks or runs (${error}): an overdue task is not stopped and a missed run is not alarmed while this lasts. It tries again every 5 minutes.`,
    evidence: [error],
    remediation: [
      "Read the watchdog function's log for the error.",
      "If access was denied: the watchdog's role needs ecs:ListTasks, ecs:DescribeTasks and ecs:StopTask on the job's cluster, and the state table (redeploy the stack).",
    ],
    facts: [
      { label: "Job", value: job.name },
      { label: "Cluster", value: cluster },
    ],
    links: [],
    cluster,
    family: job.name,
    time: now.toISOString(),
  };
}

/** One message per watchdog run and job; repeats within the flood window become the job's digest. */
export function watchdogErrorMeta(job: JobSpec, now: Date): Pick<NotifyMeta, "dedupeKey" | "throttleKey"> {
  return {
    dedupeKey: `job#${job.name}#watchdog-error#${now.toISOString()}`,
    throttleKey: `job#${job.name}#watchdog-error`,
  };
}
