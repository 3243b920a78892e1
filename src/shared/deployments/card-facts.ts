/**
 * The facts a deployment card shows about the service and the deployment, read from the DescribeServices
 * `services[0]` and DescribeTaskDefinition `taskDefinition` shapes (ReviewInput). Pure. Every fact appears only
 * when its data is known; every value is untrusted plain text kept to one short line (renderers escape it).
 */
import type { ContainerDefinition, Deployment, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { parseTaskDefinitionArn } from "../events/arns.js";
import type { Fact } from "../notify/message.js";
import { formatUtc } from "../notify/render/time.js";
import { fact } from "./card-fact.js";
import { parseImageRef } from "./image-ref.js";

export { fact, MAX_FACT_CHARS, shortFact } from "./card-fact.js";

/** `arn:...:task-definition/api:42` -> `api:42`; undefined when the ARN names no task definition. */
export function revisionOf(taskDefinitionArn: string | undefined): string | undefined {
  const td = parseTaskDefinitionArn(taskDefinitionArn);
  if (!td) return undefined;
  return td.revision === undefined ? td.family : `${td.family}:${td.revision}`;
}

function revisionOfTaskDefinition(td: TaskDefinition | undefined): string | undefined {
  if (!td) return undefined;
  const fromArn = revisionOf(td.taskDefinitionArn);
  if (fromArn) return fromArn;
  if (!td.family) return undefined;
  return td.revision === undefined ? td.family : `${td.family}:${td.revision}`;
}

/** The event's own deployment among the service's `deployments[]`. */
export function findDeployment(service: Service, deploymentId: string | undefined): Deployment | undefined {
  if (!deploymentId) return undefined;
  return (service.deployments ?? []).find((d) => d.id === deploymentId);
}

const time = (d: Deployment): number => d.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY;

/**
 * The deployment this one replaces: another ACTIVE or PRIMARY deployment of the service (a completed one first,
 * then the newest), else the last completed one. A deployment created after this one never counts: it replaces
 * this one, it is not where this one came from.
 */
export function previousDeployment(
  service: Service,
  current: Deployment | undefined,
): Deployment | undefined {
  const others = (service.deployments ?? []).filter(
    (d) =>
      d !== current &&
      d.id !== current?.id &&
      !(current?.createdAt && d.createdAt && d.createdAt.getTime() > current.createdAt.getTime()),
  );
  const newestFirst = [...others].sort((a, b) => time(b) - time(a));
  const live = newestFirst.filter((d) => d.status === "ACTIVE" || d.status === "PRIMARY");
  return (
    live.find((d) => d.rolloutState === "COMPLETED") ??
    live[0] ??
    newestFirst.find((d) => d.rolloutState === "COMPLETED")
  );
}

/** "api:41 → api:42", "api:42" when the old one is unknown; undefined when neither is known. */
export function revisionChange(from: string | undefined, to: string | undefined): string | undefined {
  if (from && to) return from === to ? to : `${from} → ${to}`;
  if (to) return to;
  return from ? `${from} → ?` : undefined;
}

/** "web: 1.4.2, log-router: sha256:0123abcd4567" — the tag, or the digest cut to 12 hex digits. */
export function imagesFact(containers: readonly ContainerDefinition[]): string | undefined {
  const parts = containers
    .filter((c) => c.image)
    .map((c) => {
      const ref = parseImageRef(c.image ?? "");
      const digest = ref.digest?.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/i, "$1");
      const version = digest ?? ref.tag ?? "latest (implicit)";
      return `${c.name ?? "(unnamed)"}: ${version}`;
    });
  return parts.length ? parts.join(", ") : undefined;
}

const CONTROLLERS: Record<string, string> = { ECS: "ECS", CODE_DEPLOY: "CodeDeploy", EXTERNAL: "external" };

