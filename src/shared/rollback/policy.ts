/**
 * Should ecs-sentinel roll a service back, and to what? Pure: the trigger, the service as DescribeServices
 * shows it, its service-deployment history, the configuration, the clock and the state-store answers in; a
 * Decision with a reason out. Guard rails, in the order they are checked once a trigger holds:
 * opt-in -> never roll back a rollback -> one rollback per deployment -> cooldown -> a good revision to
 * return to (none on a first deployment) -> dry run.
 */
import { isRollbackReason } from "../deployments/rollback-reason.js";
import { parseServiceArn, parseTaskDefinitionArn } from "../events/arns.js";
import { isRollbackFailure } from "./failure-categories.js";
import {
  failedTaskDefinitions,
  knownTaskDefinitions,
  lastGoodTaskDefinition,
  ROLLBACK_UNDERWAY,
  runningServiceDeployment,
} from "./history.js";
import {
  AUTO_ROLLBACK_TAG,
  DEFAULT_ROLLBACK_CONFIG,
  type Decision,
  type DecisionCode,
  type RollbackConfig,
  type RollbackInput,
  type RollbackMode,
  type RollbackTarget,
  type ServiceDeploymentState,
  type ServiceSnapshot,
} from "./types.js";

const MINUTE = 60_000;

type Verdict = Pick<Decision, "code" | "reason" | "triggered"> & Partial<Decision>;

function label(taskDefinition: string | undefined): string {
  const td = parseTaskDefinitionArn(taskDefinition);
  if (!td) return taskDefinition ?? "an unknown revision";
  return td.revision === undefined ? td.family : `${td.family}:${td.revision}`;
}

function minutes(ms: number): string {
  const m = Math.max(0, Math.round(ms / MINUTE));
  return m === 1 ? "1 minute" : `${m} minutes`;
}

/** What the service's tag (or AUTO_ROLLBACK_SERVICES) allows: automatic, manual (buttons only) or off. */
export function rollbackMode(service: ServiceSnapshot, optInServices: readonly string[]): RollbackMode {
  const tag = service.tags
    .find((t) => t.key === AUTO_ROLLBACK_TAG)
    ?.value?.trim()
    .toLowerCase();
  // An explicit tag wins over the configured list: the service owner decided.
  if (tag === "false") return "off";
  if (tag === "true") return "automatic";
  if (tag === "manual") return "manual";
  const ref = parseServiceArn(service.arn);
  const names = new Set([
    service.arn,
    ref?.service,
    ref?.cluster ? `${ref.cluster}/${ref.service}` : undefined,
  ]);
  return optInServices.some((entry) => names.has(entry.trim())) ? "automatic" : "off";
}

export function isOptedIn(service: ServiceSnapshot, optInServices: readonly string[]): boolean {
  return rollbackMode(service, optInServices) === "automatic";
}

