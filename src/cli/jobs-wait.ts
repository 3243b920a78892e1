/**
 * `jobs run --wait`: follows a started task until it stops, polling DescribeTasks with a growing interval,
 * printing each status change. Ctrl-C ends the wait (not the task) through an AbortSignal.
 */
import type { EcsTask } from "../shared/events/schemas.js";

export interface WaitPorts {
  describeTask(cluster: string, taskArn: string): Promise<EcsTask | undefined>;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  print(line: string): void;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** DescribeTasks is cheap but throttled per account: start at 2 s, stretch to 20 s for long jobs. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 2_000, maxMs: 20_000, factor: 1.5 };

export type WaitOutcome =
  | { status: "stopped"; task: EcsTask }
  | { status: "interrupted"; lastStatus?: string }
  | { status: "gone" };

function statusLine(task: EcsTask): string {
  const status = task.lastStatus ?? "UNKNOWN";
  if (status !== "STOPPED") return status;
  const why = [task.stopCode, task.stoppedReason].filter(Boolean).join(": ");
  return why ? `STOPPED (${why})` : "STOPPED";
}

export async function waitForTask(
  cluster: string,
  taskArn: string,
  ports: WaitPorts,
  signal: AbortSignal,
  backoff: Backoff = DEFAULT_BACKOFF,
): Promise<WaitOutcome> {
  let delay = backoff.initialMs;
  let lastStatus: string | undefined;
  while (!signal.aborted) {
    const task = await ports.describeTask(cluster, taskArn);
    if (!task) return { status: "gone" };
    if (task.lastStatus !== lastStatus) {
      lastStatus = task.lastStatus;
      ports.print(`  ${statusLine(task)}`);
    }
    if (task.lastStatus === "STOPPED") return { status: "stopped", task };
    await ports.sleep(delay, signal);
    delay = Math.min(backoff.maxMs, Math.round(delay * backoff.factor));
  }
  return lastStatus === undefined ? { status: "interrupted" } : { status: "interrupted", lastStatus };
}

/**
 * The exit code `jobs run --wait` ends with: the first non-zero code of the essential containers, else 0;
 * 1 when no essential container reported a code (it never started, or was killed before exiting).
 */
export function essentialExitCode(
  task: EcsTask,
  essential: readonly string[] | undefined,
): { code: number; container?: string } {
  const containers = task.containers.filter((container) =>
    essential && essential.length > 0 ? essential.includes(container.name) : container.essential !== false,
  );
  const failed = containers.find((container) => container.exitCode !== undefined && container.exitCode !== 0);
  if (failed?.exitCode !== undefined) return { code: failed.exitCode, container: failed.name };
  const reported = containers.find((container) => container.exitCode === 0);
  if (reported && containers.every((container) => container.exitCode !== undefined)) {
    return { code: 0, container: reported.name };
  }
  return { code: 1 };
}
