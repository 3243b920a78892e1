/** The flood-control inputs the store tests share: an out-of-memory subject of a service and a stop hitting it. */
import type { ThrottleHit, ThrottleSubject } from "../../../src/shared/notify/store/types.js";

export const FLOOD_WINDOW_MS = 10 * 60_000;

export const oomSubject = (service = "api"): ThrottleSubject => ({
  kind: "task-stopped",
  category: "out-of-memory",
  scope: `prod#service:${service}#out-of-memory`,
  group: `service:${service}`,
  severity: "critical",
});

export const stoppedTaskArn = (task: string) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${task}`;

/** Task `task` of `service` stopped at `at`, counted in a window of FLOOD_WINDOW_MS. */
export const floodHit = (service: string, task: string, at: number): ThrottleHit => ({
  subject: oomSubject(service),
  now: at,
  windowMs: FLOOD_WINDOW_MS,
  stop: { taskArn: stoppedTaskArn(task), at },
});