/** Does the trigger hold? Undefined means yes; otherwise the verdict to return. */
function evaluateTrigger(
  input: RollbackInput,
  config: RollbackConfig,
  current: ServiceDeploymentState,
): { verdict?: Verdict; failureCount?: number } {
  const { trigger, service, now } = input;
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  const alarms = service.deploymentConfiguration?.alarms;

  // A person asked: the deployment being the service's current one (checked before) is trigger enough.
  if (trigger.kind === "manual") return {};

  if (trigger.kind === "deployment-failed") {
    const byAlarm = /alarm/i.test(trigger.reason);
    const ecsRollsBack = byAlarm ? alarms?.enable && alarms.rollback : breaker?.enable && breaker.rollback;
    if (ecsRollsBack) {
      return {
        verdict: {
          code: "ecs-rolls-back",
          triggered: false,
          reason: `ECS rolls deployment ${trigger.deploymentId} back by itself (${byAlarm ? "deployment alarms" : "circuit breaker"} rollback is on).`,
        },
      };
    }
    return {};
  }

  const windowMs = config.crashLoopWindowMinutes * MINUTE;
  const counted = new Set(
    trigger.failures
      .filter((f) => f.startedBy === undefined || f.startedBy === trigger.deploymentId)
      // A task that only claims the deployment's id (RunTask lets anyone set startedBy and group) is not its task.
      .filter(
        (f) =>
          !current.taskDefinition || !f.taskDefinitionArn || f.taskDefinitionArn === current.taskDefinition,
      )
      .filter((f) => isRollbackFailure(f.category))
      .filter((f) => now.getTime() - f.stoppedAt.getTime() <= windowMs)
      .map((f) => f.taskArn),
  );
  const failureCount = counted.size;
  if (failureCount < config.crashLoopThreshold) {
    return {
      failureCount,
      verdict: {
        code: "below-threshold",
        triggered: false,
        failureCount,
        reason: `${failureCount} failed task${failureCount === 1 ? "" : "s"} of deployment ${trigger.deploymentId} in the last ${config.crashLoopWindowMinutes} minutes, below the threshold of ${config.crashLoopThreshold}.`,
      },
    };
  }

  if (current.rolloutState === "FAILED" && breaker?.enable && breaker.rollback) {
    return {
      failureCount,
      verdict: {
        code: "ecs-rolls-back",
        triggered: false,
        failureCount,
        reason: `Deployment ${trigger.deploymentId} already failed and the circuit breaker rolls it back.`,
      },
    };
  }
  if (current.rolloutState === "COMPLETED" || current.rolloutState === undefined) {
    const completedAt = current.updatedAt ?? current.createdAt;
    const sinceMs = completedAt ? now.getTime() - completedAt.getTime() : Number.POSITIVE_INFINITY;
    if (sinceMs > config.postCompletionMinutes * MINUTE) {
      return {
        failureCount,
        verdict: {
          code: "outside-window",
          triggered: false,
          failureCount,
          reason: completedAt
            ? `Deployment ${trigger.deploymentId} completed ${minutes(sinceMs)} ago, outside the ${config.postCompletionMinutes}-minute watch after a deployment: the failures are not blamed on it.`
            : `Deployment ${trigger.deploymentId} has no completion time, so the failures cannot be tied to it.`,
        },
      };
    }
  }
  return { failureCount };
}

function isRollbackDeployment(input: RollbackInput, current: ServiceDeploymentState): string | undefined {
  const { trigger, history } = input;
  if (trigger.kind === "deployment-failed" && isRollbackReason(trigger.reason)) {
    return `deployment ${trigger.deploymentId} is itself a rollback ("${trigger.reason}")`;
  }
  if (isRollbackReason(current.rolloutStateReason)) {
    return `deployment ${current.id} is itself a rollback ("${current.rolloutStateReason}")`;
  }
  const underway = history.find((r) => ROLLBACK_UNDERWAY.has(r.status));
  if (underway) return `ECS is already rolling back (${underway.status})`;
  return undefined;
}

function chooseTarget(input: RollbackInput, current: ServiceDeploymentState): Verdict {
  const { history, service } = input;
  const currentTd = current.taskDefinition;
  const avoid = failedTaskDefinitions(history, service.deployments);
  if (currentTd) avoid.add(currentTd);

  const running =
    current.rolloutState === "IN_PROGRESS" ? runningServiceDeployment(history, currentTd) : undefined;
  if (running) {
    const sources = running.sourceServiceRevisions ?? [];
    if (sources.length === 0) {
      return {
        code: "first-deployment",
        triggered: true,
        reason: `Deployment ${current.id} is the service's first: there is no earlier revision to return to, so only a notification is sent.`,
      };
    }
    const sourceTds = sources.map((s) => s.taskDefinition);
    if (!sourceTds.some((td) => td && avoid.has(td))) {
      const target: RollbackTarget = {
        kind: "stop-deployment",
        serviceDeploymentArn: running.serviceDeploymentArn,
        taskDefinition: sourceTds[0],
      };
      return {
        code: "rollback",
        triggered: true,
        target,
        toTaskDefinition: sourceTds[0],
        reason: `stopping service deployment ${running.serviceDeploymentArn} with ROLLBACK, which returns the service to ${label(sourceTds[0])}.`,
      };
    }
  }

  const fallbackSource = running?.sourceServiceRevisions?.find(
    (s) => s.taskDefinition && !avoid.has(s.taskDefinition),
  );
  const previous = service.deployments.find(
    (d) => d.id !== current.id && d.status === "ACTIVE" && d.taskDefinition && !avoid.has(d.taskDefinition),
  );
  const good =
    lastGoodTaskDefinition(history, avoid) ?? fallbackSource?.taskDefinition ?? previous?.taskDefinition;
  if (good) {
    return {
      code: "rollback",
      triggered: true,
      target: { kind: "update-service", taskDefinition: good },
      toTaskDefinition: good,
      reason: `updating the service back to ${label(good)}, its last successful revision.`,
    };
  }

  const others = knownTaskDefinitions(history, service.deployments);
  if (currentTd) others.delete(currentTd);
  if (others.size === 0) {
    return {
      code: "first-deployment",
      triggered: true,
      reason: `No earlier deployment of the service used another task definition: there is nothing to return to from ${label(currentTd)}, so only a notification is sent.`,
    };
  }
  return {
    code: "no-healthy-revision",
    triggered: true,
    reason: `Every earlier revision of the service failed or was rolled back: not rolling back to one of them.`,
  };
}

