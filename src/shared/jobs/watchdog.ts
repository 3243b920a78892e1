/**
 * The jobs watchdog, run every few minutes by a rate schedule: stops tasks that run past their job's
 * maxRuntime, and raises an alarm when a scheduled run did not happen. The decisions are pure functions of
 * a fake-able clock and data; `runWatchdog` wires them to the ports.
 */

import { errorSummary } from "../aws-errors.js";
import type { Message } from "../notify/message.js";
import { maxRuntimeStopReason } from "./completion.js";
import { formatDuration } from "./duration.js";
import type { EcsJobsPort, JobRunStore, OverdueTask, WatchState } from "./ports.js";
import { activeTasks, type RunningJobTask, startedByFor } from "./run-planning.js";
import type { JobRun } from "./run-record.js";
import { formatInZone, previousOccurrence } from "./schedule.js";
import type { JobSpec } from "./types.js";

/** Tasks of `job` running longer than its maxRuntime (counted from startedAt, else createdAt). */
export function findOverdueTasks(job: JobSpec, tasks: readonly RunningJobTask[], now: Date): OverdueTask[] {
  const limit = job.maxRuntimeSeconds;
  if (limit === undefined) return [];
  const overdue: OverdueTask[] = [];
  for (const task of activeTasks(job, tasks)) {
    const start = task.startedAt ?? task.createdAt;
    if (!start) continue;
    const runningSeconds = Math.floor((now.getTime() - start.getTime()) / 1000);
    if (runningSeconds > limit) {
      overdue.push({
        taskArn: task.taskArn,
        runningSeconds,
        reason: maxRuntimeStopReason(job.name, formatDuration(limit)),
      });
    }
  }
  return overdue;
}

export type MissedRunCheck =
  | { missed: false; watchState: WatchState }
  | { missed: true; scheduledAt: Date; watchState: WatchState; message: Message };

/** Slack between the scheduled time and the recorded start that still counts as the same run. */
const CLOCK_TOLERANCE_MS = 5_000;

function runTime(run: JobRun): number {
  return Date.parse(run.scheduledTime ?? run.startedAt);
}

/** The time a run was due that no run answered, or undefined. */
function missedOccurrence(job: JobSpec, runs: readonly JobRun[], now: Date, since: Date): Date | undefined {
  const graceMs = job.missedRunGraceSeconds * 1000;
  const deadline = new Date(now.getTime() - graceMs);
  const { schedule } = job;
  let expected: Date | undefined;
  if (schedule.kind === "rate") {
    const latest = runs
      .map(runTime)
      .filter(Number.isFinite)
      .sort((a, b) => b - a)[0];
    const reference = Math.max(latest ?? since.getTime(), since.getTime());
    const due = reference + schedule.seconds * 1000;
    expected = due <= deadline.getTime() ? new Date(due) : undefined;
  } else {
    expected = previousOccurrence(job, deadline);
  }
  if (!expected || expected.getTime() < since.getTime()) return undefined;
  const answered = runs.some((run) => runTime(run) >= expected.getTime() - CLOCK_TOLERANCE_MS);
  return answered ? undefined : expected;
}

export function missedRunMessage(job: JobSpec, scheduledAt: Date): Message {
  const local = formatInZone(scheduledAt, job.timezone);
  return {
    kind: "job",
    severity: "warning",
    category: "job-missed",
    title: `Job ${job.name} missed its run of ${local}`,
    cause: `No run of ${job.name} started within ${formatDuration(job.missedRunGraceSeconds)} of its scheduled time (${job.schedule.expression}, ${job.timezone}).`,
    evidence: [`schedule ${job.schedule.expression} in ${job.timezone}`, `expected a run at ${local}`],
    remediation: [
      "Check the schedule in EventBridge Scheduler: is it ENABLED, and does its role may invoke the run-job function?",
      "Look for the invocation in the scheduler dead-letter queue and for errors in the run-job function's logs.",
      "Start the missed run by hand with `ecs-sentinel jobs run` if it is still needed.",
    ],
    facts: [
      { label: "Job", value: job.name },
      { label: "Scheduled", value: local },
      { label: "Cluster", value: job.cluster },
    ],
    links: [],
    cluster: job.cluster,
    time: scheduledAt.toISOString(),
  };
}

