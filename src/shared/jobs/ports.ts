/**
 * What the job runner and watchdog need from the outside world, as plain function types, so their logic is
 * tested with fakes and wired to AWS by ecs-jobs.ts (ECS) and run-store.ts (DynamoDB).
 */

import type { AwsVpcNetwork, RunningJobTask, RunTaskRequest } from "./run-planning.js";
import type { JobRun } from "./run-record.js";

export interface ResolvedTaskDefinition {
  arn: string;
  essentialContainers: string[];
}

export interface RunTaskOutcome {
  /** The started task, when ECS started one. */
  taskArn?: string;
  /** ECS `failures[]`: why no task started (e.g. "Capacity is unavailable at this time..."). */
  failures: { arn?: string; reason: string; detail?: string }[];
}

export interface EcsJobsPort {
  /** DescribeTaskDefinition: a bare family resolves to its latest ACTIVE revision. */
  resolveTaskDefinition(reference: string): Promise<ResolvedTaskDefinition>;
  /** DescribeServices: the service's awsvpc configuration, to run a job in the same subnets and groups. */
  serviceNetwork(cluster: string, service: string): Promise<AwsVpcNetwork>;
  /** ListTasks by startedBy (desired RUNNING) + DescribeTasks with tags. */
  listJobTasks(cluster: string, startedBy: string): Promise<RunningJobTask[]>;
  /** RunTask; API errors are thrown, placement failures come back in `failures`. */
  runTask(request: RunTaskRequest): Promise<RunTaskOutcome>;
  stopTask(cluster: string, taskArn: string, reason: string): Promise<void>;
}

/** What the watchdog remembers per job between its runs. */
export interface WatchState {
  job: string;
  /** When the watchdog first saw this job: no missed-run alarm for occurrences before it. */
  watchingSince: string;
  /** The scheduled time of the last missed run already alarmed, so each is alarmed once. */
  lastMissedAlarm?: string;
}

export interface JobRunStore {
  /** Writes the run, and the task pointer when it has a task. Overwrites a run with the same keys. */
  saveRun(run: JobRun): Promise<void>;
  /**
   * Writes a finished run only if it is still open in the table; false when another invocation closed it
   * first (task events are delivered at least once), so the caller does not notify twice.
   */
  closeRun(run: JobRun): Promise<boolean>;
  findRunByTask(taskArn: string): Promise<JobRun | undefined>;
  /** Newest first. */
  recentRuns(job: string, limit: number): Promise<JobRun[]>;
  /**
   * Claims one scheduled execution of `job` for this invocation, atomically: true for the first claim, false
   * for every later one (a duplicate delivery). Claims are kept (not released on failure) until they expire,
   * days after any retry of the execution could still arrive.
   */
  claimExecution(job: string, executionId: string): Promise<boolean>;
  getWatchState(job: string): Promise<WatchState | undefined>;
  saveWatchState(state: WatchState): Promise<void>;
}

/** A job task running past its maxRuntime, as the watchdog finds it. */
export interface OverdueTask {
  taskArn: string;
  runningSeconds: number;
  /** The StopTask reason, e.g. "ecs-sentinel: job nightly exceeded its maximum runtime of 2h". */
  reason: string;
}
