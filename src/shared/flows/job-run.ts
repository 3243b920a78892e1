/**
 * The run-job Lambda's use case (and `ecs-sentinel jobs run`'s): what it does with a Scheduler invocation —
 * plan the run (DRY_RUN: plan only), start the job's task, record and notify. Orchestration over ports (ECS,
 * run store, notifier, clock): no AWS imports here.
 *
 * A job's notify policy decides which outcomes are sent; its `channels` pick the channels. Failing to start
 * is always sent. Every message carries a dedupe key derived from the run, so an invocation that is retried
 * after a partial delivery does not send it twice.
 */

import { errorSummary } from "../aws-errors.js";
import { failedToStartMessage, skippedMessage } from "../jobs/job-messages.js";
import type { EcsJobsPort } from "../jobs/ports.js";
import {
  type AwsVpcNetwork,
  buildRunTaskRequest,
  planRun,
  type RunTaskRequest,
  startedByFor,
} from "../jobs/run-planning.js";
import type { JobRun } from "../jobs/run-record.js";
import { type RunJobDeps, type RunJobResult, runJob } from "../jobs/start-run.js";
import type { JobSpec } from "../jobs/types.js";
import type { Log } from "../log.js";
import type { Message } from "../notify/message.js";
import type { ChannelOutcome, Notifier } from "../notify/port.js";
import { jobProblemKey } from "../notify/problems/keys.js";

export interface JobsFlowDeps extends RunJobDeps {
  jobs: readonly JobSpec[];
  /**
   * Job messages go to the job's `channels` (meta.channels; undefined: every configured channel). The flow has
   * already applied the job's notify policy, so severity minimums do not filter job messages.
   */
  notify: Notifier;
  log: Log;
  /** DRY_RUN: read ECS, decide and report, but neither start nor stop a task. */
  dryRun: boolean;
  /**
   * The ECS port of the job's account and region (a job may run in a member account, issue 17); `ecs` for
   * every job when not set. Not called for a job `refusalFor` refuses.
   */
  ecsFor?: (job: JobSpec) => EcsJobsPort;
  /** Why the job may not run where it names (its account is not allowed); undefined when it may. */
  refusalFor?: (job: JobSpec) => string | undefined;
}

/** The ECS port `job` runs through. */
export function jobEcs(job: JobSpec, deps: Pick<JobsFlowDeps, "ecs" | "ecsFor">): EcsJobsPort {
  return deps.ecsFor ? deps.ecsFor(job) : deps.ecs;
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

/** DRY_RUN: the decisions runJob would take, from ECS reads only; nothing is started or stopped. */
async function planDryRun(job: JobSpec, deps: JobsFlowDeps, force: boolean): Promise<DryRunPlan> {
  if (!job.enabled && !force)
    return { action: "skip", reason: "the job is disabled (enabled: false)", wouldStop: [] };
  const refusal = deps.refusalFor?.(job);
  if (refusal !== undefined)
    return { action: "failed-to-start", reason: `refused: ${refusal}`, wouldStop: [] };
  const ecs = jobEcs(job, deps);
  const now = deps.now();
  const runningTasks = await ecs.listJobTasks(job.cluster, startedByFor(job.name));
  const plan = planRun(job, { runningTasks, now, runId: "dry-run" });
  if (plan.action === "skip") return { action: "skip", reason: plan.reason, wouldStop: [] };
  let taskDefinitionArn: string;
  let network: AwsVpcNetwork | undefined;
  try {
    taskDefinitionArn = (await ecs.resolveTaskDefinition(job.taskDefinition)).arn;
    if (job.network?.kind === "from-service") {
      network = await ecs.serviceNetwork(job.cluster, job.network.service);
    }
  } catch (error) {
    return {
      action: "failed-to-start",
      reason: `could not prepare the task: ${errorSummary(error)}`,
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
  const refusal = deps.refusalFor?.(job);
  const ecs = refusal === undefined ? jobEcs(job, deps) : deps.ecs;
  const result = await runJob(
    job,
    { ...deps, ecs },
    {
      ...(refusal !== undefined ? { refusal } : {}),
      ...(options.scheduledTime ? { scheduledTime: options.scheduledTime } : {}),
      ...(options.executionId ? { executionId: options.executionId } : {}),
      ...(options.force ? { force: true } : {}),
    },
  );
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
      ...(message.severity === "info" ? {} : { problem: { key: jobProblemKey(job.name) } }),
    });
    return { status: "done", job: job.name, result, outcomes };
  } catch (error) {
    // Retrying the invocation would run the job again; the failure is logged (and alarms through the logs).
    const notifyError = errorSummary(error);
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
