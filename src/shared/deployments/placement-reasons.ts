/**
 * Plain-language explanations of the `reason` of SERVICE_TASK_PLACEMENT_FAILURE. ECS writes either a
 * resource code (`RESOURCE:CPU`, `RESOURCE:FARGATE`...) or a sentence ("No Container Instances were found in
 * your cluster", "capacity is unavailable at this time"); match both case-insensitively.
 */
import type { Severity } from "../diagnosis/types.js";
import { DOCS } from "./docs.js";

export interface PlacementExplanation {
  /** Stable kebab-case id, useful in tests and filters. */
  id: string;
  severity: Severity;
  cause: string;
  remediation: string[];
  docs: string[];
}

interface PlacementRule extends PlacementExplanation {
  matches: RegExp;
}

const SCALE_EC2 =
  "Add capacity: raise the Auto Scaling group's desired/max size, or let a capacity provider with managed scaling do it";

/*
 * Severity: a placement failure is a warning: the scheduler keeps retrying and the running tasks keep
 * serving. It is critical only when nothing at all can run (no container instances in the cluster).
 */
const RULES: readonly PlacementRule[] = [
  {
    id: "no-container-instances",
    matches: /no container instances? (were|was) found/i,
    severity: "critical",
    cause: "The cluster has no registered container instances, so no task of this service can be placed.",
    remediation: [
      "Check that the Auto Scaling group behind the cluster has running instances",
      "Check that the instances join this cluster: ECS_CLUSTER in /etc/ecs/ecs.config and an instance role with the AmazonEC2ContainerServiceforEC2Role policy",
      "Or run the service on Fargate with a capacity provider strategy",
    ],
    docs: [DOCS.clusterAutoScaling, DOCS.serviceEventMessages],
  },
  {
    id: "fargate-capacity",
    matches: /RESOURCE:FARGATE|capacity is unavailable at this time/i,
    severity: "warning",
    cause:
      "Fargate could not provide capacity for the task (usually Fargate Spot capacity is temporarily unavailable in the chosen Availability Zones).",
    remediation: [
      "Keep a base of on-demand FARGATE in the capacity provider strategy so the service never depends on Spot alone",
      "Spread the service over subnets in more Availability Zones",
      "ECS retries on its own; if it persists, shift weight from FARGATE_SPOT to FARGATE",
    ],
    docs: [DOCS.fargateCapacityProviders],
  },
  {
    id: "insufficient-cpu",
    matches: /RESOURCE:CPU/i,
    severity: "warning",
    cause: "No container instance has enough unreserved CPU units for the task.",
    remediation: [
      SCALE_EC2,
      "Lower the task's or containers' `cpu` if it asks for more than it uses",
      "Use larger instance types",
    ],
    docs: [DOCS.taskPlacement, DOCS.clusterAutoScaling],
  },
  {
    id: "insufficient-memory",
    matches: /RESOURCE:MEMORY/i,
    severity: "warning",
    cause: "No container instance has enough unreserved memory for the task.",
    remediation: [
      SCALE_EC2,
      "Lower the containers' `memoryReservation` / `memory` if they reserve more than they use",
      "Use instance types with more memory",
    ],
    docs: [DOCS.taskPlacement, DOCS.clusterAutoScaling],
  },
  {
    id: "port-in-use",
    matches: /RESOURCE:PORTS|already using a port/i,
    severity: "warning",
    cause:
      "Every candidate container instance already uses a host port the task needs (a static `hostPort` allows one such task per instance).",
    remediation: [
      "Use dynamic host ports (`hostPort: 0` in bridge mode) behind the load balancer, or the awsvpc network mode",
      "Or run at most one task per instance and add instances",
    ],
    docs: [DOCS.taskPlacement, DOCS.serviceEventMessages],
  },
  {
    id: "no-free-eni",
    matches: /RESOURCE:ENI/i,
    severity: "warning",
    cause:
      "No container instance has a free elastic network interface for another awsvpc task (or the subnets are out of IP addresses).",
    remediation: [
      "Turn on ENI trunking (`aws ecs put-account-setting --name awsvpcTrunking --value enabled`) and use a supported instance type",
      "Use larger instance types (more ENIs) or more instances",
      "Check the subnets' free IP addresses",
    ],
    docs: [DOCS.eniTrunking],
  },
  {
    id: "insufficient-gpu",
    matches: /RESOURCE:GPU/i,
    severity: "warning",
    cause: "No container instance has enough free GPUs for the task.",
    remediation: [
      "Add GPU instances to the cluster (a capacity provider for a GPU Auto Scaling group)",
      "Check the containers' GPU resource requirements",
    ],
    docs: [DOCS.taskPlacement],
  },
  {
    id: "agent-disconnected",
    matches: /\bAGENT\b/,
    severity: "warning",
    cause:
      "The closest matching container instance's ECS agent is disconnected, so ECS cannot place tasks on it.",
    remediation: [
      "Check the instance: is the ecs agent running (`systemctl status ecs`), can it reach the ECS endpoints?",
      "Update the container agent, or replace the instance",
    ],
    docs: [DOCS.containerAgent, DOCS.serviceEventMessages],
  },
  {
    id: "missing-attribute",
    matches: /\bATTRIBUTE\b/,
    severity: "warning",
    cause:
      "No container instance has an attribute the task requires (a placement constraint, or a capability the task definition needs such as a newer agent or platform feature).",
    remediation: [
      "Compare the task definition's `requiresAttributes` and the service's placement constraints with the instances' attributes (`aws ecs list-attributes`)",
      "Update the ECS-optimized AMI / container agent on the instances",
    ],
    docs: [DOCS.placementConstraints],
  },
  {
    id: "constraint-unsatisfied",
    matches: /constraint|memberOf|distinctInstance/i,
    severity: "warning",
    cause: "No container instance satisfies the service's placement constraints.",
    remediation: ["Review the service's placement constraints against the instances in the cluster"],
    docs: [DOCS.placementConstraints],
  },
];

const UNKNOWN: PlacementExplanation = {
  id: "placement-failure",
  severity: "warning",
  cause: "The service scheduler could not place a task.",
  remediation: [
    "Read the service events for the full message (`aws ecs describe-services`)",
    "Check cluster capacity and the service's placement constraints",
  ],
  docs: [DOCS.taskPlacement, DOCS.serviceEventMessages],
};

export function explainPlacementFailure(reason: string | null | undefined): PlacementExplanation {
  const rule = reason ? RULES.find((r) => r.matches.test(reason)) : undefined;
  if (!rule) return UNKNOWN;
  const { matches: _matches, ...explanation } = rule;
  return explanation;
}
