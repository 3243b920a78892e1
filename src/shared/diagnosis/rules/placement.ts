/** placement: ECS could not place or launch the task: no capacity, unsatisfied constraints, no container instances. */
import { DOCS } from "../docs.js";
import type { RenderContext, Rule } from "./rule.js";

const title = (c: RenderContext) => `Task of ${c.subject} could not be placed`;

function placementMeaning(code: string | undefined): string {
  const upper = code?.toUpperCase() ?? "";
  if (upper === "AGENT") return "the container instance's ECS agent was disconnected";
  if (upper === "ATTRIBUTE") return "no container instance has the attributes the task definition requires";
  if (upper === "LOCATION") return "no container instance is in the requested Availability Zone";
  if (upper === "EMPTY CAPACITY PROVIDER") return "the capacity provider has no container instances";
  if (upper === "NO ACTIVE INSTANCES") return "the cluster has no active container instances";
  if (upper === "INACTIVE") return "the container instance chosen for it had been deregistered";
  if (upper === "MISSING") return "the container instance chosen for it does not exist in the cluster";
  if (upper.startsWith("RESOURCE:"))
    return `no container instance has enough ${upper.slice(9).toLowerCase()} available`;
  return "no container instance could take it";
}

function placementSteps(code: string | undefined): string[] {
  const upper = code?.toUpperCase() ?? "";
  if (upper === "AGENT") {
    return [
      "Check the instance's ECS agent is running and connected (agentConnected in DescribeContainerInstances); restart it or replace the instance.",
      "Make sure the instances can reach the ECS endpoints (NAT gateway or the ecs, ecs-agent and ecs-telemetry VPC endpoints).",
    ];
  }
  if (upper === "ATTRIBUTE") {
    return [
      "Compare the task definition's requiresAttributes and placement constraints with the attributes of the registered instances (aws ecs list-attributes).",
      "Use an AMI and agent version that provide the required capabilities (e.g. awsvpc, secrets, EFS).",
    ];
  }
  if (upper === "INACTIVE" || upper === "MISSING") {
    return [
      "Retry: the instance left the cluster between placement and launch.",
      "If it repeats, find what deregisters instances (scale-in or instance refresh without draining) and enable managed termination protection or draining.",
    ];
  }
  if (upper.startsWith("RESOURCE:")) {
    return [
      "Add capacity: scale the Auto Scaling group or enable managed scaling on the capacity provider.",
      "Lower the task's reservations, or for RESOURCE:PORTS use dynamic host ports.",
    ];
  }
  return [
    "Check the capacity provider's Auto Scaling group has running instances registered in this cluster (ECS_CLUSTER in user data).",
    "Check the instances' ECS agent is connected and the instance role allows ecs:RegisterContainerInstance.",
  ];
}

export const placementRules: readonly Rule[] = [
  {
    category: "placement",
    subCause: "placement-rejected",
    // The RunTask failure reasons (AGENT, ATTRIBUTE, RESOURCE:CPU...) that ECS also puts in stoppedReason.
    when: /^(?:taskfailedtostart:\s*)?(?:agent|attribute|location|empty capacity provider|no active instances|resource:[a-z_]+|missing|inactive)\.?$/,
    taskLevel: true,
    detail: (text) => text.replace(/^TaskFailedToStart:\s*/i, "").trim(),
    title,
    summary: (c) =>
      `ECS could not place the task${c.detail ? ` (${c.detail})` : ""}: ${placementMeaning(c.detail)}.`,
    remediation: (c) => placementSteps(c.detail),
    docs: [DOCS.apiFailureReasons, DOCS.taskPlacement],
  },
  {
    category: "placement",
    subCause: "capacity-unavailable",
    taskLevel: true,
    when: /capacity is unavailable|insufficient capacity|insufficientinstancecapacity|no spot capacity|capacity not available/,
    title,
    summary: () =>
      "There was no capacity for the task in the chosen Availability Zones or capacity provider at launch time.",
    remediation: () => [
      "Retry later, and spread the service over subnets in several Availability Zones.",
      "Use a capacity provider strategy with a fallback (FARGATE next to FARGATE_SPOT, several instance types in the Auto Scaling group).",
    ],
    docs: [DOCS.fargateCapacityProviders, DOCS.taskPlacement],
  },
  {
    category: "placement",
    subCause: "insufficient-resources",
    taskLevel: true,
    when: /resource:(?:cpu|memory|ports|eni|gpu|ports_tcp)|not enough (?:cpu|memory)|doesn't have enough (?:cpu|memory)|insufficient (?:cpu|memory)/,
    title,
    summary: () => "No container instance had enough free CPU, memory, ports or ENIs for the task.",
    remediation: () => [
      "Add capacity (scale the Auto Scaling group, or enable cluster auto scaling with a capacity provider).",
      "Lower the task's CPU/memory reservations, or use dynamic host ports / awsvpc trunking to relieve port and ENI limits.",
    ],
    docs: [DOCS.taskPlacement, DOCS.serviceEventMessages],
  },
  {
    category: "placement",
    subCause: "constraints-unsatisfied",
    taskLevel: true,
    when: /placement constraint|distinctinstance|memberof|no container instance met|unable to place/,
    title,
    summary: () =>
      "No container instance satisfied the task's placement constraints or requirements (attributes, instance type, AZ).",
    remediation: () => [
      "Compare the placement constraints and requiresAttributes with the attributes of the registered instances.",
      "Check the instances run an agent version and AMI that provide the required capabilities.",
    ],
    docs: [DOCS.taskPlacement, DOCS.serviceEventMessages],
  },
  {
    category: "placement",
    subCause: "no-container-instances",
    taskLevel: true,
    when: /no container instances?(?: were)? found|no active container instances|no registered container instances|no container instance (?:is )?available/,
    title,
    summary: () => "The cluster had no registered, active container instances to run the task on.",
    remediation: () => [
      "Check the Auto Scaling group has running instances that register into this cluster (ECS_CLUSTER in user data).",
      "Check the instances' ECS agent is connected and the instance role allows ecs:RegisterContainerInstance.",
    ],
    docs: [DOCS.taskPlacement],
  },
];
