/**
 * The watchdog Lambda's use case: every few minutes, stop job tasks past their maxRuntime, alarm missed runs
 * and send the flood digests no later message reported. Orchestration over ports: no AWS imports here.
 */

import { errorSummary } from "../aws-errors.js";
import { wouldStopOverdueMessage } from "../jobs/job-messages.js";
import type { EcsJobsPort, OverdueTask } from "../jobs/ports.js";
import type { JobSpec } from "../jobs/types.js";
import { runWatchdog } from "../jobs/watchdog.js";
import { METRIC, type Metrics } from "../metrics/port.js";
import type { Message } from "../notify/message.js";
import type { NotifyMeta } from "../notify/port.js";
import { jobProblemKey } from "../notify/problems/keys.js";
import type { JobsFlowDeps } from "./job-run.js";
import { WATCHDOG_ERROR_OUTCOME, watchdogErrorMessage, watchdogErrorMeta } from "./watchdog-error.js";

export interface WatchdogFlowDeps
  extends Pick<
    JobsFlowDeps,
    "jobs" | "ecs" | "ecsFor" | "refusalFor" | "store" | "now" | "notify" | "log" | "dryRun"
  > {
  /** The notification service's sweep: digests of flood windows that no later message reported. */
  sweepDigests: (
    now: number,
  ) => Promise<{ digests: unknown[]; failed: number; deferred: number; resolved?: string[] }>;
  /** Counts the jobs it could not check; absent = not counted (the CLI). */
  metrics?: Metrics;
}

export interface WatchdogFlowResult {
  stopped: (OverdueTask & { job: string })[];
  /** DRY_RUN: what would have been stopped. */
  wouldStop: (OverdueTask & { job: string })[];
  missed: { job: string; scheduledAt: string }[];
  messages: number;
  notifyFailures: number;
  errors: { job: string; error: string }[];
  digests: { sent: number; failed: number; deferred: number };
  /** PagerDuty incidents resolved because their flood went quiet. */
  resolvedIncidents: string[];
}

/** An ECS port whose StopTask only records (DRY_RUN). */
function withoutStops(ecs: EcsJobsPort): EcsJobsPort {
  return {
    resolveTaskDefinition: (reference) => ecs.resolveTaskDefinition(reference),
    serviceNetwork: (cluster, service) => ecs.serviceNetwork(cluster, service),
    listJobTasks: (cluster, startedBy) => ecs.listJobTasks(cluster, startedBy),
    runTask: (request) => ecs.runTask(request),
    stopTask: async () => {},
  };
}

/**
 * The watchdog Lambda's use case: stop runs past their maxRuntime (their completion then reports them),
 * alarm missed runs, and send the flood digests no later message reported.
 */
export async function handleWatchdog(deps: WatchdogFlowDeps): Promise<WatchdogFlowResult> {
  const now = deps.now();
  const guard = (ecs: EcsJobsPort) => (deps.dryRun ? withoutStops(ecs) : ecs);
  const { ecsFor, refusalFor } = deps;
  const report = await runWatchdog(deps.jobs, {
    ecs: guard(deps.ecs),
    ...(ecsFor ? { ecsFor: (job: JobSpec) => guard(ecsFor(job)) } : {}),
    ...(refusalFor ? { refusalFor } : {}),
    store: deps.store,
    now: deps.now,
  });
  const pending: {
    job: JobSpec;
    message: Message;
    meta: Pick<NotifyMeta, "dedupeKey" | "throttleKey" | "problem">;
  }[] = [];
  // runWatchdog pushes one alarm message per missed run, in the same order.
  for (const [index, missed] of report.missed.entries()) {
    const job = deps.jobs.find((candidate) => candidate.name === missed.job);
    const message = report.messages[index];
    if (!job || !message || job.notify.on === "never") continue;
    const dedupeKey = `job#${job.name}#missed#${missed.scheduledAt.toISOString()}`;
    pending.push({ job, message, meta: { dedupeKey, problem: { key: jobProblemKey(job.name) } } });
  }
  // A job it could not check is not the job's failure (no incident), but its overdue task or missed run would be.
  for (const { job: name, error } of report.errors) {
    const job = deps.jobs.find((candidate) => candidate.name === name);
    if (job)
      pending.push({
        job,
        message: watchdogErrorMessage(job, error, now),
        meta: watchdogErrorMeta(job, now),
      });
  }
  if (report.errors.length > 0)
    deps.metrics?.count(METRIC.jobs, { outcome: WATCHDOG_ERROR_OUTCOME }, report.errors.length);
  if (deps.dryRun) {
    for (const overdue of report.stopped) {
      const job = deps.jobs.find((candidate) => candidate.name === overdue.job);
      if (!job) continue;
      const message = wouldStopOverdueMessage(job, overdue, now);
      const dedupeKey = `job#${job.name}#overdue#${overdue.taskArn}`;
      pending.push({ job, message, meta: { dedupeKey, problem: { key: jobProblemKey(job.name) } } });
    }
  }
  let notifyFailures = 0;
  for (const { job, message, meta } of pending) {
    try {
      await deps.notify(message, {
        ...(job.notify.channels ? { channels: job.notify.channels } : {}),
        ...meta,
      });
    } catch (error) {
      notifyFailures++;
      deps.log.error("watchdog message could not be delivered", {
        job: job.name,
        error: errorSummary(error),
      });
    }
  }
  for (const { job, error } of report.errors)
    deps.log.error("watchdog could not check a job", { job, error });
  for (const stop of report.stopped) {
    deps.log.info(deps.dryRun ? "dry run: would stop overdue job task" : "stopped overdue job task", {
      job: stop.job,
      taskArn: stop.taskArn,
      runningSeconds: stop.runningSeconds,
    });
  }
  const sweep = await deps.sweepDigests(now.getTime());
  return {
    stopped: deps.dryRun ? [] : report.stopped,
    wouldStop: deps.dryRun ? report.stopped : [],
    missed: report.missed.map((missed) => ({
      job: missed.job,
      scheduledAt: missed.scheduledAt.toISOString(),
    })),
    messages: pending.length - notifyFailures,
    notifyFailures,
    errors: report.errors,
    digests: { sent: sweep.digests.length, failed: sweep.failed, deferred: sweep.deferred },
    resolvedIncidents: sweep.resolved ?? [],
  };
}
