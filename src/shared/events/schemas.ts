/**
 * Schemas of the ECS events we consume. Deliberately tolerant: real events carry fields the docs omit,
 * numbers as strings ("cpu": "256", sometimes "null"), containers without `image`, and service events
 * without `version` or `clusterArn`. Unknown fields are kept (looseObject) so nothing is lost on the way.
 * zod/mini keeps the handler bundles small.
 */
import * as z from "zod/mini";

/**
 * ISO string, epoch seconds/millis (AWS CLI v1 output) or Date (SDK output) -> ISO string. A number or Date
 * outside Date's range carries no usable time: it becomes undefined rather than failing the whole event.
 */
const timestamp = z.pipe(
  z.union([z.string(), z.number(), z.date()]),
  z.transform((value): string | undefined => {
    if (typeof value === "string") return value;
    const date = value instanceof Date ? value : new Date(value < 1e11 ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }),
);

/** "256", 256, "null", null -> "256" | undefined. */
const numberish = z.pipe(
  z.union([z.string(), z.number(), z.null()]),
  z.transform((value): string | undefined =>
    value === null || value === "null" || value === "" ? undefined : String(value),
  ),
);

/** Exit codes arrive as numbers; be lenient with numeric strings and null. */
const exitCode = z.pipe(
  z.union([z.number(), z.string(), z.null()]),
  z.transform((value): number | undefined => {
    if (value === null || value === "") return undefined;
    const n = typeof value === "number" ? value : Number(value);
    return Number.isFinite(n) ? Math.trunc(n) : undefined;
  }),
);

const nameValue = z.looseObject({ name: z.string(), value: z.optional(z.nullable(z.string())) });

export const containerSchema = z.looseObject({
  name: z.string(),
  containerArn: z.optional(z.string()),
  image: z.optional(z.nullable(z.string())),
  imageDigest: z.optional(z.nullable(z.string())),
  runtimeId: z.optional(z.string()),
  lastStatus: z.optional(z.string()),
  exitCode: z.optional(exitCode),
  reason: z.optional(z.nullable(z.string())),
  healthStatus: z.optional(z.string()),
  cpu: z.optional(numberish),
  memory: z.optional(numberish),
  memoryReservation: z.optional(numberish),
  essential: z.optional(z.boolean()),
});

const containerOverrideSchema = z.looseObject({
  name: z.optional(z.string()),
  command: z.optional(z.array(z.string())),
  environment: z.optional(z.array(nameValue)),
  cpu: z.optional(z.number()),
  memory: z.optional(z.number()),
  memoryReservation: z.optional(z.number()),
});

/** A task as ECS describes it: the `detail` of a Task State Change, or an element of DescribeTasks' `tasks`. */
export const taskSchema = z.looseObject({
  taskArn: z.string(),
  clusterArn: z.optional(z.string()),
  taskDefinitionArn: z.optional(z.string()),
  containerInstanceArn: z.optional(z.string()),
  group: z.optional(z.string()),
  startedBy: z.optional(z.string()),
  launchType: z.optional(z.string()),
  capacityProviderName: z.optional(z.string()),
  platformVersion: z.optional(z.string()),
  availabilityZone: z.optional(z.string()),
  lastStatus: z.optional(z.string()),
  desiredStatus: z.optional(z.string()),
  healthStatus: z.optional(z.string()),
  stopCode: z.optional(z.nullable(z.string())),
  stoppedReason: z.optional(z.nullable(z.string())),
  cpu: z.optional(numberish),
  memory: z.optional(numberish),
  containers: z._default(z.array(containerSchema), []),
  overrides: z.optional(
    z.looseObject({
      containerOverrides: z.optional(z.array(containerOverrideSchema)),
    }),
  ),
  attachments: z.optional(z.array(z.looseObject({ type: z.optional(z.string()) }))),
  attributes: z.optional(z.array(nameValue)),
  tags: z.optional(z.array(z.looseObject({ key: z.optional(z.string()), value: z.optional(z.string()) }))),
  createdAt: z.optional(timestamp),
  pullStartedAt: z.optional(timestamp),
  pullStoppedAt: z.optional(timestamp),
  startedAt: z.optional(timestamp),
  stoppingAt: z.optional(timestamp),
  stoppedAt: z.optional(timestamp),
  executionStoppedAt: z.optional(timestamp),
  updatedAt: z.optional(timestamp),
  version: z.optional(z.number()),
});

export type EcsTask = z.infer<typeof taskSchema>;
export type EcsContainer = z.infer<typeof containerSchema>;

export const deploymentDetailSchema = z.looseObject({
  eventType: z.string(),
  eventName: z.string(),
  deploymentId: z.optional(z.string()),
  updatedAt: z.optional(timestamp),
  reason: z.optional(z.nullable(z.string())),
});
export type DeploymentDetail = z.infer<typeof deploymentDetailSchema>;

export const serviceActionDetailSchema = z.looseObject({
  eventType: z.string(),
  eventName: z.string(),
  clusterArn: z.optional(z.string()),
  createdAt: z.optional(timestamp),
  reason: z.optional(z.nullable(z.string())),
  capacityProviderArns: z.optional(z.array(z.string())),
  containerInstanceArns: z.optional(z.array(z.string())),
  desiredCount: z.optional(z.number()),
  targetServices: z.optional(z.array(z.unknown())),
});
export type ServiceActionDetail = z.infer<typeof serviceActionDetailSchema>;

/**
 * `ECS Hook State Change` (pause hooks, ECS Developer Guide "Pause hooks for Amazon ECS service deployments"):
 * HOOK_AWAITING_ACTION names the hook to continue or roll back (`hookId`) and when it times out (`expiresAt`).
 * The service deployment is in `resources` as well as in the detail.
 */
export const hookStateDetailSchema = z.looseObject({
  eventType: z.optional(z.string()),
  eventName: z.string(),
  hookId: z.optional(z.string()),
  hookType: z.optional(z.string()),
  expiresAt: z.optional(timestamp),
  lifecycleStage: z.optional(z.string()),
  clusterArn: z.optional(z.string()),
  serviceArn: z.optional(z.string()),
  serviceDeploymentArn: z.optional(z.string()),
  updatedAt: z.optional(timestamp),
  reason: z.optional(z.nullable(z.string())),
});
export type HookStateDetail = z.infer<typeof hookStateDetailSchema>;

/**
 * `ECS Container Instance State Change` (ECS Developer Guide "Amazon ECS container instance state change events",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_events.html): the agent's
 * connection (`agentConnected`) and the instance's `status` (ACTIVE, DRAINING, INACTIVE, REGISTERING,
 * DEREGISTERING, REGISTRATION_FAILED). Resources and attributes are kept but not read.
 */
export const containerInstanceStateDetailSchema = z.looseObject({
  clusterArn: z.optional(z.string()),
  containerInstanceArn: z.string(),
  ec2InstanceId: z.optional(z.nullable(z.string())),
  capacityProviderName: z.optional(z.nullable(z.string())),
  agentConnected: z.optional(z.boolean()),
  status: z.optional(z.string()),
  statusReason: z.optional(z.nullable(z.string())),
  agentUpdateStatus: z.optional(z.nullable(z.string())),
  version: z.optional(z.number()),
  updatedAt: z.optional(timestamp),
});
export type ContainerInstanceStateDetail = z.infer<typeof containerInstanceStateDetailSchema>;

/** One check of a container instance's health: CONTAINER_RUNTIME, ACCELERATED_COMPUTE, DAEMON, AGENT_CONNECTIVITY. */
export const instanceHealthCheckSchema = z.looseObject({
  type: z.optional(z.nullable(z.string())),
  status: z.optional(z.nullable(z.string())),
  lastStatusChange: z.optional(z.nullable(timestamp)),
  lastUpdated: z.optional(z.nullable(timestamp)),
  statusReason: z.optional(z.nullable(z.string())),
});
export type InstanceHealthCheck = z.infer<typeof instanceHealthCheckSchema>;

/**
 * `ECS Container Instance Health Change` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_health_events.html):
 * `overallStatus` OK | IMPAIRED | INSUFFICIENT_DATA | INITIALIZING, the most severe of the checks.
 */
export const containerInstanceHealthDetailSchema = z.looseObject({
  clusterArn: z.optional(z.string()),
  containerInstanceArn: z.string(),
  ec2InstanceId: z.optional(z.nullable(z.string())),
  capacityProviderName: z.optional(z.nullable(z.string())),
  overallStatus: z.optional(z.nullable(z.string())),
  healthChecks: z._default(z.array(instanceHealthCheckSchema), []),
});
export type ContainerInstanceHealthDetail = z.infer<typeof containerInstanceHealthDetailSchema>;

/** The EventBridge envelope; `detail` is validated separately, per detail-type. */
export const envelopeSchema = z.looseObject({
  version: z.optional(z.string()),
  id: z.string(),
  "detail-type": z.string(),
  source: z.string(),
  account: z.optional(z.string()),
  time: z.optional(z.string()),
  region: z.optional(z.string()),
  resources: z._default(z.array(z.string()), []),
  detail: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export const DETAIL_TYPES = {
  task: "ECS Task State Change",
  deployment: "ECS Deployment State Change",
  serviceAction: "ECS Service Action",
  hookState: "ECS Hook State Change",
  containerInstanceState: "ECS Container Instance State Change",
  containerInstanceHealth: "ECS Container Instance Health Change",
} as const;
