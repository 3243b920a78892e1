/**
 * The same stop reads differently by where the task ran: a host that went away is an Auto Scaling matter on EC2, ECS's
 * own replacement on Managed Instances, and an on-premises server and its SSM agent on ECS Anywhere. The text rules
 * name the cause; this picks the platform's reading of it from the task's fields (platform-kind.ts), and says when the
 * task was a managed daemon's, whose stop drains its instance.
 */
import type { EcsTask } from "../../events/schemas.js";
import { externalVariant } from "./anywhere.js";
import { managedInstancesVariant } from "./managed-instances.js";
import { daemonFamily, gpuContainers, hostKindOf } from "./platform-kind.js";
import type { Rule } from "./rule.js";

const DAEMON_REPAIR_DOCS =
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons-auto-repair.html";

function asDaemonTask(rule: Rule, daemon: string): Rule {
  return {
    ...rule,
    summary: (c) =>
      `${rule.summary(c)} This is a task of managed daemon \`${daemon}\`: when a critical daemon's task stops, ECS drains and replaces its instance, stopping the service tasks on it.`,
    remediation: (c) => [
      ...rule.remediation(c),
      `Fix daemon \`${daemon}\` first (its task definition, image and health check): until it runs, every instance it fails on is drained and replaced. Set the daemon's critical=false only if the instance is fine without it.`,
    ],
    docs: [...rule.docs, DAEMON_REPAIR_DOCS],
  };
}

/** The platform's reading of the verdict `rule` (with the detail it pulled out) for `task`. */
export function forPlatform(rule: Rule, task: EcsTask, detail: string | undefined): Rule {
  const kind = hostKindOf(task.launchType);
  const variant =
    kind === "managed-instances"
      ? managedInstancesVariant(rule, detail)
      : kind === "external"
        ? externalVariant(rule, detail)
        : undefined;
  const chosen = variant ?? rule;
  const daemon = daemonFamily(task);
  return daemon ? asDaemonTask(chosen, daemon) : chosen;
}

/** Facts about the platform worth a line of evidence: a daemon's task, GPUs assigned. */
export function platformEvidence(task: EcsTask): string[] {
  const lines: string[] = [];
  const daemon = daemonFamily(task);
  if (daemon) lines.push(`Managed daemon task (daemon task definition ${daemon})`);
  const gpus = gpuContainers(task);
  if (gpus.length > 0) lines.push(`GPUs assigned to: ${gpus.join(", ")}`);
  return lines;
}
