/**
 * Deployment review: looks at the task definition being deployed and the service it goes to, and flags what
 * makes a bad deployment harder to prevent, notice or undo. Pure: takes the DescribeTaskDefinition
 * `taskDefinition` and the DescribeServices `services[0]` shapes (type-only SDK imports), returns findings.
 * Secret values never leave this module: findings name the variable, never its value.
 */
import type { ContainerDefinition, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import type { Severity } from "../diagnosis/types.js";
import { arnName, parseServiceArn, parseTaskDefinitionArn } from "../events/arns.js";
import type { Fact, Message } from "../notify/message.js";
import { DOCS } from "./docs.js";
import { isMutableImage } from "./image-ref.js";
import { secretSignal } from "./secret-detection.js";

export const FINDING_IDS = [
  "plaintext-secret",
  "mutable-image-tag",
  "task-role-is-execution-role",
  "no-health-check-grace-period",
  "circuit-breaker-off",
  "circuit-breaker-rollback-off",
  "no-log-configuration",
  "public-ip",
  "no-container-health-check",
] as const;
export type FindingId = (typeof FINDING_IDS)[number];

export interface ReviewFinding {
  id: FindingId;
  severity: Severity;
  /** What was found. Names containers and variables, never a secret value. */
  summary: string;
  /** Why it matters. */
  why: string;
  fix: string;
  docs: string;
}

export interface ReviewInput {
  taskDefinition: TaskDefinition;
  service: Service;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

const names = (containers: readonly ContainerDefinition[]) =>
  containers.map((c) => `\`${c.name ?? "(unnamed)"}\``).join(", ");

function plaintextSecrets(containers: readonly ContainerDefinition[]): ReviewFinding[] {
  const findings: ReviewFinding[] = [];
  for (const container of containers) {
    const flagged = (container.environment ?? [])
      .filter((kv) => kv.name && secretSignal(kv.name, kv.value))
      .map((kv) => `\`${kv.name}\``);
    if (flagged.length === 0) continue;
    findings.push({
      id: "plaintext-secret",
      severity: "critical",
      summary: `container \`${container.name}\`: ${flagged.join(", ")} ${flagged.length === 1 ? "looks" : "look"} like a secret in a plain environment variable`,
      why: "Plain environment values are readable by anyone who can describe the task definition, and they stay in every revision forever.",
      fix: "Move the value to Secrets Manager or SSM Parameter Store and reference it under `secrets` (valueFrom); then rotate it, since it was exposed",
      docs: DOCS.sensitiveData,
    });
  }
  return findings;
}

function mutableImages(containers: readonly ContainerDefinition[]): ReviewFinding | undefined {
  const mutable = containers.filter((c) => c.image && isMutableImage(c.image));
  if (mutable.length === 0) return undefined;
  const list = mutable.map((c) => `\`${c.name}\` (${c.image})`).join(", ");
  return {
    id: "mutable-image-tag",
    severity: "warning",
    summary: `image without a fixed tag: ${list}`,
    why: "`latest` (or no tag) does not say which build runs, and rolling back to this revision may pull a different image.",
    fix: "Tag images with a version or commit (and make the ECR repository tags immutable), or pin the digest (`repo@sha256:...`)",
    docs: DOCS.imageTagMutability,
  };
}

function sharedRole(td: TaskDefinition): ReviewFinding | undefined {
  if (!td.taskRoleArn || td.taskRoleArn !== td.executionRoleArn) return undefined;
  return {
    id: "task-role-is-execution-role",
    severity: "warning",
    summary: "the task role is also the execution role",
    why: "The application gets the permissions ECS needs to start it (pull any image, read the task's secrets, write logs), more than it should hold.",
    fix: "Use a separate task role with only what the application calls; keep ECR/logs/secrets access on the execution role",
    docs: DOCS.taskIamRoles,
  };
}

function gracePeriod(service: Service): ReviewFinding | undefined {
  if (!service.loadBalancers?.length || (service.healthCheckGracePeriodSeconds ?? 0) > 0) return undefined;
  return {
    id: "no-health-check-grace-period",
    severity: "warning",
    summary: "behind a load balancer without a health check grace period",
    why: "Tasks that start slowly are killed by failing load balancer health checks before they are ready, which looks like a crash loop.",
    fix: "Set `healthCheckGracePeriodSeconds` on the service to a bit more than the application's start-up time",
    docs: DOCS.healthCheckGracePeriod,
  };
}

function circuitBreaker(service: Service): ReviewFinding | undefined {
  const controller = service.deploymentController?.type ?? "ECS";
  if (controller !== "ECS") return undefined;
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  if (!breaker?.enable) {
    return {
      id: "circuit-breaker-off",
      severity: "warning",
      summary: "the deployment circuit breaker is off",
      why: "A revision whose tasks never become healthy keeps being retried forever instead of failing the deployment.",
      fix: "Turn on `deploymentCircuitBreaker` with `rollback: true` in the service's deployment configuration",
      docs: DOCS.circuitBreaker,
    };
  }
  if (!breaker.rollback) {
    return {
      id: "circuit-breaker-rollback-off",
      severity: "warning",
      summary: "the deployment circuit breaker does not roll back",
      why: "A failed deployment stops but the service stays on the failing revision until someone acts.",
      fix: "Set `rollback: true` on the deployment circuit breaker (or opt the service in to ecs-sentinel auto-rollback)",
      docs: DOCS.circuitBreaker,
    };
  }
  return undefined;
}

function missingLogs(containers: readonly ContainerDefinition[]): ReviewFinding | undefined {
  const silent = containers.filter((c) => !c.logConfiguration?.logDriver);
  if (silent.length === 0) return undefined;
  return {
    id: "no-log-configuration",
    severity: "warning",
    summary: `no log configuration: ${names(silent)}`,
    why: "When these containers crash, their output is lost, and the stop reason alone rarely explains why.",
    fix: "Add a `logConfiguration` (awslogs with a log group, or FireLens) to each container",
    docs: DOCS.awslogs,
  };
}

function isFargate(service: Service, td: TaskDefinition): boolean {
  if (service.launchType) return service.launchType === "FARGATE";
  if (service.capacityProviderStrategy?.length) {
    return service.capacityProviderStrategy.some((s) => s.capacityProvider?.startsWith("FARGATE"));
  }
  return td.requiresCompatibilities?.includes("FARGATE") ?? false;
}

function publicIp(service: Service, td: TaskDefinition): ReviewFinding | undefined {
  if (service.networkConfiguration?.awsvpcConfiguration?.assignPublicIp !== "ENABLED") return undefined;
  if (!isFargate(service, td)) return undefined;
  return {
    id: "public-ip",
    severity: "warning",
    summary: "Fargate tasks get a public IP address (assignPublicIp ENABLED)",
    why: "Each task is reachable from the internet wherever its security group allows, bypassing the load balancer.",
    fix: "Run the tasks in private subnets with `assignPublicIp: DISABLED` and reach the internet through a NAT gateway or VPC endpoints",
    docs: DOCS.fargateNetworking,
  };
}

function missingHealthChecks(containers: readonly ContainerDefinition[]): ReviewFinding | undefined {
  const unchecked = containers.filter((c) => c.essential !== false && !c.healthCheck?.command?.length);
  if (unchecked.length === 0) return undefined;
  return {
    id: "no-container-health-check",
    severity: "info",
    summary: `essential containers without a health check: ${names(unchecked)}`,
    why: "ECS only knows these containers are running, not that they work; a hung process is never replaced.",
    fix: "Add a `healthCheck` command that exercises the application (for example an HTTP call to a health endpoint)",
    docs: DOCS.containerHealthCheck,
  };
}

/** All findings for the revision being deployed, most severe first. Empty when nothing is worth saying. */
export function reviewDeployment({ taskDefinition, service }: ReviewInput): ReviewFinding[] {
  const containers = taskDefinition.containerDefinitions ?? [];
  const findings = [
    ...plaintextSecrets(containers),
    mutableImages(containers),
    sharedRole(taskDefinition),
    circuitBreaker(service),
    gracePeriod(service),
    missingLogs(containers),
    publicIp(service, taskDefinition),
    missingHealthChecks(containers),
  ].filter((f): f is ReviewFinding => f !== undefined);
  return findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

function revisionLabel(td: TaskDefinition): string {
  const parsed = parseTaskDefinitionArn(td.taskDefinitionArn);
  const family = td.family ?? parsed?.family ?? "task definition";
  const revision = td.revision ?? parsed?.revision;
  return revision === undefined ? family : `${family}:${revision}`;
}

/** One concise message for the review, or undefined when nothing was flagged (nothing is sent). */
export function deploymentReviewMessage(input: ReviewInput): Message | undefined {
  const findings = reviewDeployment(input);
  const top = findings[0];
  if (!top) return undefined;
  const { service, taskDefinition } = input;
  const ref = service.serviceArn ? parseServiceArn(service.serviceArn) : undefined;
  const serviceName = service.serviceName ?? ref?.service ?? "service";
  const revision = revisionLabel(taskDefinition);
  const facts: Fact[] = [];
  if (ref?.cluster) facts.push({ label: "Cluster", value: ref.cluster });
  facts.push({ label: "Service", value: serviceName }, { label: "Revision", value: revision });
  const count = findings.length === 1 ? "1 finding" : `${findings.length} findings`;
  return {
    kind: "deployment-review",
    severity: top.severity,
    category: "deployment-review",
    title: `${serviceName}: review of ${revision}: ${count}`,
    cause: `The revision being deployed has ${count} that make a bad deployment harder to prevent, notice or undo; most important: ${top.summary}.`,
    evidence: findings.map((f) => `[${f.id}] ${f.summary}. ${f.why}`),
    remediation: [...new Set(findings.map((f) => f.fix))],
    facts,
    links: [...new Set(findings.map((f) => f.docs))].map((url) => ({ label: "AWS docs", url })),
    cluster: arnName(service.clusterArn),
    service: serviceName,
    account: ref?.account,
    region: ref?.region,
  };
}
