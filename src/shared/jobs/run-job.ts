/**
 * The run-job use case: what the Lambda behind a job's schedule (and `ecs-sentinel jobs run`) does.
 * Lists the job's running tasks, applies the overlap policy, resolves the task definition and network,
 * calls RunTask with retries and capacity fallback, and records the run. AWS and time come in as ports.
 */
import type { EcsJobsPort, JobRunStore } from "./ports.js";
import type { JobRun } from "./run-record.js";
import { type AwsVpcNetwork, buildRunTaskRequest, planRun, replacedReason, startedByFor } from "./runner.js";
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
  /** Run a disabled job anyway (a person asked for it). */
  force?: boolean;
}

export type RunJobAction = "run" | "replace" | "skip" | "failed-to-start";

export interface RunJobResult {
  action: RunJobAction;
  run: JobRun;
  /** Tasks stopped because overlap is "replace". */
  stoppedTasks: string[];
  attempts: StartAttempt[];
}

function errorReason(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function resolveNetwork(job: JobSpec, ecs: EcsJobsPort): Promise<AwsVpcNetwork | undefined> {
  if (job.network?.kind !== "from-service") return undefined;
  return ecs.serviceNetwork(job.cluster, job.network.service);
}

export async function runJob(
  job: JobSpec,
  deps: RunJobDeps,
  options: RunJobOptions = {},
): Promise<RunJobResult> {
  const now = deps.now();
  const runId = deps.newRunId();
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

  if (!job.enabled && !options.force) {
    return finish("skip", { ...base, reason: "the job is disabled (enabled: false)" }, [], []);
  }

  const runningTasks = await deps.ecs.listJobTasks(job.cluster, startedByFor(job.name));
  const overlap = planRun(job, { runningTasks, now, runId });
  if (overlap.action === "skip") return finish("skip", { ...base, reason: overlap.reason }, [], []);

  let taskDefinitionArn: string;
  let essentialContainers: string[];
  let network: AwsVpcNetwork | undefined;
  try {
    const resolved = await deps.ecs.resolveTaskDefinition(job.taskDefinition);
    taskDefinitionArn = resolved.arn;
    essentialContainers = resolved.essentialContainers;
    network = await resolveNetwork(job, deps.ecs);
  } catch (error) {
    const reason = `could not prepare the task: ${errorReason(error)}`;
    return finish("failed-to-start", { ...base, status: "failed-to-start", reason }, [], []);
  }

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
