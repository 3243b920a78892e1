/**
 * The operations of the ECS stand-in (test/support/ecs-standin.ts) over a mutable world, as the API reference
 * documents them (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_<Operation>.html):
 * - DescribeServices: `services` required (1 to 10 names or ARNs), `cluster` default "default", tags only with
 *   `include: ["TAGS"]`; an unknown service is a `failures` entry with reason MISSING.
 * - ListTasks: `desiredStatus` RUNNING (the default) | PENDING | STOPPED; `serviceName` must name a service of the
 *   cluster (ServiceNotFoundException); `maxResults` 1 to 100 (default 100) and an opaque `nextToken`.
 * - DescribeTasks: `tasks` required, at most 100; unknown tasks are `failures` (MISSING).
 * - DescribeTaskDefinition: `taskDefinition` (family, family:revision or ARN) required; unknown: ClientException.
 * - DescribeServiceRevisions / DescribeServiceDeployments: their ARN lists required, at most 20 each; unknown ARNs
 *   are `failures` (MISSING).
 * - ListServiceDeployments: `service` required (ServiceNotFoundException when unknown), `status` filter,
 *   `maxResults` 1 to 100 (default 20), `nextToken`; briefs, newest first.
 * - ContinueServiceDeployment (.../developerguide/continue-service-deployment.html): `serviceDeploymentArn` and
 *   `hookId` required, `action` CONTINUE (default) | ROLLBACK; unknown deployment: ServiceDeploymentNotFoundException.
 *   "The pause hook must be in AWAITING_ACTION status" and "the deployment must be in the IN_PROGRESS state": the
 *   docs do not name the error for a breach; the stand-in answers ClientException (the reference's "identifier that
 *   isn't valid") and InvalidParameterException for a hookId the deployment does not have. The hook then SUCCEEDED;
 *   ROLLBACK also moves the deployment to ROLLBACK_IN_PROGRESS.
 * - Any cluster the world does not hold: ClusterNotFoundException. A missing required field or a value out of its
 *   documented range: InvalidParameterException.
 */
import type {
  DeploymentLifecycleHookDetail,
  Service,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceRevision,
  Task,
  TaskDefinition,
} from "@aws-sdk/client-ecs";

/** What ECS holds; tests arrange it and change it between calls. Timestamps are Dates (sent as epoch seconds). */
export interface EcsStandinWorld {
  services: Service[];
  serviceRevisions: ServiceRevision[];
  serviceDeployments: ServiceDeployment[];
  tasks: Task[];
  taskDefinitions: TaskDefinition[];
}

export const emptyWorld = (): EcsStandinWorld => ({
  services: [],
  serviceRevisions: [],
  serviceDeployments: [],
  tasks: [],
  taskDefinitions: [],
});

/** An error answer of the ECS API: HTTP `status` with `{"__type": type, "message": ...}`. */
export class EcsApiError extends Error {
  override readonly name = "EcsApiError";
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Request = Record<string, unknown>;
export type Operation = (world: EcsStandinWorld, request: Request) => unknown;

const invalid = (message: string) => new EcsApiError("InvalidParameterException", message);

function requiredString(request: Request, field: string): string {
  const value = request[field];
  if (typeof value !== "string" || value === "") throw invalid(`${field} is required and must be a string.`);
  return value;
}

function optionalString(request: Request, field: string): string | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`${field} must be a string.`);
  return value;
}

