/**
 * What the deployment card tests feed in, besides the deployment event examples (./fixtures/):
 * - `reviewOf`: DescribeServices `services[0]` from the API reference example "To describe a service", adapted to
 *   the `servicetest` service of the deployment event examples (us-west-2, 111122223333, cluster `default`):
 *   two deployments instead of one (the event's ecs-svc/123 rolling out web:42 and the completed ecs-svc/122 on
 *   web:41 it replaces), the circuit breaker, rolloutState and failedTasks fields ECS returns today; and a
 *   DescribeTaskDefinition `taskDefinition` for web:42. Timestamps are Date objects, as the SDK returns them.
 * - `stoppedTask`: a diagnosis of a real-worded stopped-task event from test/fixtures/stopped-tasks/.
 */
import { readFileSync } from "node:fs";
import type { Deployment, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import type { ReviewInput } from "../../src/shared/deployments/review.js";
import { type Diagnosis, diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { DETAIL_TYPES, parseEcsEvent } from "../../src/shared/events/index.js";

export const ACCOUNT = "111122223333";
export const SERVICE_ARN = `arn:aws:ecs:us-west-2:${ACCOUNT}:service/default/servicetest`;
export const td = (revision: number) => `arn:aws:ecs:us-west-2:${ACCOUNT}:task-definition/web:${revision}`;

/** The event examples' deployment (ecs-svc/123), rolling out web:42. */
export function newDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    createdAt: new Date("2020-05-23T11:05:00.000Z"),
    desiredCount: 3,
    id: "ecs-svc/123",
    pendingCount: 2,
    runningCount: 1,
    failedTasks: 0,
    status: "PRIMARY",
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: "ECS deployment ecs-svc/123 in progress.",
    taskDefinition: td(42),
    updatedAt: new Date("2020-05-23T11:06:00.000Z"),
    ...overrides,
  };
}

/** The completed deployment it replaces (ecs-svc/122 on web:41). */
export function oldDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    createdAt: new Date("2020-05-20T09:00:00.000Z"),
    desiredCount: 1,
    id: "ecs-svc/122",
    pendingCount: 0,
    runningCount: 2,
    failedTasks: 0,
    status: "ACTIVE",
    rolloutState: "COMPLETED",
    rolloutStateReason: "ECS deployment ecs-svc/122 completed.",
    taskDefinition: td(41),
    updatedAt: new Date("2020-05-20T09:04:00.000Z"),
    ...overrides,
  };
}

export function service(overrides: Partial<Service> = {}): Service {
  return {
    clusterArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:cluster/default`,
    createdAt: new Date("2016-08-29T16:25:52.130Z"),
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deploymentController: { type: "ECS" },
    deployments: [newDeployment(), oldDeployment()],
    desiredCount: 3,
    events: [],
    loadBalancers: [],
    pendingCount: 2,
    runningCount: 3,
    serviceArn: SERVICE_ARN,
    serviceName: "servicetest",
    status: "ACTIVE",
    taskDefinition: td(42),
    ...overrides,
  };
}

export function taskDefinition(overrides: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    taskDefinitionArn: td(42),
    family: "web",
    revision: 42,
    containerDefinitions: [
      { name: "web", image: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/web:1.4.2`, essential: true },
      {
        name: "log-router",
        image:
          "public.ecr.aws/aws-observability/aws-for-fluent-bit@sha256:5e7fd2b0a1c0ffee5e7fd2b0a1c0ffee5e7fd2b0a1c0ffee5e7fd2b0a1c0ffee",
        essential: false,
      },
    ],
    ...overrides,
  };
}

export function reviewOf(
  serviceOverrides: Partial<Service> = {},
  tdOverrides: Partial<TaskDefinition> = {},
): ReviewInput {
  return { service: service(serviceOverrides), taskDefinition: taskDefinition(tdOverrides) };
}

const STOPPED = new URL("../fixtures/stopped-tasks/", import.meta.url);

/** The diagnosis of a stopped-task fixture, e.g. `out-of-memory--fargate-exit-137.json`. */
export function stoppedTask(file: string): Diagnosis {
  const event = parseEcsEvent(JSON.parse(readFileSync(new URL(file, STOPPED), "utf8")));
  if (event["detail-type"] !== DETAIL_TYPES.task) throw new Error(`${file} is not a task state change`);
  return diagnoseTask(event.detail);
}
