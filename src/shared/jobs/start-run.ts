/**
 * Starting a job run: the core of the run-job Lambda and `ecs-sentinel jobs run` (deciding what to run is
 * run-planning.ts).
 * Lists the job's running tasks, applies the overlap policy, resolves the task definition and network,
 * calls RunTask with retries and capacity fallback, and records the run. AWS and time come in as ports.
 *
 * Exactly one start per scheduled execution: Scheduler and Lambda's async retries can deliver the same
 * execution (same executionId) more than once, and overlap "allow" (or a first task that already stopped)
 * would otherwise let each copy start a task. So once the reads are done and the decision is taken, and
 * before anything is written or started (run record, StopTask, RunTask), the execution is claimed in the
 * store with a conditional write; a copy that finds it claimed does nothing. Reads come first so that an
 * ECS read error propagates and the retried invocation still finds the execution unclaimed: a transient one
 * (throttling, 5xx) always; one that retrying cannot mend (a task definition ECS does not know, access denied)
 * is recorded as failed-to-start and notified instead.
 *
 * The claim is never released, not even when RunTask fails after all its retries: that failure is recorded
 * and notified once, and a retried invocation must not start (or report) it again.
 *
 * A crash between the claim and RunTask (Lambda timeout, out of memory, a StopTask error under overlap
 * "replace"; RunTask errors themselves are caught and recorded) leaves a claimed execution with no run: its
 * retries do nothing and the occurrence is not run.
 * That is deliberate: at most one start per execution is the safe side for migrations and other jobs that
 * must not run twice, and the watchdog's missed-run alarm (no run recorded for the scheduled time) then
 * tells a person, who can start it with `ecs-sentinel jobs run`. Runs without an executionId (a person's
 * `jobs run`, `--force`) are not claimed: each invocation is a new run.
 */
import { isTransientError } from "../aws-errors.js";
import type { EcsJobsPort, JobRunStore } from "./ports.js";
import {
  type AwsVpcNetwork,
  buildRunTaskRequest,
  planRun,
  replacedReason,
  startedByFor,
} from "./run-planning.js";
import type { JobRun } from "./run-record.js";
import { classifyStartFailure, nextStartAttempt, type StartAttempt } from "./start-attempts.js";
import type { JobSpec } from "./types.js";

export interface RunJobDeps {
  ecs: EcsJobsPort;
  store: JobRunStore;
  now: () => Date;
  newRunId: () => string;
  sleep: (ms: number) => Promise<void>;
}

export interface RunJobOptions {
  /** When Scheduler meant the run to happen (`<aws.scheduler.scheduled-time>`), recorded for the watchdog. */
  scheduledTime?: string;
  /**
   * Scheduler's execution id (`<aws.scheduler.execution-id>`): retries of one invocation share it. It becomes
   * the run id, and the execution is claimed so that it runs at most once.
   */
  executionId?: string;
  /** Run a disabled job anyway (a person asked for it). */
  force?: boolean;
  /**
   * Why the job may not run at all (e.g. its account is not allowed): recorded as failed to start without
   * reading or starting anything.
   */
  refusal?: string;
}

export type RunJobAction = "run" | "replace" | "skip" | "failed-to-start";

export interface RunJobResult {
  action: RunJobAction;
  run: JobRun;
  /** Tasks stopped because overlap is "replace". */
  stoppedTasks: string[];
  attempts: StartAttempt[];
}

/** Another delivery of the same execution claimed it first: nothing was started, stopped or recorded. */
export interface AlreadyHandledResult {
  action: "already-handled";
  job: string;
  executionId: string;
}