function requiredList(request: Request, field: string, max: number): string[] {
  const value = request[field];
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${field} cannot be empty.`);
  if (!value.every((v) => typeof v === "string")) throw invalid(`${field} must be a list of strings.`);
  if (value.length > max) throw invalid(`${field} cannot contain more than ${max} elements.`);
  return value as string[];
}

function maxResults(request: Request, fallback: number): number {
  const value = request.maxResults;
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 100)
    throw invalid("maxResults must be an integer from 1 to 100.");
  return value;
}

const includesTags = (request: Request) => Array.isArray(request.include) && request.include.includes("TAGS");

/** ARNs end in `:cluster/NAME`; a request names a cluster by either. */
function clusterArnOf(world: EcsStandinWorld, request: Request): string {
  const given = optionalString(request, "cluster") ?? "default";
  const known = new Set(
    [...world.services, ...world.tasks, ...world.serviceDeployments].flatMap((r) =>
      r.clusterArn ? [r.clusterArn] : [],
    ),
  );
  for (const arn of known) if (arn === given || arn.endsWith(`:cluster/${given}`)) return arn;
  throw new EcsApiError("ClusterNotFoundException", "Cluster not found.");
}

const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

function findService(world: EcsStandinWorld, clusterArn: string, ref: string): Service | undefined {
  return world.services.find(
    (s) => s.clusterArn === clusterArn && (s.serviceArn === ref || s.serviceName === ref),
  );
}

function serviceArnFor(clusterArn: string, ref: string): string {
  if (ref.startsWith("arn:")) return ref;
  return `${clusterArn.replace(":cluster/", ":service/")}/${ref}`;
}

/** An opaque token over an offset into a list, bound to the request that made it. */
function page<T>(items: T[], request: Request, size: number, scope: string) {
  let offset = 0;
  const token = optionalString(request, "nextToken");
  if (token !== undefined) {
    let parsed: { scope?: unknown; offset?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    } catch {
      throw invalid("The nextToken is not valid.");
    }
    if (parsed.scope !== scope || typeof parsed.offset !== "number")
      throw invalid("The nextToken is not valid.");
    offset = parsed.offset;
  }
  const end = offset + size;
  const nextToken =
    end < items.length
      ? Buffer.from(JSON.stringify({ scope, offset: end })).toString("base64url")
      : undefined;
  return { items: items.slice(offset, end), ...(nextToken ? { nextToken } : {}) };
}

const missing = (arn: string) => ({ arn, reason: "MISSING" });

const describeServices: Operation = (world, request) => {
  const clusterArn = clusterArnOf(world, request);
  const refs = requiredList(request, "services", 10);
  const services: Service[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    const service = findService(world, clusterArn, ref);
    if (!service) failures.push(missing(serviceArnFor(clusterArn, ref)));
    else if (includesTags(request)) services.push(service);
    else {
      const { tags, ...untagged } = service;
      services.push(untagged);
    }
  }
  return { services, failures };
};

const TASK_STATUSES = ["RUNNING", "PENDING", "STOPPED"];

const listTasks: Operation = (world, request) => {
  const clusterArn = clusterArnOf(world, request);
  const desiredStatus = optionalString(request, "desiredStatus") ?? "RUNNING";
  if (!TASK_STATUSES.includes(desiredStatus))
    throw invalid(`desiredStatus must be one of ${TASK_STATUSES.join(", ")}.`);
  const serviceName = optionalString(request, "serviceName");
  const service = serviceName === undefined ? undefined : findService(world, clusterArn, serviceName);
  if (serviceName !== undefined && !service)
    throw new EcsApiError("ServiceNotFoundException", "Service not found.");
  const startedBy = optionalString(request, "startedBy");
  const arns = world.tasks
    .filter(
      (t) =>
        t.clusterArn === clusterArn &&
        (t.desiredStatus ?? "RUNNING") === desiredStatus &&
        (!service || t.group === `service:${service.serviceName}`) &&
        (startedBy === undefined || t.startedBy === startedBy),
    )
    .flatMap((t) => (t.taskArn ? [t.taskArn] : []));
  const scope = `ListTasks#${clusterArn}#${serviceName ?? ""}#${desiredStatus}#${startedBy ?? ""}`;
  const { items, nextToken } = page(arns, request, maxResults(request, 100), scope);
  return { taskArns: items, ...(nextToken ? { nextToken } : {}) };
};

const describeTasks: Operation = (world, request) => {
  const clusterArn = clusterArnOf(world, request);
  const refs = requiredList(request, "tasks", 100);
  const tasks: Task[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    const task = world.tasks.find(
      (t) =>
        t.clusterArn === clusterArn && (t.taskArn === ref || (t.taskArn && lastSegment(t.taskArn) === ref)),
    );
    if (!task) failures.push(missing(ref));
    else if (includesTags(request)) tasks.push(task);
    else {
      const { tags, ...untagged } = task;
      tasks.push(untagged);
    }
  }
  return { tasks, failures };
};

const describeTaskDefinition: Operation = (world, request) => {
  const ref = requiredString(request, "taskDefinition");
  const [family, revision] = ref.startsWith("arn:") ? [undefined, undefined] : ref.split(":");
  const candidates = world.taskDefinitions.filter((d) =>
    ref.startsWith("arn:")
      ? d.taskDefinitionArn === ref
      : d.family === family && (revision === undefined || String(d.revision) === revision),
  );
  const taskDefinition = candidates
    .filter((d) => revision !== undefined || ref.startsWith("arn:") || (d.status ?? "ACTIVE") === "ACTIVE")
    .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
  if (!taskDefinition) throw new EcsApiError("ClientException", "Unable to describe task definition.");
  return { taskDefinition };
};

