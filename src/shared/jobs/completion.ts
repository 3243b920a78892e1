/**
 * Closing a job run when its task stops: success or failure, duration, whether to notify, and the message.
 * Pure: the caller finds the run (JobRunStore.findRunByTask), passes the diagnosis of a failure, and stores
 * the closed run (JobRunStore.closeRun) before sending.
 */
import type { EcsContainer, EcsTask } from "../events/schemas.js";
import type { Message } from "../notify/message.js";
import { type FailureExplanation, failedMessage, succeededMessage } from "./job-messages.js";
import type { JobRun } from "./run-record.js";
import type { NotifyOn } from "./types.js";

export type RunOutcome = "succeeded" | "failed";

export interface CompletionInput {
  run: JobRun;
  /** The stopped task, as the Task State Change event or DescribeTasks has it. */
  task: EcsTask;
  /** The diagnosis of the stop (ignored when the run succeeded). */
  diagnosis?: FailureExplanation;
  /** Overrides the essential containers recorded on the run. */
  essentialContainers?: string[];
}

export interface Completion {
  outcome: RunOutcome;
  /** The run, closed: status, stoppedAt, duration, exit codes, stop reason. */
  run: JobRun;
  durationSeconds?: number;
  /** Stopped by the watchdog for running longer than maxRuntime. */
  timedOut: boolean;
  /** Whether the job's notify policy wants a message for this outcome. */
  notify: boolean;
  message: Message;
}

const TIMED_OUT_MARKER = "exceeded its maximum runtime";

/** StopTask reason of the watchdog; completion recognises it to call the run timed out. */
export function maxRuntimeStopReason(jobName: string, maxRuntime: string): string {
  return `ecs-sentinel: job ${jobName} ${TIMED_OUT_MARKER} of ${maxRuntime}`;
}

export function shouldNotify(on: NotifyOn, outcome: RunOutcome): boolean {
  if (on === "always") return true;
  if (on === "failure") return outcome === "failed";
  return false;
}

/**
 * Containers that decide the outcome: those the task definition marks essential when known; otherwise the
 * ones the task does not mark `essential: false` (events often omit the flag: then every container counts).
 */
function essentialOf(task: EcsTask, known: string[] | undefined): EcsContainer[] {
  if (known && known.length > 0) return task.containers.filter((c) => known.includes(c.name));
  return task.containers.filter((c) => c.essential !== false);
}

function containerProblem(container: EcsContainer): string | undefined {
  if (container.reason) return `container ${container.name}: ${container.reason}`;
  if (container.exitCode === undefined) return `container ${container.name} reported no exit code`;
  if (container.exitCode !== 0) return `container ${container.name} exited with code ${container.exitCode}`;
  return undefined;
}

function seconds(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined;
}

export function completeRun(input: CompletionInput): Completion {
  const { run, task } = input;
  const essential = essentialOf(task, input.essentialContainers ?? run.essentialContainers);
  const problems = essential.map(containerProblem).filter((p): p is string => p !== undefined);
  if (essential.length === 0) problems.push("no essential container reported how it ended");
  if (task.stopCode === "TaskFailedToStart")
    problems.unshift(`the task failed to start: ${task.stoppedReason ?? ""}`.trim());
  const outcome: RunOutcome = problems.length === 0 ? "succeeded" : "failed";
  const timedOut = outcome === "failed" && (task.stoppedReason ?? "").includes(TIMED_OUT_MARKER);

  // fromEntries defines own keys, so a container named "__proto__" keeps its exit code.
  const exitCodes: Record<string, number> = Object.fromEntries(
    task.containers.flatMap((c) => (c.exitCode === undefined ? [] : [[c.name, c.exitCode]])),
  );
  const stoppedAt = task.stoppedAt ?? task.executionStoppedAt ?? task.stoppingAt;
  const durationSeconds = seconds(task.startedAt ?? task.createdAt ?? run.startedAt, stoppedAt);
  const closed: JobRun = {
    ...run,
    status: outcome,
    reason: outcome === "succeeded" ? "every essential container exited 0" : problems.join("; "),
    exitCodes,
    ...(stoppedAt ? { stoppedAt } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
  };

  const message =
    outcome === "succeeded"
      ? succeededMessage(closed)
      : failedMessage(closed, problems, timedOut, input.diagnosis);
  return {
    outcome,
    run: closed,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    timedOut,
    notify: shouldNotify(run.notifyOn, outcome),
    message,
  };
}
