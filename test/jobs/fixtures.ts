/** Builders for job specs, runs and stopped tasks used across the jobs tests. */
import type { EcsTask } from "../../src/shared/events/schemas.js";
import type { JobRun } from "../../src/shared/jobs/run-record.js";
import { parseScheduleExpression } from "../../src/shared/jobs/schedule-syntax.cjs";
import type { JobSpec, ScheduleExpression } from "../../src/shared/jobs/types.js";

export function schedule(expression: string): ScheduleExpression {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
}

export function makeJob(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    name: "nightly",
    schedule: schedule("cron(0 3 * * ? *)"),
    timezone: "UTC",
    cluster: "batch",
    taskDefinition: "app-migrate",
    containerOverrides: [],
    overlap: "skip",
    startRetries: 2,
    missedRunGraceSeconds: 900,
    notify: { on: "failure" },
    tags: {},
    enabled: true,
    ...overrides,
  };
}

export const TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/batch/0123456789abcdef0123456789abcdef";

export function makeRun(overrides: Partial<JobRun> = {}): JobRun {
  return {
    job: "nightly",
    runId: "run-1",
    status: "running",
    startedAt: "2025-03-10T03:00:02.000Z",
    cluster: "batch",
    taskArn: TASK_ARN,
    taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-migrate:7",
    essentialContainers: ["app"],
    attempts: 1,
    reason: "no run of this job is in progress",
    notifyOn: "failure",
    ...overrides,
  };
}

export function stoppedTask(containers: EcsTask["containers"], overrides: Partial<EcsTask> = {}): EcsTask {
  return {
    taskArn: TASK_ARN,
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/batch",
    lastStatus: "STOPPED",
    desiredStatus: "STOPPED",
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    startedAt: "2025-03-10T03:00:30.000Z",
    stoppedAt: "2025-03-10T03:04:30.000Z",
    containers,
    ...overrides,
  };
}
