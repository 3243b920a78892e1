/** The stop-reason tables (stop-reasons*.json) and the smallest task that carries an entry's evidence. */
import type { Category } from "../../src/shared/diagnosis/types.js";
import { type EcsTask, parseTask } from "../../src/shared/events/index.js";

export interface StopReason {
  stoppedReason: string;
  stopCode?: string;
  containerReason?: string;
  exitCode?: number;
  group?: string;
  /** Only for the Spot notice, which arrives while the task is still RUNNING. */
  lastStatus?: string;
  expected: Category;
  source: string;
  note?: string;
  fixture?: string;
}

/** One container named `app`; the index makes each task ARN distinct. */
export function taskFromStopReason(entry: StopReason, index: number): EcsTask {
  const status = entry.lastStatus ?? "STOPPED";
  return parseTask({
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${index.toString(16).padStart(32, "0")}`,
    clusterArn: "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
    lastStatus: status,
    desiredStatus: "STOPPED",
    group: entry.group,
    stopCode: entry.stopCode,
    stoppedReason: entry.stoppedReason || undefined,
    containers: [
      { name: "app", lastStatus: status, exitCode: entry.exitCode, reason: entry.containerReason },
    ],
  });
}