/**
 * Did the job miss a run? `runs` are its recent runs (any status: a skip is still an answer), `watch` what
 * the watchdog stored last time. A job seen for the first time starts being watched now, so deploying a new
 * job never alarms about occurrences before it existed. Each missed occurrence alarms once.
 */
export function checkMissedRun(
  job: JobSpec,
  runs: readonly JobRun[],
  watch: WatchState | undefined,
  now: Date,
): MissedRunCheck {
  const watchState: WatchState = watch ?? { job: job.name, watchingSince: now.toISOString() };
  if (!job.enabled || !watch) return { missed: false, watchState };
  const scheduledAt = missedOccurrence(job, runs, now, new Date(watch.watchingSince));
  if (!scheduledAt) return { missed: false, watchState };
  if (watch.lastMissedAlarm && Date.parse(watch.lastMissedAlarm) >= scheduledAt.getTime()) {
    return { missed: false, watchState };
  }
  return {
    missed: true,
    scheduledAt,
    watchState: { ...watchState, lastMissedAlarm: scheduledAt.toISOString() },
    message: missedRunMessage(job, scheduledAt),
  };
}

export interface WatchdogDeps {
  ecs: EcsJobsPort;
  /** The ECS port of the job's account and region; `ecs` for every job when not set. */
  ecsFor?: (job: JobSpec) => EcsJobsPort;
  /** Why the job may not run where it names: its tasks are not looked at (its runs report the refusal). */
  refusalFor?: (job: JobSpec) => string | undefined;
  store: JobRunStore;
  now: () => Date;
}

export interface WatchdogReport {
  stopped: (OverdueTask & { job: string })[];
  missed: { job: string; scheduledAt: Date }[];
  /** Missed-run alarms to send. Overdue stops need none here: the stopped task's completion reports them. */
  messages: Message[];
  /** Jobs the watchdog could not check, with the error; the others were still checked. */
  errors: { job: string; error: string }[];
}

const RECENT_RUNS = 20;

/** Tasks ECS describes without startedAt or createdAt (emulators do) take the start from their run record. */
async function withStartTimes(tasks: RunningJobTask[], store: JobRunStore): Promise<RunningJobTask[]> {
  return Promise.all(
    tasks.map(async (task) => {
      if (task.startedAt || task.createdAt) return task;
      const run = await store.findRunByTask(task.taskArn);
      return run ? { ...task, createdAt: new Date(run.startedAt) } : task;
    }),
  );
}

export async function runWatchdog(jobs: readonly JobSpec[], deps: WatchdogDeps): Promise<WatchdogReport> {
  const report: WatchdogReport = { stopped: [], missed: [], messages: [], errors: [] };
  for (const job of jobs) {
    try {
      const now = deps.now();
      if (job.maxRuntimeSeconds !== undefined && deps.refusalFor?.(job) === undefined) {
        const ecs = deps.ecsFor ? deps.ecsFor(job) : deps.ecs;
        const tasks = await withStartTimes(
          await ecs.listJobTasks(job.cluster, startedByFor(job.name)),
          deps.store,
        );
        for (const task of findOverdueTasks(job, tasks, now)) {
          await ecs.stopTask(job.cluster, task.taskArn, task.reason);
          report.stopped.push({ ...task, job: job.name });
        }
      }
      const watch = await deps.store.getWatchState(job.name);
      const runs = watch ? await deps.store.recentRuns(job.name, RECENT_RUNS) : [];
      const check = checkMissedRun(job, runs, watch, now);
      if (check.missed) {
        report.missed.push({ job: job.name, scheduledAt: check.scheduledAt });
        report.messages.push(check.message);
      }
      if (check.missed || !watch) await deps.store.saveWatchState(check.watchState);
    } catch (error) {
      report.errors.push({
        job: job.name,
        error: errorSummary(error),
      });
    }
  }
  return report;
}
