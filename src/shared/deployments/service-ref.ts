/**
 * Which service an ECS deployment or service-action event is about. These events carry no task and,
 * for deployments, no clusterArn: the service ARN in `resources[0]` is the only reliable source.
 */
import { arnName, clusterArnFromServiceArn, parseServiceArn } from "../events/arns.js";

export interface EventService {
  /** Service name, or "unknown service" when the event names none. */
  name: string;
  serviceArn?: string;
  clusterArn?: string;
  clusterName?: string;
  region?: string;
  account?: string;
  partition: string;
}

/** arn:aws:ecs:REGION:ACCOUNT:task-set/CLUSTER/SERVICE/ecs-svc/ID (TASKSET_STEADY_STATE may name a task set). */
function serviceArnFromTaskSetArn(arn: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):ecs:([^:]*):([^:]*):task-set\/([^/]+)\/([^/]+)\//.exec(arn);
  if (!m) return undefined;
  const [, partition, region, account, cluster, service] = m;
  return `arn:${partition}:ecs:${region}:${account}:service/${cluster}/${service}`;
}

export function eventService(resources: readonly string[], detailClusterArn?: string): EventService {
  let serviceArn: string | undefined;
  for (const resource of resources) {
    if (parseServiceArn(resource)) {
      serviceArn = resource;
      break;
    }
    serviceArn ??= serviceArnFromTaskSetArn(resource);
  }
  const ref = serviceArn ? parseServiceArn(serviceArn) : undefined;
  const clusterArn = (serviceArn && clusterArnFromServiceArn(serviceArn)) || detailClusterArn || undefined;
  return {
    name: ref?.service ?? "unknown service",
    serviceArn,
    clusterArn,
    clusterName: ref?.cluster ?? arnName(detailClusterArn),
    region: ref?.region,
    account: ref?.account,
    partition: ref?.partition ?? "aws",
  };
}

/** Console page listing the service's deployments and events; undefined outside the commercial partition. */
export function serviceConsoleUrl(service: EventService): string | undefined {
  if (service.partition !== "aws" || !service.region || !service.clusterName || !service.serviceArn) {
    return undefined;
  }
  const cluster = encodeURIComponent(service.clusterName);
  const name = encodeURIComponent(service.name);
  return `https://${service.region}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/services/${name}/deployments?region=${service.region}`;
}
