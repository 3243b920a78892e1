/** The record of one job run in the state table, and its keys. Pure. */

import { KEY_PREFIX, SORT_KEY } from "../table.js";
import type { NotifyOn } from "./types.js";

export type RunStatus = "running" | "succeeded" | "failed" | "failed-to-start" | "skipped";

export interface JobRun {
  job: string;
  runId: string;
  status: RunStatus;
  /** ISO time the runner started (or skipped) this run; part of the sort key. */
  startedAt: string;
  /** ISO time EventBridge Scheduler meant it to run, when the invocation said. */
  scheduledTime?: string;
  cluster: string;
  taskArn?: string;
  taskDefinitionArn?: string;
  /** Capacity that started the task, e.g. "FARGATE_SPOT" or "launch type EC2". */
  capacity?: string;
  /** RunTask calls it took (0 for a skip). */
  attempts: number;
  /** Why it was run, skipped, or failed to start; for a finished run, how it ended. */
  reason: string;
  /** Essential containers per the task definition, so completion can judge a sidecar's exit fairly. */
  essentialContainers?: string[];
  maxRuntimeSeconds?: number;
  notifyOn: NotifyOn;
  channels?: string[];
  stoppedAt?: string;
  durationSeconds?: number;
  exitCodes?: Record<string, number>;
  stopCode?: string;
  stoppedReason?: string;
}

/** Keys of the single-table design shared with the rest of ecs-sentinel (pk/sk, TTL attribute expiresAt). */
export const runKeys = {
  pk: (job: string) => `${KEY_PREFIX.job}${job}`,
  sk: (run: Pick<JobRun, "startedAt" | "runId">) => `${SORT_KEY.jobRunPrefix}${run.startedAt}#${run.runId}`,
  skPrefix: SORT_KEY.jobRunPrefix,
  taskPointerPk: (taskArn: string) => `${KEY_PREFIX.task}${taskArn}`,
  taskPointerSk: SORT_KEY.taskJobRun,
  watchSk: SORT_KEY.jobWatch,
  /** The claim of one Scheduler execution (pk is the job's), so a duplicate delivery starts nothing. */
  executionSk: (executionId: string) => `${SORT_KEY.jobExecutionPrefix}${executionId}`,
};

export function isOpen(run: JobRun): boolean {
  return run.status === "running";
}