function errorReason(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function resolveNetwork(job: JobSpec, ecs: EcsJobsPort): Promise<AwsVpcNetwork | undefined> {
  if (job.network?.kind !== "from-service") return undefined;
  return ecs.serviceNetwork(job.cluster, job.network.service);
}

/** Without an executionId nothing is claimed, so the run always happens. */
export function runJob(
  job: JobSpec,
  deps: RunJobDeps,
  options?: RunJobOptions & { executionId?: undefined },
): Promise<RunJobResult>;
export function runJob(
  job: JobSpec,
  deps: RunJobDeps,
  options: RunJobOptions,
): Promise<RunJobResult | AlreadyHandledResult>;
export async function runJob(
  job: JobSpec,
  deps: RunJobDeps,
  options: RunJobOptions = {},
): Promise<RunJobResult | AlreadyHandledResult> {
  const now = deps.now();
  const { executionId } = options;
  const runId = executionId ?? deps.newRunId();
  const base: JobRun = {
    job: job.name,
    runId,
    status: "skipped",
    startedAt: now.toISOString(),
    ...(options.scheduledTime ? { scheduledTime: options.scheduledTime } : {}),
    cluster: job.cluster,
    attempts: 0,
    reason: "",
    ...(job.maxRuntimeSeconds !== undefined ? { maxRuntimeSeconds: job.maxRuntimeSeconds } : {}),
    notifyOn: job.notify.on,
    ...(job.notify.channels ? { channels: job.notify.channels } : {}),
  };
  const finish = async (
    action: RunJobAction,
    run: JobRun,
    stoppedTasks: string[],
    attempts: StartAttempt[],
  ) => {
    await deps.store.saveRun(run);
    return { action, run, stoppedTasks, attempts };
  };
  /** True when this invocation may act: no execution to claim, or this invocation claimed it. */
  const claimed = async () =>
    executionId === undefined || (await deps.store.claimExecution(job.name, executionId));
  const alreadyHandled = (id: string): AlreadyHandledResult => ({
    action: "already-handled",
    job: job.name,
    executionId: id,
  });

  if (!job.enabled && !options.force) {
    if (!(await claimed())) return alreadyHandled(runId);
    return finish("skip", { ...base, reason: "the job is disabled (enabled: false)" }, [], []);
  }

  if (options.refusal !== undefined) {
    if (!(await claimed())) return alreadyHandled(runId);
    const reason = `refused: ${options.refusal}`;
    return finish("failed-to-start", { ...base, status: "failed-to-start", reason }, [], []);
  }

  const runningTasks = await deps.ecs.listJobTasks(job.cluster, startedByFor(job.name));
  const overlap = planRun(job, { runningTasks, now, runId });
  if (overlap.action === "skip") {
    if (!(await claimed())) return alreadyHandled(runId);
    return finish("skip", { ...base, reason: overlap.reason }, [], []);
  }

  let taskDefinitionArn: string;
  let essentialContainers: string[];
  let network: AwsVpcNetwork | undefined;
  try {
    const resolved = await deps.ecs.resolveTaskDefinition(job.taskDefinition);
    taskDefinitionArn = resolved.arn;
    essentialContainers = resolved.essentialContainers;
    network = await resolveNetwork(job, deps.ecs);
  } catch (error) {
    // Throttling or a 5xx past the SDK's retries: nothing is claimed yet, so Lambda's retry runs this execution.
    if (isTransientError(error)) throw error;
    const reason = `could not prepare the task: ${errorReason(error)}`;
    if (!(await claimed())) return alreadyHandled(runId);
    return finish("failed-to-start", { ...base, status: "failed-to-start", reason }, [], []);
  }

  // The last moment before a side effect (StopTask, RunTask): see the module comment for a crash after it.
  if (!(await claimed())) return alreadyHandled(runId);

  const stoppedTasks: string[] = [];
  for (const taskArn of overlap.tasksToStop) {
    await deps.ecs.stopTask(job.cluster, taskArn, replacedReason(job.name, runId));
    stoppedTasks.push(taskArn);
  }

  const attempts: StartAttempt[] = [];
  for (let next = nextStartAttempt(job, attempts); next; next = nextStartAttempt(job, attempts)) {
    if (next.delayMs > 0) await deps.sleep(next.delayMs);
    const request = buildRunTaskRequest(job, {
      runningTasks,
      now,
      runId,
      taskDefinitionArn,
      network,
      capacity: next.capacity,
    });
    let failureReason: string;
    try {
      const outcome = await deps.ecs.runTask(request);
      if (outcome.taskArn) {
        attempts.push({ capacity: next.capacity });
        const started: JobRun = {
          ...base,
          status: "running",
          taskArn: outcome.taskArn,
          taskDefinitionArn,
          essentialContainers,
          capacity: next.capacity.label,
          attempts: attempts.length,
          reason: overlap.reason,
        };
        return finish(overlap.action, started, stoppedTasks, attempts);
      }
      failureReason =
        outcome.failures.map((f) => [f.reason, f.detail].filter(Boolean).join(": ")).join("; ") ||
        "RunTask started no task and gave no reason";
    } catch (error) {
      failureReason = errorReason(error);
    }
    attempts.push({
      capacity: next.capacity,
      failure: { kind: classifyStartFailure(failureReason), reason: failureReason },
    });
  }

  const last = attempts.at(-1);
  const tried = [...new Set(attempts.map((a) => a.capacity.label))].join(", then ");
  const reason = `RunTask failed ${attempts.length} time(s) on ${tried}: ${last?.failure?.reason ?? "unknown"}`;
  const failed: JobRun = {
    ...base,
    status: "failed-to-start",
    taskDefinitionArn,
    essentialContainers,
    attempts: attempts.length,
    reason,
  };
  return finish("failed-to-start", failed, stoppedTasks, attempts);
}
