/**
 * ECS responses shaped exactly like the API reference examples (the @example blocks of
 * @aws-sdk/client-ecs, which are the API reference's examples). Differences, all deliberate:
 * - timestamps are Date objects, as the SDK hands them to callers after deserialising;
 * - where a test needs a coherent story, values are adapted (status, extra entries, tags,
 *   rolloutState, sourceServiceRevisions), each noted where it is done. Field names and nesting never change.
 */
import type {
  DescribeServiceDeploymentsCommandOutput,
  DescribeServiceRevisionsCommandOutput,
  DescribeServicesCommandOutput,
  ListServiceDeploymentsCommandOutput,
  ServiceDeployment,
  ServiceRevision,
} from "@aws-sdk/client-ecs";

type Body<T> = Omit<T, "$metadata">;

export const SERVICE_ARN = "arn:aws:ecs:us-west-2:123456789012:service/example/sd-example";
export const CLUSTER_ARN = "arn:aws:ecs:us-west-2:123456789012:cluster/example";
export const DEPLOYMENT_ARN =
  "arn:aws:ecs:us-west-2:123456789012:service-deployment/example/sd-example/NCWGC2ZR-taawPAYrIaU5";
export const REVISION_ARN =
  "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/4980306466373577095";
export const TASK_DEFINITION = "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:1";

/** ListServiceDeployments, example "To list service deployments that meet the specified criteria" (verbatim). */
export const LIST_SUCCESSFUL: Body<ListServiceDeploymentsCommandOutput> = {
  serviceDeployments: [
    {
      clusterArn: CLUSTER_ARN,
      serviceArn: SERVICE_ARN,
      serviceDeploymentArn: DEPLOYMENT_ARN,
      status: "SUCCESSFUL",
      targetServiceRevisionArn: REVISION_ARN,
    },
  ],
};

/** DescribeServiceDeployments, example "To describe a service deployment"; status adapted PENDING -> SUCCESSFUL. */
export function describedDeployment(overrides: Partial<ServiceDeployment> = {}): ServiceDeployment {
  return {
    clusterArn: CLUSTER_ARN,
    deploymentConfiguration: {
      deploymentCircuitBreaker: {
        enable: true,
        resetOnHealthyTask: true,
        rollback: true,
        thresholdConfiguration: { type: "BOUNDED_PERCENT", value: 50 },
      },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    serviceArn: SERVICE_ARN,
    serviceDeploymentArn: DEPLOYMENT_ARN,
    status: "SUCCESSFUL",
    targetServiceRevision: {
      arn: REVISION_ARN,
      pendingTaskCount: 0,
      requestedTaskCount: 0,
      runningTaskCount: 0,
    },
    updatedAt: new Date("2024-09-10T16:49:35.57Z"),
    ...overrides,
  };
}

export function describeDeployments(
  deployments: ServiceDeployment[],
): Body<DescribeServiceDeploymentsCommandOutput> {
  return { failures: [], serviceDeployments: deployments };
}

/** DescribeServiceRevisions, example "To describe a service revision" (verbatim but for the overrides). */
export function serviceRevision(overrides: Partial<ServiceRevision> = {}): ServiceRevision {
  return {
    clusterArn: CLUSTER_ARN,
    createdAt: new Date("2024-09-10T16:49:26.39Z"),
    launchType: "FARGATE",
    networkConfiguration: {
      awsvpcConfiguration: {
        assignPublicIp: "ENABLED",
        securityGroups: ["sg-09605d60a6bc1b296"],
        subnets: ["subnet-0a4040e73895f04e1"],
      },
    },
    platformFamily: "DockerLinux",
    platformVersion: "1.4.0",
    serviceArn: SERVICE_ARN,
    serviceRevisionArn: REVISION_ARN,
    taskDefinition: TASK_DEFINITION,
    ...overrides,
  };
}

export function describeRevisions(revisions: ServiceRevision[]): Body<DescribeServiceRevisionsCommandOutput> {
  return { failures: [], serviceRevisions: revisions };
}

/**
 * DescribeServices, example "To describe a service", adapted to the sd-example service of the deployment
 * examples, with `include: ["TAGS"]`'s tags, the circuit breaker, and the rolloutState fields ECS returns today.
 */
export function describeServices(
  deployments: NonNullable<DescribeServicesCommandOutput["services"]>[number]["deployments"],
): Body<DescribeServicesCommandOutput> {
  return {
    failures: [],
    services: [
      {
        clusterArn: CLUSTER_ARN,
        createdAt: new Date("2016-08-29T16:25:52.130Z"),
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: false, rollback: false },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
        },
        deployments,
        desiredCount: 1,
        events: [],
        loadBalancers: [],
        pendingCount: 0,
        runningCount: 0,
        serviceArn: SERVICE_ARN,
        serviceName: "sd-example",
        status: "ACTIVE",
        tags: [{ key: "ecs-sentinel:auto-rollback", value: "true" }],
        taskDefinition: "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:2",
      },
    ],
  };
}

/** DescribeServices for a service that does not exist (the API's failure shape). */
export const SERVICE_MISSING: Body<DescribeServicesCommandOutput> = {
  failures: [{ arn: SERVICE_ARN, reason: "MISSING" }],
  services: [],
};
