/**
 * A service mid-deployment as the ECS API shows it, answered through aws-sdk-client-mock with the response
 * shapes of test/rollback/ecs-responses.ts (the API reference examples). The story: `sd-example` ran
 * large-ngingx:1 (deployment ecs-svc/1, SUCCESSFUL) and now deploys large-ngingx:2 (ecs-svc/2). Tests change
 * the world (rollout state, circuit breaker, tags, first deployment, a rollback deployment) and read back
 * which mutating calls were made. Once ECS accepts a rollback, DescribeServices shows it (unless `reflect`
 * is off: ECS slow to show it, so duplicate triggers reach the claim).
 */
import {
  type Deployment,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  ListTagsForResourceCommand,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsStub } from "aws-sdk-client-mock";
import {
  CLUSTER_ARN,
  DEPLOYMENT_ARN,
  describeDeployments,
  describedDeployment,
  describeRevisions,
  describeServices,
  REVISION_ARN,
  SERVICE_ARN,
  serviceRevision,
  TASK_DEFINITION,
} from "../../rollback/ecs-responses.js";

export { CLUSTER_ARN, SERVICE_ARN, TASK_DEFINITION as OLD_TD };
export const NEW_TD = "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:2";
export const NEW_REVISION =
  "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373578954";
export const NEW_DEPLOYMENT_ARN =
  "arn:aws:ecs:us-west-2:123456789012:service-deployment/example/sd-example/r9i43YFjvgF_xlg7m2eJ1r";
export const OLD_ID = "ecs-svc/1";
export const NEW_ID = "ecs-svc/2";
export const ROLLBACK_ID = "ecs-svc/3";
export const DEPLOYED_AT = new Date("2024-09-10T16:49:00Z");

export interface WorldState {
  rollout: "IN_PROGRESS" | "FAILED" | "COMPLETED";
  rolloutReason: string;
  circuitBreaker: { enable: boolean; rollback: boolean };
  tags: { key: string; value: string }[];
  /** No earlier deployment: ecs-svc/2 is the service's first. */
  firstDeployment: boolean;
  /** ecs-svc/2 is itself ECS rolling back (its reason says so). */
  newIsRollback: boolean;
  /** DescribeServices shows an accepted rollback at once. */
  reflect: boolean;
  rolledBack: boolean;
}

export const OPT_IN = { key: "ecs-sentinel:auto-rollback", value: "true" };
/** A service that rolls back only when a person presses the button. */
export const MANUAL_ROLLBACK = { key: "ecs-sentinel:auto-rollback", value: "manual" };

/** DescribeTaskDefinition, example "To describe a task definition" (hello_world:8), renamed large-ngingx:2. */
export const NEW_TASK_DEFINITION = {
  containerDefinitions: [
    {
      cpu: 10,
      environment: [],
      essential: true,
      image: "wordpress",
      links: ["mysql"],
      memory: 500,
      mountPoints: [],
      name: "wordpress",
      portMappings: [{ containerPort: 80, hostPort: 80 }],
      volumesFrom: [],
    },
    {
      cpu: 10,
      environment: [{ name: "MYSQL_ROOT_PASSWORD", value: "password" }],
      essential: true,
      image: "mysql",
      memory: 500,
      mountPoints: [],
      name: "mysql",
      portMappings: [],
      volumesFrom: [],
    },
  ],
  family: "large-ngingx",
  revision: 2,
  taskDefinitionArn: NEW_TD,
  volumes: [],
};

function newDeployment(state: WorldState): Deployment {
  return {
    createdAt: DEPLOYED_AT,
    desiredCount: 1,
    id: NEW_ID,
    pendingCount: 0,
    runningCount: 0,
    rolloutState: state.rollout,
    rolloutStateReason: state.rolloutReason,
    status: state.rolledBack && state.reflect ? "ACTIVE" : "PRIMARY",
    taskDefinition: state.newIsRollback ? TASK_DEFINITION : NEW_TD,
    updatedAt: DEPLOYED_AT,
  };
}

const OLD_DEPLOYMENT: Deployment = {
  createdAt: new Date("2024-09-01T10:00:00Z"),
  desiredCount: 1,
  id: OLD_ID,
  pendingCount: 0,
  runningCount: 1,
  rolloutState: "COMPLETED",
  rolloutStateReason: "ECS deployment ecs-svc/1 completed.",
  status: "ACTIVE",
  taskDefinition: TASK_DEFINITION,
  updatedAt: new Date("2024-09-01T10:05:00Z"),
};

const ROLLBACK_DEPLOYMENT: Deployment = {
  createdAt: new Date("2024-09-10T16:54:05Z"),
  desiredCount: 1,
  id: ROLLBACK_ID,
  pendingCount: 1,
  runningCount: 0,
  rolloutState: "IN_PROGRESS",
  rolloutStateReason: "ECS deployment ecs-svc/3 in progress.",
  status: "PRIMARY",
  taskDefinition: TASK_DEFINITION,
  updatedAt: new Date("2024-09-10T16:54:05Z"),
};

function services(state: WorldState) {
  const deployments = [newDeployment(state)];
  if (!state.firstDeployment) deployments.push(OLD_DEPLOYMENT);
  if (state.rolledBack && state.reflect) deployments.unshift(ROLLBACK_DEPLOYMENT);
  const out = describeServices(deployments);
  const service = out.services?.[0];
  if (service) {
    service.deploymentConfiguration = {
      ...service.deploymentConfiguration,
      deploymentCircuitBreaker: { ...state.circuitBreaker },
    };
    service.tags = state.tags;
  }
  return out;
}

