/** A service mid-deployment, in the shapes the policy takes; tests change one thing at a time. */
import type {
  RollbackInput,
  ServiceDeploymentRecord,
  ServiceDeploymentState,
  TaskFailure,
} from "../../src/shared/rollback/types.js";

export const NOW = new Date("2025-06-01T12:00:00.000Z");
export const SERVICE_ARN = "arn:aws:ecs:us-east-1:111122223333:service/prod/web";
export const CURRENT = "ecs-svc/2222222222222222222";
export const PREVIOUS = "ecs-svc/1111111111111111111";
export const td = (revision: number) => `arn:aws:ecs:us-east-1:111122223333:task-definition/web:${revision}`;
export const revision = (id: number) => `arn:aws:ecs:us-east-1:111122223333:service-revision/prod/web/${id}`;
export const serviceDeployment = (id: string) =>
  `arn:aws:ecs:us-east-1:111122223333:service-deployment/prod/web/${id}`;

export const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

export function failure(
  taskId: string,
  stoppedMinutesAgo: number,
  category: TaskFailure["category"] = "app-exit",
) {
  return {
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${taskId}`,
    stoppedAt: minutesAgo(stoppedMinutesAgo),
    category,
    startedBy: CURRENT,
  } satisfies TaskFailure;
}

export function currentDeployment(): ServiceDeploymentState {
  return {
    id: CURRENT,
    status: "PRIMARY",
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: "ECS deployment ecs-svc/2222222222222222222 in progress.",
    taskDefinition: td(12),
    createdAt: minutesAgo(10),
    updatedAt: minutesAgo(10),
  };
}

export function previousDeployment(): ServiceDeploymentState {
  return {
    id: PREVIOUS,
    status: "ACTIVE",
    rolloutState: "COMPLETED",
    rolloutStateReason: "ECS deployment ecs-svc/1111111111111111111 completed.",
    taskDefinition: td(11),
    createdAt: minutesAgo(3000),
    updatedAt: minutesAgo(2990),
  };
}

/** The running service deployment (web:11 -> web:12) and the one before it (web:10 -> web:11). */
export function history(): ServiceDeploymentRecord[] {
  return [
    {
      serviceDeploymentArn: serviceDeployment("new-deployment"),
      status: "IN_PROGRESS",
      createdAt: minutesAgo(10),
      startedAt: minutesAgo(10),
      updatedAt: minutesAgo(1),
      targetServiceRevision: { arn: revision(12), taskDefinition: td(12) },
      sourceServiceRevisions: [{ arn: revision(11), taskDefinition: td(11) }],
    },
    {
      serviceDeploymentArn: serviceDeployment("old-deployment"),
      status: "SUCCESSFUL",
      createdAt: minutesAgo(3000),
      startedAt: minutesAgo(3000),
      finishedAt: minutesAgo(2990),
      targetServiceRevision: { arn: revision(11), taskDefinition: td(11) },
      sourceServiceRevisions: [{ arn: revision(10), taskDefinition: td(10) }],
    },
  ];
}

/** A crash loop of an opted-in service whose deployment is still in progress. */
export function crashLoop(): RollbackInput {
  return {
    trigger: {
      kind: "crash-loop",
      deploymentId: CURRENT,
      failures: [failure("a", 1), failure("b", 5), failure("c", 9)],
    },
    service: {
      arn: SERVICE_ARN,
      tags: [
        { key: "team", value: "payments" },
        { key: "ecs-sentinel:auto-rollback", value: "true" },
      ],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } },
      deployments: [currentDeployment(), previousDeployment()],
    },
    history: history(),
    config: {},
    now: NOW,
  };
}

/** The circuit breaker failed the deployment and, its rollback being off, ECS leaves the service on web:12. */
export function failedDeployment(): RollbackInput {
  const input = crashLoop();
  input.trigger = {
    kind: "deployment-failed",
    deploymentId: CURRENT,
    reason: "ECS deployment circuit breaker: tasks failed to start.",
  };
  input.service.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: false } };
  const current = input.service.deployments[0] as ServiceDeploymentState;
  current.rolloutState = "FAILED";
  current.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
  const running = input.history[0] as ServiceDeploymentRecord;
  running.status = "STOPPED";
  running.statusReason = "ECS deployment circuit breaker: tasks failed to start.";
  return input;
}
