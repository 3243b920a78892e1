/**
 * Stops decided by ECS or a person rather than by a failure: load balancer and container health checks, Spot
 * reclaim, the service scheduler, StopTask. These read the task's stoppedReason; the stop code backs them up
 * in engine.ts when the reason is missing or unfamiliar.
 */
import { DOCS } from "../docs.js";
import { capture, containerIn, type RenderContext, type Rule } from "./rule.js";

const targetGroup = capture(/\((?:target-group|elb)\s+([^)\s]+)\)?/i);

export const elbHealthRule: Rule = {
  category: "elb-health-check",
  subCause: "target-unhealthy",
  taskLevel: true,
  when: /elb health check|failed elb|load balancer health|target-group|target group|targetgroup/,
  detail: targetGroup,
  title: (c) => `Task of ${c.subject} failed load balancer health checks`,
  summary: (c) =>
    `The load balancer marked the task unhealthy in ${c.detail ? `\`${c.detail}\`` : "its target group"}, so the service scheduler stopped it and will start a replacement.`,
  remediation: () => [
    "Check the target group's health check path, port and success codes against what the application really serves (the target's reason: Target.Timeout, Target.ResponseCodeMismatch...).",
    "Allow the load balancer's security group to reach the container port in the task's security group.",
    "Set healthCheckGracePeriodSeconds on the service longer than the application's start-up time.",
    "Read the application logs around the stop: a slow or crashing handler fails health checks too.",
  ],
  docs: [DOCS.elbTroubleshooting, DOCS.serviceEventMessages],
};

export const containerHealthRule: Rule = {
  category: "container-health-check",
  subCause: "health-check-failed",
  when: /container health check|failed container health|health ?checks? (?:failed|failure)|\bunhealthy\b/,
  title: (c) => `${containerIn(c)} failed its container health check`,
  summary: (c) =>
    `The health check command of ${c.container ? `\`${c.container}\`` : "an essential container"} kept failing, so ECS marked the task UNHEALTHY and stopped it.`,
  remediation: () => [
    "Run the healthCheck command inside the container (ECS Exec) and check its exit code: it must exit 0 when healthy, and the tool it uses (curl, wget) must exist in the image.",
    "Give the application time to start with healthCheck.startPeriod, and tune interval, timeout and retries.",
    "Read the application logs just before the stop for errors or overload.",
  ],
  docs: [DOCS.containerHealthCheck],
};

export const spotRule: Rule = {
  category: "spot-interruption",
  subCause: "spot-capacity-reclaimed",
  taskLevel: true,
  when: /spot task was interrupted|spot interruption|\bspot\b/,
  title: (c) => `Spot capacity reclaimed: task of ${c.subject} interrupted`,
  summary: () =>
    "AWS is reclaiming the Spot capacity the task runs on; Spot gives a two-minute warning, then the task is stopped. This is expected with Spot.",
  remediation: () => [
    "Nothing is wrong with the task; a service replaces it. Handle SIGTERM so work is saved within the stop timeout (up to 120 s).",
    "Keep an on-demand base (FARGATE or on-demand instances) in the capacity provider strategy for work that must not be interrupted.",
    "Make standalone and batch tasks idempotent so they can be retried.",
  ],
  docs: [DOCS.fargateCapacityProviders, DOCS.spotContainerInstances],
};

export const scalingRule: Rule = {
  category: "scaling",
  subCause: "scheduler-stopped",
  taskLevel: true,
  when: /scaling activity|scale-?in|scaled in|scale down|taskset|task set|deployment ecs-svc|service scheduler/,
  detail: capture(/\((deployment [^)]+)\)/i),
  title: (c) => `Task of ${c.subject} stopped by the service scheduler`,
  summary: (c) =>
    `The service scheduler stopped the task as part of a scale-in or a deployment${c.detail ? ` (${c.detail})` : ""}. This is expected.`,
  remediation: () => [
    "No action needed. If tasks are replaced more often than expected, check the service's deployments and auto scaling activity.",
  ],
  docs: [DOCS.deploymentRolling, DOCS.serviceAutoScaling],
};

export const userStopRule: Rule = {
  category: "user-stopped",
  subCause: "stop-task",
  taskLevel: true,
  when: /stopped by user|stop(?:ped)? by (?:the )?user|stoptask|terminated by user|cancell?ed by user/,
  title: (c) => `Task of ${c.subject} was stopped by a user or API call`,
  summary: () => "Someone or something called StopTask on this task. This is expected if it was intended.",
  remediation: () => [
    "If the stop was not expected, find the StopTask call in CloudTrail (userIdentity shows who).",
  ],
  docs: [DOCS.stopTaskApi],
};

export const deregistrationRule: Rule = {
  category: "user-stopped",
  subCause: "container-instance-deregistered",
  taskLevel: true,
  when: /deregistration forced|forced by user|deregistered/,
  title: (c: RenderContext) => `Task of ${c.subject} stopped: its container instance was deregistered`,
  summary: () =>
    "The container instance running the task was deregistered with force, which stops its tasks.",
  remediation: () => [
    "If unexpected, find the DeregisterContainerInstance call in CloudTrail; drain instances before deregistering them.",
  ],
  docs: [DOCS.containerInstanceDraining],
};

export const stopReasonRules: readonly Rule[] = [
  elbHealthRule,
  containerHealthRule,
  spotRule,
  deregistrationRule,
  userStopRule,
  scalingRule,
];