function newServiceDeploymentStatus(state: WorldState): string {
  if (state.rolledBack && state.reflect) return "ROLLBACK_IN_PROGRESS";
  if (state.rollout === "FAILED") return "STOPPED";
  if (state.rollout === "COMPLETED") return "SUCCESSFUL";
  return "IN_PROGRESS";
}

function listDeployments(state: WorldState) {
  const briefs: ServiceDeploymentBrief[] = [
    {
      clusterArn: CLUSTER_ARN,
      serviceArn: SERVICE_ARN,
      serviceDeploymentArn: NEW_DEPLOYMENT_ARN,
      status: newServiceDeploymentStatus(state) as ServiceDeploymentBrief["status"],
      targetServiceRevisionArn: NEW_REVISION,
    },
  ];
  if (!state.firstDeployment) {
    briefs.push({
      clusterArn: CLUSTER_ARN,
      serviceArn: SERVICE_ARN,
      serviceDeploymentArn: DEPLOYMENT_ARN,
      status: "SUCCESSFUL",
      targetServiceRevisionArn: REVISION_ARN,
    });
  }
  return { serviceDeployments: briefs };
}

function describeHistory(state: WorldState) {
  const current: ServiceDeployment = describedDeployment({
    serviceDeploymentArn: NEW_DEPLOYMENT_ARN,
    status: newServiceDeploymentStatus(state) as ServiceDeployment["status"],
    statusReason: state.rolloutReason,
    startedAt: DEPLOYED_AT,
    targetServiceRevision: {
      arn: NEW_REVISION,
      pendingTaskCount: 1,
      requestedTaskCount: 1,
      runningTaskCount: 0,
    },
    sourceServiceRevisions: state.firstDeployment
      ? []
      : [{ arn: REVISION_ARN, pendingTaskCount: 0, requestedTaskCount: 1, runningTaskCount: 1 }],
  });
  const deployments = [current];
  if (!state.firstDeployment)
    deployments.push(describedDeployment({ finishedAt: new Date("2024-09-01T10:05:00Z") }));
  return describeDeployments(deployments);
}

export interface EcsWorld {
  state: WorldState;
  /** Inputs of the calls that change the service, in order. */
  mutations(): { api: "StopServiceDeployment" | "UpdateService"; input: Record<string, unknown> }[];
  /** Calls by operation name. */
  calls(): Record<string, number>;
  /** The next call of `operation` (e.g. "ListServiceDeployments") fails with `error`, later ones answer. */
  failOnce(operation: string, error: Error): void;
}

// biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock's stub type is generic over the client's commands.
type EcsStub = AwsStub<any, any, ECSClient["config"]>;

export function ecsWorld(mock: EcsStub, overrides: Partial<WorldState> = {}): EcsWorld {
  const state: WorldState = {
    rollout: "IN_PROGRESS",
    rolloutReason: "ECS deployment ecs-svc/2 in progress.",
    circuitBreaker: { enable: false, rollback: false },
    tags: [OPT_IN],
    firstDeployment: false,
    newIsRollback: false,
    reflect: true,
    rolledBack: false,
    ...overrides,
  };
  const failures = new Map<string, Error>();
  const answer =
    <T>(operation: string, respond: () => T) =>
    () => {
      const failure = failures.get(operation);
      failures.delete(operation);
      if (failure) throw failure;
      return respond();
    };
  mock.on(DescribeServicesCommand).callsFake(answer("DescribeServices", () => services(state)));
  mock
    .on(ListServiceDeploymentsCommand)
    .callsFake(answer("ListServiceDeployments", () => listDeployments(state)));
  mock
    .on(DescribeServiceDeploymentsCommand)
    .callsFake(answer("DescribeServiceDeployments", () => describeHistory(state)));
  mock
    .on(DescribeServiceRevisionsCommand)
    .callsFake(
      answer("DescribeServiceRevisions", () =>
        describeRevisions([
          serviceRevision(),
          serviceRevision({ serviceRevisionArn: NEW_REVISION, taskDefinition: NEW_TD }),
        ]),
      ),
    );
  mock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: NEW_TASK_DEFINITION });
  mock.on(StopServiceDeploymentCommand).callsFake((input: { serviceDeploymentArn: string }) => {
    state.rolledBack = true;
    return { serviceDeploymentArn: input.serviceDeploymentArn };
  });
  mock.on(UpdateServiceCommand).callsFake(() => {
    state.rolledBack = true;
    return {};
  });

  return {
    state,
    failOnce: (operation, error) => {
      failures.set(operation, error);
    },
    mutations: () =>
      mock
        .calls()
        .map((call) => call.args[0])
        .filter(
          (command) =>
            command instanceof StopServiceDeploymentCommand || command instanceof UpdateServiceCommand,
        )
        .map((command) => ({
          api: command instanceof StopServiceDeploymentCommand ? "StopServiceDeployment" : "UpdateService",
          input: { ...command.input } as Record<string, unknown>,
        })),
    calls: () => {
      const counts: Record<string, number> = {};
      for (const call of mock.calls()) {
        const name = call.args[0].constructor.name.replace(/Command$/, "");
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return counts;
    },
  };
}

/** A failed deployment of a service that rolls back by button only, its tags readable too (the buttons' story). */
export function failedManualDeployment(mock: EcsStub): EcsWorld {
  mock.reset();
  const world = ecsWorld(mock, {
    tags: [MANUAL_ROLLBACK],
    rollout: "FAILED",
    rolloutReason: "tasks failed to start",
  });
  mock.on(ListTagsForResourceCommand).resolves({ tags: [MANUAL_ROLLBACK] });
  return world;
}
