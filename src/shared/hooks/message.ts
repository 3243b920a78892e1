/**
 * The message for a FAILED verdict: why ECS will roll the deployment back, with the culprit task's diagnosis,
 * as a reply in the deployment's thread. Pure.
 */
import { arnName, parseServiceArn } from "../events/arns.js";
import type { Fact, Link, Message } from "../notify/message.js";
import type { HookVerdict } from "./types.js";

export interface HookMessageSubject {
  serviceArn: string;
  stage: string;
  revision: string;
  taskDefinition?: string;
  productionTrafficWeights: Record<string, number>;
  time: string;
}

const HOOK_DOCS: Link = {
  label: "Lifecycle hooks for ECS service deployments",
  url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html",
};

function weightsFact(weights: Record<string, number>): string | undefined {
  const parts = Object.entries(weights).map(([arn, w]) => `${arnName(arn) ?? arn}: ${w}%`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

export function hookFailedMessage(subject: HookMessageSubject, verdict: HookVerdict): Message {
  const ref = parseServiceArn(subject.serviceArn);
  const service = ref?.service ?? subject.serviceArn;
  const failure = verdict.failure;
  // The container's own reason (CannotPullContainerError...) says more than the task's ("Essential container in task exited").
  const culpritReason = failure?.culprit?.reason ?? failure?.stoppedReason;
  const facts: Fact[] = [
    { label: "Stage", value: subject.stage },
    { label: "Service revision", value: arnName(subject.revision) ?? subject.revision },
  ];
  if (subject.taskDefinition)
    facts.push({
      label: "Task definition",
      value: arnName(subject.taskDefinition) ?? subject.taskDefinition,
    });
  const weights = weightsFact(subject.productionTrafficWeights);
  if (weights) facts.push({ label: "Production traffic", value: weights });
  if (failure) facts.push({ label: "Task", value: arnName(failure.taskArn) ?? failure.taskArn });
  return {
    kind: "deployment",
    severity: "critical",
    category: "hook-failed",
    title: `${service}: ECS will roll back the deployment — ${failure ? failure.title : "new tasks not healthy"}`,
    cause: `ecs-sentinel's lifecycle hook answered FAILED at ${subject.stage}: ${verdict.reason}.`,
    ...(culpritReason ? { reason: culpritReason } : {}),
    evidence: failure?.evidence ?? [],
    remediation: failure?.remediation ?? [
      "Check why the new tasks did not become healthy (container health check, load balancer target group)",
    ],
    facts,
    links: [...(failure?.docs ?? []).map((url) => ({ label: "AWS docs", url })), HOOK_DOCS],
    ...(ref?.cluster ? { cluster: ref.cluster } : {}),
    service,
    ...(ref?.account ? { account: ref.account } : {}),
    ...(ref?.region ? { region: ref.region } : {}),
    time: subject.time,
  };
}
