/**
 * Counts job runs by outcome: started, skipped (overlap), failed-to-start, dry-run and dropped (run-job);
 * succeeded and failed (the run's task stopped); overdue-stopped, overdue-dry-run and missed (watchdog).
 */
import type { RunJobFlowResult } from "../flows/job-run.js";
import type { WatchdogFlowResult } from "../flows/job-watchdog.js";
import { METRIC, type Metrics } from "./port.js";

export function runJobOutcome(result: RunJobFlowResult): string {
  if (result.status === "dropped") return result.duplicate ? "duplicate" : "dropped";
  if (result.status === "dry-run") return "dry-run";
  const { action } = result.result;
  if (action === "run" || action === "replace") return "started";
  return action === "skip" ? "skipped" : "failed-to-start";
}

export function recordRunJob(metrics: Metrics, _event: unknown, result: RunJobFlowResult): void {
  metrics.count(METRIC.jobs, { outcome: runJobOutcome(result) });
}

export function recordWatchdog(metrics: Metrics, _event: unknown, result: WatchdogFlowResult): void {
  const counts: [string, number][] = [
    ["overdue-stopped", result.stopped.length],
    ["overdue-dry-run", result.wouldStop.length],
    ["missed", result.missed.length],
  ];
  for (const [outcome, value] of counts) if (value > 0) metrics.count(METRIC.jobs, { outcome }, value);
}

/** A run closed because its task stopped (the task-state function's job-completion hook). */
export function recordJobCompletion(metrics: Metrics, outcome: "succeeded" | "failed"): void {
  metrics.count(METRIC.jobs, { outcome });
}
