/**
 * A service's deployments (DescribeServices), kept for a minute per service: a crash loop stops a task every
 * few seconds, and one call per minute is enough to know which revision the service last ran successfully.
 * A lasting failure (AccessDenied, a bad cluster) is remembered for a few minutes and thrown again as the same
 * error, so a flood costs one failing call and each alert still says why; throttling and 5xx are not remembered.
 * Calls and cache hits are counted.
 * API reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
 */
import { DescribeServicesCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { DeploymentLike } from "../flows/what-changed.js";
import { type CallCounter, enrichmentCalls } from "./call-counter.js";
import { DEFAULT_FAILURE_TTL_MS } from "./lasting-failure.js";
import { rememberingCache } from "./remembering-cache.js";

export const SERVICE_OPERATIONS = {
  describeServices: "ecs:DescribeServices",
  serviceCacheHit: "cache-hit:service",
  serviceFailureHit: "cache-hit:service-failure",
} as const;

export const DEFAULT_SERVICE_CACHE_MS = 60_000;
const MAX_SERVICES = 200;

/** `(clusterArn, service) => deployments`; undefined when ECS does not know the service. */
export type ServiceDeploymentsLookup = (
  cluster: string,
  service: string,
) => Promise<DeploymentLike[] | undefined>;

export interface ServiceDeploymentsOptions {
  ttlMs?: number;
  /** How long a lasting failure is remembered (default 5 minutes). */
  failureTtlMs?: number;
  now?: () => number;
  counter?: CallCounter;
}

export function buildServiceDeploymentsLookup(
  ecs: ECSClient,
  options: ServiceDeploymentsOptions = {},
): ServiceDeploymentsLookup {
  const ttlMs = options.ttlMs ?? DEFAULT_SERVICE_CACHE_MS;
  const counter = options.counter ?? enrichmentCalls;
  const remembered = rememberingCache<DeploymentLike[] | undefined>({
    maxEntries: MAX_SERVICES,
    failureTtlMs: options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS,
    now: options.now ?? Date.now,
    keepAnswer: () => ({ ms: ttlMs }),
  });

  const describe = async (cluster: string, service: string): Promise<DeploymentLike[] | undefined> => {
    counter.count(SERVICE_OPERATIONS.describeServices);
    const response = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return response.services?.[0]?.deployments;
  };

  return (cluster, service) => {
    const { answer, hit } = remembered(`${cluster}#${service}`, () => describe(cluster, service));
    if (hit)
      counter.count(
        hit === "failure" ? SERVICE_OPERATIONS.serviceFailureHit : SERVICE_OPERATIONS.serviceCacheHit,
      );
    return answer;
  };
}
