/**
 * A JobRunStore that lives as long as the process: for `ecs-sentinel jobs run` and local runs without a
 * STATE_TABLE. Same contract as the DynamoDB store (closeRun only closes an open run, an execution is
 * claimed once).
 */
import type { JobRunStore, WatchState } from "./ports.js";
import type { JobRun } from "./run-record.js";

export function memoryJobRunStore(): JobRunStore {
  const runs = new Map<string, JobRun>();
  const byTask = new Map<string, string>();
  const watch = new Map<string, WatchState>();
  const executions = new Set<string>();
  const key = (run: JobRun) => `${run.job}\u0000${run.startedAt}\u0000${run.runId}`;
  return {
    async saveRun(run) {
      runs.set(key(run), run);
      if (run.taskArn) byTask.set(run.taskArn, key(run));
    },
    async closeRun(run) {
      if (runs.get(key(run))?.status !== "running") return false;
      runs.set(key(run), run);
      return true;
    },
    async findRunByTask(taskArn) {
      const found = byTask.get(taskArn);
      return found === undefined ? undefined : runs.get(found);
    },
    async recentRuns(job, limit) {
      return [...runs.values()]
        .filter((run) => run.job === job)
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, limit);
    },
    async claimExecution(job, executionId) {
      const claim = `${job}\u0000${executionId}`;
      if (executions.has(claim)) return false;
      executions.add(claim);
      return true;
    },
    async getWatchState(job) {
      return watch.get(job);
    },
    async saveWatchState(state) {
      watch.set(state.job, state);
    },
  };
}
