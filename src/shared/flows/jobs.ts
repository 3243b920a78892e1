/**
 * The job use cases: what the run-job Lambda (and `ecs-sentinel jobs run`) does with a Scheduler invocation,
 * what the watchdog Lambda does every few minutes, and the task-state hook that closes a job's run when its
 * task stops. Orchestration over ports (ECS, run store, notifier, clock): no AWS imports here.
 *
 * A job's notify policy decides which outcomes are sent; its `channels` pick the channels. Failing to start
 * is always sent. Every message carries a dedupe key derived from the run, so an invocation that is retried
 * after a partial delivery does not send it twice.
 */
import type { Diagnosis } from "../diagnosis/types.js";
import type { TaskStateChangeEvent } from "../events/parse.js";
import type { EcsTask } from "../events/schemas.js";
import { completeRun } from "../jobs/completion.js";
import { failedToStartMessage } from "../jobs/job-messages.js";
import type { EcsJobsPort, JobRunStore } from "../jobs/ports.js";
import { type RunJobDeps, type RunJobResult, runJob } from "../jobs/run-job.js";
import type { JobRun } from "../jobs/run-record.js";
import {
  type AwsVpcNetwork,
  buildRunTaskRequest,
  planRun,
  type RunTaskRequest,
  startedByFor,
} from "../jobs/runner.js";
import { JOB_TAG, type JobSpec } from "../jobs/types.js";
import { type OverdueTask, runWatchdog } from "../jobs/watchdog.js";
import type { Log } from "../log.js";
import type { Message } from "../notify/message.js";
import type { ChannelOutcome } from "../notify/port.js";
import { skippedMessage, wouldStopOverdueMessage } from "./jobs-messages.js";
import type { TaskHook } from "./task-stopped.js";

/**
 * Sends a job message to `channels` (undefined: every configured channel). The caller has already applied
 * the job's notify policy, so severity minimums do not filter job messages.
 */
export type JobNotifier = (
  message: Message,
  target: { channels?: string[]; dedupeKey: string },
) => Promise<ChannelOutcome[]>;

export interface JobsFlowDeps extends RunJobDeps {
  jobs: readonly JobSpec[];
  notify: JobNotifier;
  log: Log;
  /** DRY_RUN: read ECS, decide and report, but neither start nor stop a task. */
  dryRun: boolean;
}

/** What EventBridge Scheduler sends (the schedule's Input, with its context attributes filled in). */
export interface RunJobInput {
  job: string;
  scheduledTime?: string;
  executionId?: string;
}

