/**
 * ECS Managed Instances (capacity provider type MANAGED_INSTANCES, launch type MANAGED_INSTANCES, 2025): ECS
 * launches, patches and replaces the EC2 instances itself. What the user controls is the capacity provider (its
 * instanceRequirements, subnets, capacity option), the infrastructure role ECS uses to launch instances (it must be
 * allowed iam:PassRole on the instance profile's role, `ecsInstanceRole*` with the managed policy) and the daemons.
 * The vendor's rules and wordings:
 * - "Amazon ECS Managed Instances initiates draining at day 14 from instance launch … the job's task fails with the
 *   stop reason `Task stopped during instance draining`":
 *   https://docs.aws.amazon.com/batch/latest/userguide/ecs-managed-instances-instance-draining.html
 * - Auto repair replaces IMPAIRED instances (GPU or daemon health checks):
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoRepairConfiguration.html
 * - A critical daemon task that stops or turns unhealthy makes ECS drain and replace the instance:
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons-auto-repair.html
 * - The instance role name and iam:PassRole ("a mismatched name causes an authorization error at task launch"):
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-profile.html
 * No public stop reason names instance replacement, an unavailable instance type or the infrastructure role, so
 * those are read from the launch type: the generic host, capacity and PassRole verdicts get Managed Instances' fixes.
 */
import { DOCS } from "../docs.js";
import { hostKindOf } from "./platform-kind.js";
import type { RenderContext, Rule } from "./rule.js";

const HEALTH_DOCS =
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_health_events.html";
const AUTO_REPAIR_DOCS =
  "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoRepairConfiguration.html";
const DRAINING_DOCS =
  "https://docs.aws.amazon.com/batch/latest/userguide/ecs-managed-instances-instance-draining.html";
const DAEMON_REPAIR_DOCS =
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons-auto-repair.html";
const INSTANCE_REQUIREMENTS_DOCS =
  "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-capacityprovider-managedinstancesprovider.html";
const INSTANCE_PROFILE_DOCS =
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-profile.html";

const hostTitle = (c: RenderContext) => `Task of ${c.subject} stopped: ECS drained its instance`;

const EARLY_DRAIN_STEP =
  "If the instance was younger than 14 days, ECS drained it for a reason: a critical managed daemon whose task stopped or turned unhealthy, or an impaired GPU (auto repair). Look at the host's health (DAEMON / ACCELERATED_COMPUTE checks) and the daemon's stopped tasks.";

export const instanceDrainedRule: Rule = {
  category: "platform",
  subCause: "instance-drained",
  taskLevel: true,
  when: /task stopped during (?:container )?instance draining/,
  title: hostTitle,
  summary: (c) =>
    hostKindOf(c.launchType) === "managed-instances"
      ? "ECS Managed Instances drained the instance the task ran on (it replaces every instance about 14 days after launch to patch it, and sooner when a critical daemon or a GPU fails), so the task was stopped."
      : "The container instance the task ran on was set to DRAINING, so ECS stopped the task.",
  remediation: (c) =>
    hostKindOf(c.launchType) === "managed-instances"
      ? [
          "Expect it: make the task stop cleanly on SIGTERM within stopTimeout, keep services at minimumHealthyPercent with room to replace tasks, and give standalone or batch tasks a retry.",
          EARLY_DRAIN_STEP,
        ]
      : [
          "Find who drained the instance: UpdateContainerInstancesState in CloudTrail, an instance refresh or scale-in with managed draining, or a Spot notice.",
          "Make the task stop cleanly on SIGTERM and let the service replace it; give standalone tasks a retry.",
        ],
  docs: [DRAINING_DOCS, DOCS.containerInstanceDraining, DAEMON_REPAIR_DOCS],
};

const replacedRule = (rule: Rule): Rule => ({
  ...rule,
  subCause: "managed-instance-replaced",
  summary: () =>
    "ECS Managed Instances stopped or replaced the instance the task ran on (patching, auto repair of an impaired instance, or scale-in of idle capacity), taking the task with it.",
  remediation: () => [
    "There is no Auto Scaling group to inspect: ECS manages the instance. Check the host's health events for the reason (DAEMON, ACCELERATED_COMPUTE, AGENT_CONNECTIVITY) and the capacity provider's auto repair setting.",
    "Make tasks tolerate replacement: stop cleanly on SIGTERM, run services with more than one task across Availability Zones, retry standalone tasks.",
  ],
  docs: [AUTO_REPAIR_DOCS, DAEMON_REPAIR_DOCS, HEALTH_DOCS],
});

const capacityRule = (rule: Rule): Rule => ({
  ...rule,
  subCause: "managed-instance-capacity-unavailable",
  summary: (c) =>
    `ECS Managed Instances found no instance for the task${c.detail ? ` (${c.detail})` : ""}: no instance type allowed by the capacity provider's instanceRequirements was large enough or available in its subnets.`,
  remediation: () => [
    "Widen the capacity provider's instanceRequirements: more instance families or allowedInstanceTypes, a higher vCpuCount / memoryMiB maximum than the task's size, other CPU manufacturers or generations.",
    "Give the capacity provider subnets in more Availability Zones, and check your EC2 On-Demand or Spot vCPU quotas (capacityOptionType).",
    "Lower the task's CPU, memory or GPU reservations if they exceed what any allowed instance type has.",
  ],
  docs: [INSTANCE_REQUIREMENTS_DOCS, DOCS.taskPlacement],
});

const infrastructureRoleRule = (rule: Rule): Rule => ({
  ...rule,
  subCause: "infrastructure-role-denied",
  taskLevel: true,
  title: (c) =>
    `ECS could not launch an instance for ${c.subject}: the infrastructure role was denied${c.detail ? ` ${c.detail}` : ""}`,
  summary: () =>
    "The infrastructure role of the Managed Instances capacity provider, which ECS uses to launch instances, lacks a permission it needs at task launch.",
  remediation: (c) => [
    c.detail?.toLowerCase() === "iam:passrole"
      ? "Allow the infrastructure role iam:PassRole on the instance profile's role: with the AmazonECSInfrastructureRolePolicyForManagedInstances policy the role's name must start with ecsInstanceRole (CloudFormation's generated names do not)."
      : `Allow the infrastructure role ${c.detail ?? "the denied action"} (AmazonECSInfrastructureRolePolicyForManagedInstances has what ECS needs).`,
    "Check for SCPs or permissions boundaries that deny EC2 launches or iam:PassRole in this account.",
  ],
  docs: [INSTANCE_PROFILE_DOCS],
});

const HOST_GONE = new Set(["host-terminated", "instance-retirement", "container-instance-unhealthy"]);
const NO_CAPACITY = new Set(["capacity-unavailable", "insufficient-resources"]);

/** The Managed Instances reading of a generic verdict, or undefined when it reads the same everywhere. */
export function managedInstancesVariant(rule: Rule, detail: string | undefined): Rule | undefined {
  if (HOST_GONE.has(rule.subCause)) return replacedRule(rule);
  if (NO_CAPACITY.has(rule.subCause)) return capacityRule(rule);
  if (rule.subCause === "placement-rejected" && detail?.toUpperCase().startsWith("RESOURCE:"))
    return capacityRule(rule);
  if (rule.subCause === "pass-role-denied") return infrastructureRoleRule(rule);
  // EC2 launch actions denied at task launch can only be the infrastructure role's: the task's roles never launch instances.
  if (
    rule.category === "iam" &&
    /^ec2:(?:runinstances|createfleet|createlaunchtemplate|createtags)$/i.test(detail ?? "")
  )
    return infrastructureRoleRule(rule);
  return undefined;
}
