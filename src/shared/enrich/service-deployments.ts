/**
 * A service's deployments (DescribeServices), kept for a minute per service: a crash loop stops a task every
 * few seconds, and one call per minute is enough to know which revision the service last ran successfully.
 * Calls and cache hits are counted; failures are not cached.
 */
import { DescribeServicesCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { DeploymentLike } from "../flows/what-changed.js";
import { type CallCounter, enrichmentCalls } from "./call-counter.js";

export const SERVICE_OPERATIONS = {
  describeServices: "ecs:DescribeServices",
  serviceCacheHit: "cache-hit:service",
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
  now?: () => number;
  counter?: CallCounter;
}

export function buildServiceDeploymentsLookup(
  ecs: ECSClient,
  options: ServiceDeploymentsOptions = {},
): ServiceDeploymentsLookup {
  const ttlMs = options.ttlMs ?? DEFAULT_SERVICE_CACHE_MS;
  const now = options.now ?? Date.now;
  const counter = options.counter ?? enrichmentCalls;
  const cache = new Map<string, { at: number; deployments: Promise<DeploymentLike[] | undefined> }>();

  const describe = async (cluster: string, service: string): Promise<DeploymentLike[] | undefined> => {
    counter.count(SERVICE_OPERATIONS.describeServices);
    const response = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return response.services?.[0]?.deployments;
  };

  return (cluster, service) => {
    const key = `${cluster}#${service}`;
    const cached = cache.get(key);
    if (cached && now() - cached.at < ttlMs) {
      counter.count(SERVICE_OPERATIONS.serviceCacheHit);
      return cached.deployments;
    }
    const deployments = describe(cluster, service);
    cache.set(key, { at: now(), deployments });
    deployments.catch(() => {
      if (cache.get(key)?.deployments === deployments) cache.delete(key);
    });
    if (cache.size > MAX_SERVICES) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return deployments;
  };
}
