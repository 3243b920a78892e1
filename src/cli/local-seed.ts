/**
 * `ecs-sentinel local-setup --seed`: the ECS side of the README's story in the emulator — the clusters, the task
 * definitions (up to the revisions the sample events and examples/jobs.yml name, so their ARNs resolve) and the
 * services of examples/events, `api` opted in to automatic rollback. Idempotent: what exists is kept.
 *
 * Only ever against a loopback endpoint (the emulator): seeding a real account would create services there.
 * Shaped for moto's limits: bridge networking (awsvpc needs moto EC2 subnets), container-level memory (task-level
 * only crashes RunTask in moto), EC2 launch type (moto's services never start tasks anyway).
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { ecsClient } from "../app/aws.js";

export class SeedRefusedError extends Error {
  override readonly name = "SeedRefusedError";
}

export const AUTO_ROLLBACK_TAG = "ecs-sentinel:auto-rollback";

export interface SeedFamily {
  family: string;
  /** The revision the story needs to exist (earlier revisions are registered on the way). */
  revision: number;
  /** Image of each revision; the last entry for every revision after those listed. */
  images: Record<number, string>;
}

export interface SeedService {
  cluster: string;
  name: string;
  /** family:revision the service runs (its last good revision). */
  taskDefinition: string;
  tags: Record<string, string>;
}

export interface SeedPlan {
  clusters: string[];
  families: SeedFamily[];
  services: SeedService[];
}

const registry = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

/**
 * What the sample events (examples/events) and examples/jobs.yml name. api:41 is the good revision (v1.18.3),
 * api:42 the deployment that crash-loops and fails (v1.19.0): the README's rollback story.
 */
export const STORY: SeedPlan = {
  clusters: ["prod", "production"],
  families: [
    { family: "api", revision: 42, images: { 1: `${registry}/api:v1.18.3`, 42: `${registry}/api:v1.19.0` } },
    { family: "worker", revision: 17, images: { 1: `${registry}/worker:v3.0.0-rc1` } },
    { family: "billing", revision: 9, images: { 1: `${registry}/billing:v2.4.1` } },
    { family: "web", revision: 63, images: { 1: `${registry}/web:v5.2.0` } },
    { family: "batch-worker", revision: 28, images: { 1: `${registry}/batch-worker:v1.7.4` } },
    { family: "nightly-report", revision: 5, images: { 1: `${registry}/nightly-report:v0.9.2` } },
    { family: "reports", revision: 42, images: { 1: `${registry}/reports:latest` } },
    { family: "app-migrate", revision: 1, images: { 1: `${registry}/app:latest` } },
    { family: "app-backfill", revision: 1, images: { 1: `${registry}/app:latest` } },
    { family: "cache-warmup", revision: 7, images: { 1: `${registry}/cache-warmup:latest` } },
  ],
  services: [
    { cluster: "prod", name: "api", taskDefinition: "api:41", tags: { [AUTO_ROLLBACK_TAG]: "true" } },
    { cluster: "prod", name: "worker", taskDefinition: "worker:17", tags: {} },
    { cluster: "prod", name: "billing", taskDefinition: "billing:9", tags: {} },
    { cluster: "prod", name: "web", taskDefinition: "web:63", tags: {} },
    { cluster: "prod", name: "batch-worker", taskDefinition: "batch-worker:28", tags: {} },
    { cluster: "prod", name: "reports", taskDefinition: "reports:42", tags: {} },
    { cluster: "production", name: "api", taskDefinition: "api:41", tags: {} },
  ],
};

export interface SeedResult {
  clusters: string[];
  /** family:revision now registered, per family (the latest revision). */
  taskDefinitions: string[];
  services: Array<{ cluster: string; service: string; created: boolean }>;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** The emulator's endpoint, or SeedRefusedError when ECS calls would go anywhere but this machine. */
export function requireLoopbackEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = env.AWS_ENDPOINT_URL_ECS || env.AWS_ENDPOINT_URL;
  if (!endpoint) {
    throw new SeedRefusedError(
      "local-setup --seed creates ECS resources in an emulator only: set AWS_ENDPOINT_URL to it (never a real account)",
    );
  }
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    throw new SeedRefusedError(`local-setup --seed: AWS_ENDPOINT_URL is not a URL: ${endpoint}`);
  }
  if (!LOOPBACK_HOSTS.has(host) && !/^127(\.\d{1,3}){3}$/.test(host)) {
    throw new SeedRefusedError(
      `local-setup --seed seeds an emulator on this machine only; ${endpoint} is not a loopback address`,
    );
  }
  return endpoint;
}

function imageFor(family: SeedFamily, revision: number): string {
  const listed = Object.keys(family.images)
    .map(Number)
    .filter((at) => at <= revision)
    .sort((a, b) => a - b);
  const at = listed[listed.length - 1] ?? 1;
  return family.images[at] ?? `${registry}/${family.family}:latest`;
}

async function latestRevision(client: ECSClient, family: string): Promise<number> {
  try {
    const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    return out.taskDefinition?.revision ?? 0;
  } catch (error) {
    // ClientException "Unable to describe task definition": the family does not exist yet.
    if ((error as { name?: string }).name === "ClientException") return 0;
    throw error;
  }
}

async function ensureFamily(client: ECSClient, family: SeedFamily): Promise<string> {
  let revision = await latestRevision(client, family.family);
  while (revision < family.revision) {
    const next = revision + 1;
    const out = await client.send(
      new RegisterTaskDefinitionCommand({
        family: family.family,
        networkMode: "bridge",
        requiresCompatibilities: ["EC2"],
        containerDefinitions: [
          // Container-level memory: a task definition with task-level memory only crashes moto's RunTask.
          { name: family.family, image: imageFor(family, next), memory: 512, cpu: 256, essential: true },
        ],
      }),
    );
    revision = out.taskDefinition?.revision ?? next;
  }
  return `${family.family}:${revision}`;
}

async function ensureService(client: ECSClient, service: SeedService): Promise<boolean> {
  const existing = await client.send(
    new DescribeServicesCommand({ cluster: service.cluster, services: [service.name] }),
  );
  if (existing.services?.some((s) => s.status === "ACTIVE")) return false;
  await client.send(
    new CreateServiceCommand({
      cluster: service.cluster,
      serviceName: service.name,
      taskDefinition: service.taskDefinition,
      desiredCount: 2,
      launchType: "EC2",
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: false },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      tags: Object.entries(service.tags).map(([key, value]) => ({ key, value })),
      propagateTags: "SERVICE",
    }),
  );
  return true;
}

/** Creates (or keeps) the clusters, task definitions and services of `plan` in the emulator. */
export async function seedEmulator(
  plan: SeedPlan = STORY,
  client: ECSClient = ecsClient(),
): Promise<SeedResult> {
  requireLoopbackEndpoint();
  for (const cluster of plan.clusters) {
    // CreateCluster is idempotent: an existing cluster of that name is returned as it is.
    await client.send(new CreateClusterCommand({ clusterName: cluster }));
  }
  const taskDefinitions: string[] = [];
  for (const family of plan.families) taskDefinitions.push(await ensureFamily(client, family));
  const services: SeedResult["services"] = [];
  for (const service of plan.services) {
    services.push({
      cluster: service.cluster,
      service: service.name,
      created: await ensureService(client, service),
    });
  }
  return { clusters: plan.clusters, taskDefinitions, services };
}