const describeServiceRevisions: Operation = (world, request) => {
  const arns = requiredList(request, "serviceRevisionArns", 20);
  const serviceRevisions: ServiceRevision[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const arn of arns) {
    const revision = world.serviceRevisions.find((r) => r.serviceRevisionArn === arn);
    if (revision) serviceRevisions.push(revision);
    else failures.push(missing(arn));
  }
  return { serviceRevisions, failures };
};

const DEPLOYMENT_STATUSES = [
  "PENDING",
  "SUCCESSFUL",
  "STOPPED",
  "STOP_REQUESTED",
  "IN_PROGRESS",
  "ROLLBACK_REQUESTED",
  "ROLLBACK_IN_PROGRESS",
  "ROLLBACK_SUCCESSFUL",
  "ROLLBACK_FAILED",
];

function briefOf(d: ServiceDeployment): ServiceDeploymentBrief {
  const brief: ServiceDeploymentBrief = {
    serviceDeploymentArn: d.serviceDeploymentArn,
    serviceArn: d.serviceArn,
    clusterArn: d.clusterArn,
    startedAt: d.startedAt,
    createdAt: d.createdAt,
    finishedAt: d.finishedAt,
    targetServiceRevisionArn: d.targetServiceRevision?.arn,
    status: d.status,
    statusReason: d.statusReason,
  };
  return Object.fromEntries(Object.entries(brief).filter(([, v]) => v !== undefined));
}

const listServiceDeployments: Operation = (world, request) => {
  const clusterArn = clusterArnOf(world, request);
  const service = findService(world, clusterArn, requiredString(request, "service"));
  if (!service) throw new EcsApiError("ServiceNotFoundException", "Service not found.");
  const status = request.status;
  if (
    status !== undefined &&
    (!Array.isArray(status) || !status.every((s) => typeof s === "string" && DEPLOYMENT_STATUSES.includes(s)))
  )
    throw invalid(`status must be a list of ${DEPLOYMENT_STATUSES.join(", ")}.`);
  const wanted = status as string[] | undefined;
  const briefs = world.serviceDeployments
    .filter(
      (d) =>
        d.serviceArn === service.serviceArn &&
        (!wanted || (d.status !== undefined && wanted.includes(d.status))),
    )
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    .map(briefOf);
  const scope = `ListServiceDeployments#${service.serviceArn}#${(wanted ?? []).join(",")}`;
  const { items, nextToken } = page(briefs, request, maxResults(request, 20), scope);
  return { serviceDeployments: items, ...(nextToken ? { nextToken } : {}) };
};

const describeServiceDeployments: Operation = (world, request) => {
  const arns = requiredList(request, "serviceDeploymentArns", 20);
  const serviceDeployments: ServiceDeployment[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const arn of arns) {
    const deployment = world.serviceDeployments.find((d) => d.serviceDeploymentArn === arn);
    if (deployment) serviceDeployments.push(deployment);
    else failures.push(missing(arn));
  }
  return { serviceDeployments, failures };
};

const continueServiceDeployment: Operation = (world, request) => {
  const arn = requiredString(request, "serviceDeploymentArn");
  const hookId = requiredString(request, "hookId");
  const action = optionalString(request, "action") ?? "CONTINUE";
  if (action !== "CONTINUE" && action !== "ROLLBACK") throw invalid("action must be CONTINUE or ROLLBACK.");
  const deployment = world.serviceDeployments.find((d) => d.serviceDeploymentArn === arn);
  if (!deployment)
    throw new EcsApiError("ServiceDeploymentNotFoundException", "The service deployment does not exist.");
  const hook: DeploymentLifecycleHookDetail | undefined = deployment.lifecycleHookDetails?.find(
    (h) => h.hookId === hookId,
  );
  if (!hook) throw invalid(`The service deployment has no lifecycle hook ${hookId}.`);
  if (hook.status !== "AWAITING_ACTION")
    throw new EcsApiError("ClientException", `The lifecycle hook is ${hook.status}, not AWAITING_ACTION.`);
  if (deployment.status !== "IN_PROGRESS")
    throw new EcsApiError(
      "ClientException",
      `The service deployment is ${deployment.status}, not IN_PROGRESS.`,
    );
  hook.status = "SUCCEEDED";
  if (action === "ROLLBACK") deployment.status = "ROLLBACK_IN_PROGRESS";
  return { serviceDeploymentArn: arn };
};

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  DescribeServices: describeServices,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  DescribeTaskDefinition: describeTaskDefinition,
  DescribeServiceRevisions: describeServiceRevisions,
  ListServiceDeployments: listServiceDeployments,
  DescribeServiceDeployments: describeServiceDeployments,
  ContinueServiceDeployment: continueServiceDeployment,
};
