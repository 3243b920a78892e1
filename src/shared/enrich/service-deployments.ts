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
import { DEFAULT_FAILURE_TTL_MS, isLastingFailure } from "./lasting-failure.js";

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
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
  const now = options.now ?? Date.now;
  const counter = options.counter ?? enrichmentCalls;
  const cache = new Map<
    string,
    { expiresAt: number; failed: boolean; deployments: Promise<DeploymentLike[] | undefined> }
  >();

  const describe = async (cluster: string, service: string): Promise<DeploymentLike[] | undefined> => {
    counter.count(SERVICE_OPERATIONS.describeServices);
    const response = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return response.services?.[0]?.deployments;
  };

  return (cluster, service) => {
    const key = `${cluster}#${service}`;
    const cached = cache.get(key);
    if (cached && now() < cached.expiresAt) {
      counter.count(
        cached.failed ? SERVICE_OPERATIONS.serviceFailureHit : SERVICE_OPERATIONS.serviceCacheHit,
      );
      return cached.deployments;
    }
    const deployments = describe(cluster, service);
    const entry = { expiresAt: now() + ttlMs, failed: false, deployments };
    cache.set(key, entry);
    deployments.catch((error: unknown) => {
      if (cache.get(key) !== entry) return;
      if (!isLastingFailure(error)) {
        cache.delete(key);
        return;
      }
      entry.expiresAt = now() + failureTtlMs;
      entry.failed = true;
    });
    if (cache.size > MAX_SERVICES) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return deployments;
  };
}