function strategyText(service: Service): string | undefined {
  const config = service.deploymentConfiguration;
  switch (config?.strategy) {
    case "ROLLING":
      return "rolling update";
    case "BLUE_GREEN":
      return `blue/green${config.bakeTimeInMinutes !== undefined ? ` (bake ${config.bakeTimeInMinutes} min)` : ""}`;
    case "LINEAR": {
      const step = config.linearConfiguration?.stepPercent;
      const wait = config.linearConfiguration?.stepBakeTimeInMinutes;
      const detail = [
        step !== undefined ? `${step}% steps` : "",
        wait !== undefined ? `${wait} min apart` : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `linear${detail ? ` (${detail})` : ""}`;
    }
    case "CANARY": {
      const share = config.canaryConfiguration?.canaryPercent;
      const wait = config.canaryConfiguration?.canaryBakeTimeInMinutes;
      const detail = [
        share !== undefined ? `${share}% first` : "",
        wait !== undefined ? `${wait} min bake` : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `canary${detail ? ` (${detail})` : ""}`;
    }
    default:
      return config?.strategy;
  }
}

/** "ECS rolling update, min healthy 100%, max 200%"; undefined when the service says nothing about it. */
export function strategyFact(service: Service): string | undefined {
  const config = service.deploymentConfiguration;
  const type = service.deploymentController?.type;
  if (!type && !config) return undefined;
  const controller = CONTROLLERS[type ?? "ECS"] ?? type ?? "ECS";
  const strategy = strategyText(service);
  const parts = [strategy ? `${controller} ${strategy}` : controller];
  if (config?.minimumHealthyPercent !== undefined) parts.push(`min healthy ${config.minimumHealthyPercent}%`);
  if (config?.maximumPercent !== undefined) parts.push(`max ${config.maximumPercent}%`);
  return parts.join(", ");
}

/**
 * "on, rolls back" / "on, no rollback" / "off", then the deployment alarms when configured. Undefined for
 * services whose deployments another controller runs (CodeDeploy, external): the circuit breaker is ECS's.
 */
export function circuitBreakerFact(service: Service): string | undefined {
  const config = service.deploymentConfiguration;
  const type = service.deploymentController?.type ?? "ECS";
  if (!config || type !== "ECS") return undefined;
  const breaker = config.deploymentCircuitBreaker;
  const text = !breaker?.enable ? "off" : breaker.rollback ? "on, rolls back" : "on, no rollback";
  const alarms = config.alarms;
  const names = alarms?.alarmNames?.filter(Boolean) ?? [];
  if (!alarms?.enable || names.length === 0) return text;
  return `${text}; alarms ${names.join(", ")} (${alarms.rollback ? "roll back" : "no rollback"})`;
}

/**
 * "1/3, 2 pending, 4 failed": running/desired tasks of one deployment, with ECS's count of its failed tasks.
 * ECS's count stays in this fact: "Failed tasks" is the card's counter of the stopped tasks ecs-sentinel saw
 * (stoppedTaskCardPatch), and the two must not replace each other, or the number could go down.
 */
export function tasksFact(deployment: Deployment | undefined): string | undefined {
  if (deployment?.runningCount === undefined || deployment.desiredCount === undefined) return undefined;
  const pending = deployment.pendingCount ? `, ${deployment.pendingCount} pending` : "";
  const failed = deployment.failedTasks ? `, ${deployment.failedTasks} failed` : "";
  return `${deployment.runningCount}/${deployment.desiredCount}${pending}${failed}`;
}

export interface DeploymentFacts {
  /** The deployment's revision, e.g. `api:42`. */
  revision?: string;
  /** The revision it replaces, e.g. `api:41`. */
  previous?: string;
  facts: Fact[];
}

/** Facts known from the review's DescribeServices/DescribeTaskDefinition data, in the card's order. */
export function reviewFacts(
  input: { service: Service; taskDefinition?: TaskDefinition },
  deploymentId: string | undefined,
): DeploymentFacts {
  const { service, taskDefinition } = input;
  const deployment = findDeployment(service, deploymentId);
  const revision = revisionOf(deployment?.taskDefinition) ?? revisionOfTaskDefinition(taskDefinition);
  const previous = revisionOf(previousDeployment(service, deployment)?.taskDefinition);
  const facts: Fact[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value) facts.push(fact(label, value));
  };
  add("Revision", revisionChange(previous, revision));
  add("Images", imagesFact(taskDefinition?.containerDefinitions ?? []));
  add("Strategy", strategyFact(service));
  add("Started", deployment?.createdAt ? formatUtc(deployment.createdAt.toISOString()) : undefined);
  add("Tasks", tasksFact(deployment));
  add("Circuit breaker", circuitBreakerFact(service));
  return { revision, previous, facts };
}
