/**
 * A blue/green deployment of `sd-example` as the ECS stand-in holds it: the service (tags, deployments[]), the blue
 * and green service revisions, the service deployment with its lifecycle hooks, the green task definition; green
 * tasks are added by each test. Shapes are the API reference examples of test/rollback/ecs-responses.ts; tasks are
 * the stopped-task fixtures adapted by test/hooks/support.ts, without the fields only the EventBridge event has.
 */
import type { Service, ServiceDeployment, Task } from "@aws-sdk/client-ecs";
import {
  BLUE_REVISION,
  CLUSTER_ARN,
  DEPLOYMENT_ARN,
  DEPLOYMENT_ID,
  REVISION_ARN,
  runningTask,
  SERVICE_ARN,
  stoppedTask,
  T0,
  TASK_DEFINITION,
} from "../hooks/support.js";
import { describedDeployment, describeServices, serviceRevision } from "../rollback/ecs-responses.js";
import type { EcsStandinWorld } from "./ecs-standin-operations.js";

export {
  BLUE_REVISION,
  CLUSTER_ARN,
  DEPLOYMENT_ARN,
  DEPLOYMENT_ID,
  REVISION_ARN,
  SERVICE_ARN,
  T0,
  TASK_DEFINITION,
};

export const BLUE_TASK_DEFINITION = "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:0";
export const HOOK_FUNCTION_ARN =
  "arn:aws:lambda:us-west-2:123456789012:function:ecs-sentinel-test-deploymentHook";
export const PAUSE_HOOK_ID = "ecs-pause-Xk7rT2mP9sLwQn4vB8fYd3hJ6gA1cE5iO0uR_ZpWq";
export const LAMBDA_HOOK_ID = "ecs-lambda-a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ_0123456";

/** Fields of the `ECS Task State Change` detail that DescribeTasks does not return. */
const EVENT_ONLY = ["updatedAt", "version"];

function asApiTask(task: Record<string, unknown>): Task {
  const copy = { ...task };
  for (const field of EVENT_ONLY) delete copy[field];
  return copy as Task;
}

/** A green task RUNNING with `healthStatus`. */
export function greenRunning(
  taskId: string,
  healthStatus: "HEALTHY" | "UNKNOWN" | "UNHEALTHY" = "HEALTHY",
): Task {
  return asApiTask(runningTask(taskId, healthStatus));
}

/** A green task still starting (PENDING, not started). */
export function greenPending(taskId: string): Task {
  const { startedAt, ...task } = asApiTask(runningTask(taskId, "UNKNOWN"));
  return {
    ...task,
    lastStatus: "PENDING",
    containers: task.containers?.map((c) => ({ ...c, lastStatus: "PENDING" })),
  };
}

/** A green task stopped as the fixture describes (e.g. "image-pull--fargate-pv14-failed-to-resolve-ref-not-found"). */
export function greenStopped(fixture: string, taskId: string, at = new Date(T0)): Task {
  return asApiTask(stoppedTask(fixture, taskId, at));
}

function service(desiredCount: number): Service {
  const described = describeServices([
    {
      id: DEPLOYMENT_ID,
      status: "PRIMARY",
      taskDefinition: TASK_DEFINITION,
      desiredCount,
      createdAt: new Date(T0 - 60_000),
      rolloutState: "IN_PROGRESS",
    },
    {
      id: "ecs-svc/1111",
      status: "ACTIVE",
      taskDefinition: BLUE_TASK_DEFINITION,
      desiredCount,
      createdAt: new Date(T0 - 86_400_000),
      rolloutState: "COMPLETED",
    },
  ]).services?.[0] as Service;
  return {
    ...described,
    desiredCount,
    deploymentConfiguration: { ...described.deploymentConfiguration, strategy: "BLUE_GREEN" },
  };
}

function serviceDeployment(stage: string): ServiceDeployment {
  return describedDeployment({
    status: "IN_PROGRESS",
    createdAt: new Date(T0 - 60_000),
    startedAt: new Date(T0 - 60_000),
    lifecycleStage: stage as ServiceDeployment["lifecycleStage"],
    sourceServiceRevisions: [
      { arn: BLUE_REVISION, requestedTaskCount: 2, runningTaskCount: 2, pendingTaskCount: 0 },
    ],
    deploymentConfiguration: {
      strategy: "BLUE_GREEN",
      bakeTimeInMinutes: 5,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      lifecycleHooks: [
        {
          hookTargetArn: HOOK_FUNCTION_ARN,
          roleArn: "arn:aws:iam::123456789012:role/ecs-sentinel-test-deployment-hook-invoke",
          lifecycleStages: ["POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT"],
          hookDetails: {},
        },
      ],
    },
    lifecycleHookDetails: [
      {
        hookId: LAMBDA_HOOK_ID,
        targetType: "AWS_LAMBDA",
        targetArn: HOOK_FUNCTION_ARN,
        status: "IN_PROGRESS",
      },
    ],
  });
}

/** The blue/green deployment at `stage`, with no green task yet. */
export function blueGreenWorld(options: { stage?: string; desiredCount?: number } = {}): EcsStandinWorld {
  return {
    services: [service(options.desiredCount ?? 2)],
    serviceRevisions: [
      serviceRevision(),
      serviceRevision({ serviceRevisionArn: BLUE_REVISION, taskDefinition: BLUE_TASK_DEFINITION }),
    ],
    serviceDeployments: [serviceDeployment(options.stage ?? "POST_SCALE_UP")],
    tasks: [],
    taskDefinitions: [
      {
        taskDefinitionArn: TASK_DEFINITION,
        family: "large-ngingx",
        revision: 1,
        status: "ACTIVE",
        containerDefinitions: [{ name: "api", image: "nginx", essential: true }],
      },
      {
        taskDefinitionArn: BLUE_TASK_DEFINITION,
        family: "large-ngingx",
        revision: 0,
        status: "ACTIVE",
        containerDefinitions: [{ name: "api", image: "nginx", essential: true }],
      },
    ],
  };
}

/** A PAUSE hook of the deployment waiting for ContinueServiceDeployment (as the pause hooks page shows it). */
export function pauseAwaitingAction(world: EcsStandinWorld): void {
  const deployment = world.serviceDeployments[0];
  if (!deployment) return;
  deployment.lifecycleHookDetails = [
    ...(deployment.lifecycleHookDetails ?? []),
    {
      hookId: PAUSE_HOOK_ID,
      targetType: "PAUSE",
      status: "AWAITING_ACTION",
      expiresAt: new Date(T0 + 3_600_000),
      timeoutAction: "ROLLBACK",
    },
  ];
}