function decide(input: RollbackInput, config: RollbackConfig): Verdict {
  const { trigger, service, now } = input;
  const current = service.deployments.find((d) => d.id === trigger.deploymentId);
  if (!current) {
    return {
      code: "unknown-deployment",
      triggered: false,
      reason: `Deployment ${trigger.deploymentId} is no longer on the service (replaced or already rolled back): nothing to roll back.`,
    };
  }
  if (current.status !== "PRIMARY") {
    const primary = service.deployments.find((d) => d.status === "PRIMARY");
    return {
      code: "superseded",
      triggered: false,
      fromTaskDefinition: current.taskDefinition,
      reason: `Deployment ${trigger.deploymentId} was replaced by ${primary ? `deployment ${primary.id}` : "a newer deployment"}: nothing to roll back.`,
    };
  }

  const { verdict, failureCount } = evaluateTrigger(input, config, current);
  const base = { fromTaskDefinition: current.taskDefinition, failureCount };
  if (verdict) return { ...base, ...verdict };

  const what =
    trigger.kind === "manual"
      ? `${trigger.by} asked to roll back deployment ${trigger.deploymentId}`
      : trigger.kind === "deployment-failed"
        ? `Deployment ${trigger.deploymentId} failed and ECS will not roll it back`
        : `${failureCount} tasks of deployment ${trigger.deploymentId} failed within ${config.crashLoopWindowMinutes} minutes`;
  // A refused rollback still names the revision it would have returned to, for the "roll back by hand" hint.
  const refuse = (code: DecisionCode, why: string): Verdict => ({
    ...base,
    code,
    triggered: true,
    toTaskDefinition: chooseTarget(input, current).toTaskDefinition,
    reason: `${what}, but ${why}`,
  });

  const mode = rollbackMode(service, config.optInServices);
  if (mode === "off") {
    return refuse(
      "not-opted-in",
      trigger.kind === "manual"
        ? `rollback is not enabled for this service (tag ${AUTO_ROLLBACK_TAG}=manual or true).`
        : `automatic rollback is not enabled for this service (tag ${AUTO_ROLLBACK_TAG}=true or list it in AUTO_ROLLBACK_SERVICES).`,
    );
  }
  if (mode === "manual" && trigger.kind !== "manual") {
    return refuse(
      "manual-only",
      `the service rolls back only when a person asks (tag ${AUTO_ROLLBACK_TAG}=manual): use the Roll back button.`,
    );
  }
  const rollback = isRollbackDeployment(input, current);
  if (rollback) return refuse("rollback-of-rollback", `${rollback}: a rollback is never rolled back.`);
  if (input.alreadyClaimed) {
    return refuse("already-claimed", `a rollback of deployment ${trigger.deploymentId} was already started.`);
  }
  if (input.lastRollbackAt) {
    const sinceMs = now.getTime() - input.lastRollbackAt.getTime();
    if (sinceMs < config.cooldownMinutes * MINUTE) {
      return refuse(
        "cooldown",
        `the service was rolled back automatically ${minutes(sinceMs)} ago (cooldown ${config.cooldownMinutes} minutes).`,
      );
    }
  }

  const target = chooseTarget(input, current);
  if (target.code !== "rollback") return { ...base, ...target, reason: `${what}. ${target.reason}` };
  const dry = config.dryRun ? " (dry run: nothing is changed)" : "";
  return {
    ...base,
    ...target,
    reason: `${what}: rolling back by ${target.reason.replace(/\.$/, "")}${dry}.`,
  };
}

/** The rollback decision. Every outcome, including "not rolling back because ...", carries a reason. */
export function decideRollback(input: RollbackInput): Decision {
  const config: RollbackConfig = { ...DEFAULT_ROLLBACK_CONFIG, ...input.config };
  const verdict = decide(input, config);
  return {
    ...verdict,
    action: verdict.code === "rollback" ? "rollback" : "none",
    dryRun: config.dryRun,
    trigger: input.trigger.kind,
    deploymentId: input.trigger.deploymentId,
    serviceArn: input.service.arn,
  };
}