/** The invocation payload is not `{"job": NAME, ...}`: retrying cannot fix it. */
export class RunJobInputError extends Error {
  override readonly name = "RunJobInputError";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Scheduler leaves `<aws.scheduler.*>` placeholders as they are when a person invokes the function by hand. */
function contextAttribute(value: unknown, isValid: (text: string) => boolean): string | undefined {
  if (typeof value !== "string" || value === "" || value.startsWith("<aws.scheduler.")) return undefined;
  return isValid(value) ? value : undefined;
}

export function parseRunJobInput(raw: unknown): RunJobInput {
  if (!isRecord(raw)) throw new RunJobInputError('expected an object like {"job": "NAME"}');
  if (typeof raw.job !== "string" || raw.job.trim() === "") {
    throw new RunJobInputError('"job" must be the name of a job in the jobs file');
  }
  const scheduledTime = contextAttribute(raw.scheduledTime, (text) => Number.isFinite(Date.parse(text)));
  const executionId = contextAttribute(raw.executionId, (text) => /^[A-Za-z0-9_-]{1,128}$/.test(text));
  return {
    job: raw.job.trim(),
    ...(scheduledTime ? { scheduledTime } : {}),
    ...(executionId ? { executionId } : {}),
  };
}

/** Log fields that identify an invocation, read defensively: never the whole payload. */
export function runJobLogKeys(raw: unknown): Record<string, string> {
  if (!isRecord(raw)) return {};
  const keys: Record<string, string> = {};
  if (typeof raw.job === "string") keys.job = raw.job.slice(0, 64);
  if (typeof raw.executionId === "string") keys.executionId = raw.executionId.slice(0, 128);
  return keys;
}

export interface DryRunPlan {
  action: "run" | "replace" | "skip" | "failed-to-start";
  reason: string;
  /** The RunTask request that would be sent. */
  request?: RunTaskRequest;
  /** Tasks that overlap "replace" would stop. */
  wouldStop: string[];
}

export type RunJobFlowResult =
  | {
      status: "dropped";
      reason: string;
      /** Set when the invocation is another delivery of an execution already handled (claimed). */
      duplicate?: { executionId: string };
    }
  | { status: "dry-run"; job: string; plan: DryRunPlan }
  | {
      status: "done";
      job: string;
      result: RunJobResult;
      outcomes: ChannelOutcome[];
      /** A notification failed; the run itself is started and recorded, so the invocation is not retried. */
      notifyError?: string;
    };

export interface StartJobOptions {
  scheduledTime?: string;
  /**
   * Scheduler's execution id: retries of one invocation share it, and it becomes the run id. The execution
   * is claimed before anything is started, so a second delivery of it does nothing (see run-job.ts).
   */
  executionId?: string;
  /** Run a disabled job (a person asked for it). */
  force?: boolean;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** DRY_RUN: the decisions runJob would take, from ECS reads only; nothing is started or stopped. */
async function planDryRun(job: JobSpec, deps: JobsFlowDeps, force: boolean): Promise<DryRunPlan> {
  if (!job.enabled && !force)
    return { action: "skip", reason: "the job is disabled (enabled: false)", wouldStop: [] };
  const now = deps.now();
  const runningTasks = await deps.ecs.listJobTasks(job.cluster, startedByFor(job.name));
  const plan = planRun(job, { runningTasks, now, runId: "dry-run" });
  if (plan.action === "skip") return { action: "skip", reason: plan.reason, wouldStop: [] };
  let taskDefinitionArn: string;
  let network: AwsVpcNetwork | undefined;
  try {
    taskDefinitionArn = (await deps.ecs.resolveTaskDefinition(job.taskDefinition)).arn;
    if (job.network?.kind === "from-service") {
      network = await deps.ecs.serviceNetwork(job.cluster, job.network.service);
    }
  } catch (error) {
    return {
      action: "failed-to-start",
      reason: `could not prepare the task: ${errorText(error)}`,
      wouldStop: [],
    };
  }
  const request = buildRunTaskRequest(job, {
    runningTasks,
    now,
    runId: "dry-run",
    taskDefinitionArn,
    network,
  });
  const stops = plan.tasksToStop.length > 0 ? `stop ${plan.tasksToStop.length} running task(s) and ` : "";
  return {
    action: plan.action,
    reason: `DRY_RUN: would ${stops}run ${taskDefinitionArn} in ${job.cluster} (${plan.reason})`,
    request,
    wouldStop: plan.tasksToStop,
  };
}

/**
 * Recorded as a skipped run so the watchdog sees the occurrence answered and does not alarm a missed run
 * for every dry-run invocation.
 */
function dryRunRecord(job: JobSpec, plan: DryRunPlan, deps: JobsFlowDeps, options: StartJobOptions): JobRun {
  return {
    job: job.name,
    runId: options.executionId ?? deps.newRunId(),
    status: "skipped",
    startedAt: deps.now().toISOString(),
    ...(options.scheduledTime ? { scheduledTime: options.scheduledTime } : {}),
    cluster: job.cluster,
    attempts: 0,
    reason: plan.reason,
    notifyOn: job.notify.on,
    ...(job.notify.channels ? { channels: job.notify.channels } : {}),
  };
}

/** The message runJob's result calls for under the job's policy, if any. */
function runMessage(job: JobSpec, result: RunJobResult): Message | undefined {
  if (result.action === "failed-to-start") return failedToStartMessage(result.run);
  // A disabled job skips without a word: its schedule is disabled too, so only a person gets here.
  if (result.action === "skip" && job.enabled && job.notify.on === "always")
    return skippedMessage(result.run);
  return undefined;
}

/**
 * Starts one run of `job` now (Scheduler or a person), records it and notifies per the job's policy. A
 * repeated delivery of a Scheduler execution is dropped ("execution already handled"). DRY_RUN claims
 * nothing: it starts nothing either.
 */
export async function startJob(
  job: JobSpec,
  deps: JobsFlowDeps,
  options: StartJobOptions = {},
): Promise<RunJobFlowResult> {
  if (deps.dryRun) {
    const plan = await planDryRun(job, deps, options.force ?? false);
    await deps.store.saveRun(dryRunRecord(job, plan, deps, options));
    deps.log.info("dry run: job not started", { job: job.name, action: plan.action, reason: plan.reason });
    return { status: "dry-run", job: job.name, plan };
  }
  const result = await runJob(job, deps, {
    ...(options.scheduledTime ? { scheduledTime: options.scheduledTime } : {}),
    ...(options.executionId ? { executionId: options.executionId } : {}),
    ...(options.force ? { force: true } : {}),
  });
  if (result.action === "already-handled") {
    // Scheduler or Lambda delivered this execution again: its first delivery started (or skipped) it.
    deps.log.info("execution already handled", { job: job.name, executionId: result.executionId });
    return {
      status: "dropped",
      reason: `execution ${result.executionId} of job ${job.name} already handled`,
      duplicate: { executionId: result.executionId },
    };
  }
  deps.log.info("job run", {
    job: job.name,
    action: result.action,
    runId: result.run.runId,
    taskArn: result.run.taskArn,
    attempts: result.run.attempts,
    reason: result.run.reason,
  });
  const message = runMessage(job, result);
  if (!message) return { status: "done", job: job.name, result, outcomes: [] };
  try {
    const outcomes = await deps.notify(message, {
      ...(job.notify.channels ? { channels: job.notify.channels } : {}),
      dedupeKey: `job#${job.name}#${result.run.runId}#${result.action}`,
    });
    return { status: "done", job: job.name, result, outcomes };
  } catch (error) {
    // Retrying the invocation would run the job again; the failure is logged (and alarms through the logs).
    const notifyError = errorText(error);
    deps.log.error("job message could not be delivered", {
      job: job.name,
      runId: result.run.runId,
      notifyError,
    });
    return { status: "done", job: job.name, result, outcomes: [], notifyError };
  }
}

/**
 * The run-job Lambda's use case. A payload that is not an invocation, or names no job of the jobs file, is
 * logged and dropped (a retry cannot fix it); ECS and store errors propagate so Lambda retries.
 */
export async function handleRunJob(raw: unknown, deps: JobsFlowDeps): Promise<RunJobFlowResult> {
  let input: RunJobInput;
  try {
    input = parseRunJobInput(raw);
  } catch (error) {
    if (!(error instanceof RunJobInputError)) throw error;
    deps.log.warn("dropping run-job invocation", { problem: error.message });
    return { status: "dropped", reason: error.message };
  }
  const job = deps.jobs.find((candidate) => candidate.name === input.job);
  if (!job) {
    const known = deps.jobs.map((candidate) => candidate.name).join(", ") || "none";
    const reason = `unknown job "${input.job}" (jobs in the deployed jobs file: ${known})`;
    deps.log.warn("dropping run-job invocation", { problem: reason });
    return { status: "dropped", reason };
  }
  return startJob(job, deps, {
    ...(input.scheduledTime ? { scheduledTime: input.scheduledTime } : {}),
    ...(input.executionId ? { executionId: input.executionId } : {}),
  });
}

export interface WatchdogFlowDeps
  extends Pick<JobsFlowDeps, "jobs" | "ecs" | "store" | "now" | "notify" | "log" | "dryRun"> {
  /** The notification service's sweep: digests of flood windows that no later message reported. */
  sweepDigests: (now: number) => Promise<{ digests: unknown[]; failed: number; deferred: number }>;
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
  const report = await runWatchdog(deps.jobs, {
    ecs: deps.dryRun ? withoutStops(deps.ecs) : deps.ecs,
    store: deps.store,
    now: deps.now,
  });
  const pending: { job: JobSpec; message: Message; dedupeKey: string }[] = [];
  // runWatchdog pushes one alarm message per missed run, in the same order.
  for (const [index, missed] of report.missed.entries()) {
    const job = deps.jobs.find((candidate) => candidate.name === missed.job);
    const message = report.messages[index];
    if (!job || !message || job.notify.on === "never") continue;
    pending.push({ job, message, dedupeKey: `job#${job.name}#missed#${missed.scheduledAt.toISOString()}` });
  }
  if (deps.dryRun) {
    for (const overdue of report.stopped) {
      const job = deps.jobs.find((candidate) => candidate.name === overdue.job);
      if (!job) continue;
      const message = wouldStopOverdueMessage(job, overdue, now);
      pending.push({ job, message, dedupeKey: `job#${job.name}#overdue#${overdue.taskArn}` });
    }
  }
  let notifyFailures = 0;
  for (const { job, message, dedupeKey } of pending) {
    try {
      await deps.notify(message, {
        ...(job.notify.channels ? { channels: job.notify.channels } : {}),
        dedupeKey,
      });
    } catch (error) {
      notifyFailures++;
      deps.log.error("watchdog message could not be delivered", { job: job.name, error: errorText(error) });
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
  };
}

/** startedBy `job/...` (what the runner sets) or the job tag: the only tasks worth a state-table read. */
export function looksLikeJobTask(task: EcsTask): boolean {
  if (task.startedBy?.startsWith("job/")) return true;
  return (task.tags ?? []).some((tag) => tag.key === JOB_TAG);
}

export interface JobCompletionDeps {
  store: Pick<JobRunStore, "findRunByTask" | "closeRun">;
  notify: JobNotifier;
  log: Log;
}

/**
 * Closes a job's run when its task stops and sends the job's own message (per its policy) in place of the
 * generic stopped-task message. The message goes out before the run is closed: if delivery fails, the run
 * stays open and the retried event sends it (the dedupe key keeps channels that got it from getting it
 * again); once closed, a repeated event changes nothing.
 */
export function jobCompletionHook(deps: JobCompletionDeps): TaskHook {
  return async (event: TaskStateChangeEvent, diagnosis: Diagnosis) => {
    const task = event.detail;
    if (task.lastStatus !== "STOPPED" || !looksLikeJobTask(task)) return undefined;
    const run = await deps.store.findRunByTask(task.taskArn);
    // startedBy "job/..." from something else than ecs-sentinel: an ordinary task.
    if (!run) return undefined;
    if (run.status !== "running") {
      deps.log.info("job run already closed", { job: run.job, runId: run.runId, status: run.status });
      return { notified: true };
    }
    const completion = completeRun({ run, task, diagnosis });
    if (completion.notify) {
      await deps.notify(completion.message, {
        ...(run.channels ? { channels: run.channels } : {}),
        dedupeKey: `job#${run.job}#${run.runId}#${completion.outcome}`,
      });
    }
    const closed = await deps.store.closeRun(completion.run);
    deps.log.info("job run finished", {
      job: run.job,
      runId: run.runId,
      outcome: completion.outcome,
      timedOut: completion.timedOut,
      durationSeconds: completion.durationSeconds,
      notified: completion.notify,
      closedHere: closed,
    });
    return { notified: true };
  };
}
