/**
 * The stopped-task diagnosis engine. Pure: a task (and optional task-definition knowledge) in, a Diagnosis out.
 *
 * Order of reasoning:
 *  1. Spot: stop code SpotInterruption, a Spot stoppedReason, or TerminationNotice on Spot capacity.
 *  2. Reasons of essential containers, then the task's stoppedReason, each read against the rules in their order
 *     of precedence (rules/index.ts). A container's reason is read before any
 *     exit code. With stop code UserInitiated the stoppedReason was written by whoever stopped the task, so only
 *     the stop-reason rules apply to it.
 *  3. The stop code when no text matched (UserInitiated, ServiceSchedulerInitiated, TerminationNotice...).
 *  4. Exit codes of the culprit container: 0 is completed, anything else app-exit.
 *  5. Reasons of containers known not to be essential.
 *  6. start-failure for a bare TaskFailedToStart, otherwise unknown, keeping the evidence.
 *  7. The platform's reading of the verdict (Managed Instances, ECS Anywhere, a managed daemon's task): rules/platform-refine.ts.
 */
import type { EcsTask } from "../events/schemas.js";
import { engineConfidence } from "./confidence.js";
import { finishedWithFailedSidecar, pickCulprit, pickUnhealthy } from "./culprit.js";
import { buildEvidence, memoryLimit } from "./evidence.js";
import { appExitRule, completedRule } from "./exit-codes.js";
import { type ContainerFacts, readFacts, type TaskFacts } from "./facts.js";
import { ALL_RULES, firstMatch, type RuleMatch, STOP_REASON_RULES } from "./rules/index.js";
import { hostRules } from "./rules/platform.js";
import { forPlatform, platformEvidence } from "./rules/platform-refine.js";
import type { MatchInput, RenderContext, Rule } from "./rules/rule.js";
import { sidecarFailedAfterCompletionRule } from "./rules/sidecar.js";
import { silentStartFailureRule } from "./rules/start-failure.js";
import { containerHealthRule, scalingRule, spotRule, userStopRule } from "./rules/stop-reasons.js";
import { unknownExitRule, unknownRule } from "./rules/unknown.js";
import { severityOf } from "./severity.js";
import { mentionsName } from "./text.js";
import type { Diagnosis, DiagnosisContext } from "./types.js";

interface Verdict {
  rule: Rule;
  detail?: string;
  culprit?: ContainerFacts;
}

const SPOT_TEXT =
  /spot task was interrupted|spot interruption|spot instance interruption|\bspot\b.{0,40}(?:interrupt|reclaim)/;
const HOST_TEXT = /host ec2|instance i-[0-9a-f]+/;
const ESSENTIAL_EXITED = /essential container.{0,20}exited/;

const hostTerminated = hostRules.find((r) => r.subCause === "host-terminated") ?? unknownRule;
const maintenance = hostRules.find((r) => r.subCause === "infrastructure-maintenance") ?? unknownRule;

function isSpot(facts: TaskFacts): boolean {
  if (facts.stopCode === "SpotInterruption") return true;
  if (facts.lowerStoppedReason && SPOT_TEXT.test(facts.lowerStoppedReason)) return true;
  if (facts.stopCode !== "TerminationNotice") return false;
  // TerminationNotice is the older code of the Spot notice, but EC2 hosts also report it when terminated.
  if (facts.lowerStoppedReason && HOST_TEXT.test(facts.lowerStoppedReason)) return false;
  const provider = facts.task.capacityProviderName?.toLowerCase() ?? "";
  return provider.includes("spot") || facts.task.launchType?.toUpperCase() === "FARGATE";
}

/** A culprit for verdicts read from the task's stoppedReason: only when one container stands out. */
function culpritFromTask(rule: Rule, facts: TaskFacts): ContainerFacts | undefined {
  if (rule.taskLevel) return undefined;
  if (rule.category === "container-health-check") return pickUnhealthy(facts.containers);
  const best = pickCulprit(facts.containers, facts.stoppedReason);
  if (!best) return undefined;
  const standsOut = best.reason !== undefined || best.exitCode !== undefined || facts.containers.length === 1;
  return standsOut ? best : undefined;
}

function fromMatch(match: RuleMatch, culprit: ContainerFacts | undefined): Verdict {
  const verdict: Verdict = { rule: match.rule };
  if (match.detail) verdict.detail = match.detail;
  if (culprit && !match.rule.taskLevel) verdict.culprit = culprit;
  return verdict;
}

/** Exit code of the culprit, when it has one and no unread reason of a non-essential container is the better story. */
function byExitCode(facts: TaskFacts): Verdict | undefined {
  const sidecarFailure = finishedWithFailedSidecar(facts.containers);
  if (sidecarFailure) {
    const rule = sidecarFailedAfterCompletionRule(facts.serviceTask);
    return { rule, culprit: sidecarFailure.finished, detail: sidecarFailure.sidecar.name };
  }
  const culprit = pickCulprit(facts.containers, facts.stoppedReason);
  if (!culprit || culprit.exitCode === undefined) return undefined;
  if (!culprit.essential && culprit.reason) return undefined;
  const rule = culprit.exitCode === 0 ? completedRule(facts.serviceTask) : appExitRule(culprit.exitCode);
  return { rule, culprit };
}

/** Nothing explains the stop: say so, keeping the container the reason names, if any. */
function unexplained(facts: TaskFacts): Verdict {
  if (facts.stopCode === "TaskFailedToStart") return { rule: silentStartFailureRule };
  const exited =
    facts.stopCode === "EssentialContainerExited" ||
    (facts.lowerStoppedReason !== undefined && ESSENTIAL_EXITED.test(facts.lowerStoppedReason));
  // "Essential container in task exited" without any exit code or reason says nothing about why.
  const rule = exited ? unknownExitRule : unknownRule;
  const named = facts.stoppedReason
    ? facts.containers.find((c) => mentionsName(facts.stoppedReason ?? "", c.name))
    : undefined;
  return named ? { rule, culprit: named } : { rule };
}

function byStopCode(facts: TaskFacts): Verdict | undefined {
  switch (facts.stopCode) {
    case "UserInitiated":
      return { rule: userStopRule };
    case "ServiceSchedulerInitiated": {
      const unhealthy = pickUnhealthy(facts.containers);
      if (unhealthy) return { rule: containerHealthRule, culprit: unhealthy };
      if (facts.task.healthStatus?.toUpperCase() === "UNHEALTHY") return { rule: containerHealthRule };
      return { rule: scalingRule };
    }
    case "TerminationNotice":
      return { rule: hostTerminated };
    default:
      if (facts.stopCode?.toLowerCase().includes("infrastructure")) return { rule: maintenance };
      return undefined;
  }
}

function withAccount(facts: TaskFacts, text: string, lower: string): MatchInput {
  return facts.account ? { text, lower, account: facts.account } : { text, lower };
}

function matchContainers(facts: TaskFacts, essential: boolean): Verdict | undefined {
  for (const c of facts.containers) {
    if (c.essential !== essential || !c.reason || !c.lowerReason) continue;
    const match = firstMatch(ALL_RULES, withAccount(facts, c.reason, c.lowerReason));
    if (match) return fromMatch(match, c);
  }
  return undefined;
}

export function classify(facts: TaskFacts): Verdict {
  if (isSpot(facts)) return { rule: spotRule };
  const fromEssential = matchContainers(facts, true);
  if (fromEssential) return fromEssential;
  if (facts.stoppedReason && facts.lowerStoppedReason) {
    const rules = facts.stopCode === "UserInitiated" ? STOP_REASON_RULES : ALL_RULES;
    const match = firstMatch(rules, withAccount(facts, facts.stoppedReason, facts.lowerStoppedReason));
    if (match) return fromMatch(match, culpritFromTask(match.rule, facts));
  }
  return byStopCode(facts) ?? byExitCode(facts) ?? matchContainers(facts, false) ?? unexplained(facts);
}

/** The platform's reading of the verdict; one that moves the cause to the host names no container. */
function onPlatform(classified: Verdict, task: EcsTask): Verdict {
  const rule = forPlatform(classified.rule, task, classified.detail);
  if (rule === classified.rule) return classified;
  const { culprit, ...rest } = classified;
  return rule.taskLevel || !culprit ? { ...rest, rule } : { ...rest, rule, culprit };
}

function renderContext(facts: TaskFacts, verdict: Verdict): RenderContext {
  const culprit = verdict.culprit;
  const ctx: RenderContext = { subject: facts.subject };
  if (culprit) ctx.container = culprit.name;
  if (verdict.detail) ctx.detail = verdict.detail;
  const limit = memoryLimit(facts, culprit);
  if (limit) ctx.memoryLimitMiB = limit.mib;
  if (culprit?.exitCode !== undefined) ctx.exitCode = culprit.exitCode;
  if (facts.task.launchType) ctx.launchType = facts.task.launchType;
  const image = culprit?.container.image;
  if (image) ctx.image = image;
  return ctx;
}

export function diagnose(task: EcsTask, context: DiagnosisContext = {}): Diagnosis {
  const facts = readFacts(task, context);
  const verdict = onPlatform(classify(facts), task);
  const { rule } = verdict;
  const ctx = renderContext(facts, verdict);
  const culprit = verdict.culprit;
  // fromEntries defines own keys, so a container named "__proto__" keeps its exit code.
  const exitCodes: Record<string, number> = Object.fromEntries(
    facts.containers.flatMap((c) => (c.exitCode === undefined ? [] : [[c.name, c.exitCode]])),
  );
  const anyExitCode = Object.keys(exitCodes).length > 0;
  const diagnosis: Diagnosis = {
    taskArn: task.taskArn,
    category: rule.category,
    subCause: rule.subCause,
    severity: rule.severity ?? severityOf(rule.category, facts.serviceTask),
    title: rule.title(ctx),
    summary: rule.summary(ctx),
    evidence: [
      ...buildEvidence(facts, culprit, {
        memory: rule.category === "out-of-memory" || culprit?.exitCode === 137,
      }),
      ...platformEvidence(task),
    ],
    remediation: rule.remediation(ctx),
    docs: [...rule.docs],
    ...engineConfidence(rule.category),
  };
  if (task.clusterArn) diagnosis.clusterArn = task.clusterArn;
  if (task.group) diagnosis.group = task.group;
  if (facts.service) diagnosis.service = facts.service;
  if (task.taskDefinitionArn) diagnosis.taskDefinitionArn = task.taskDefinitionArn;
  if (facts.family) diagnosis.family = facts.family;
  if (facts.revision !== undefined) diagnosis.revision = facts.revision;
  if (task.startedBy) diagnosis.startedBy = task.startedBy;
  if (culprit) {
    diagnosis.culprit = { name: culprit.name };
    if (culprit.exitCode !== undefined) diagnosis.culprit.exitCode = culprit.exitCode;
    if (culprit.reason) diagnosis.culprit.reason = culprit.reason;
  }
  if (facts.stopCode) diagnosis.stopCode = facts.stopCode;
  if (facts.stoppedReason) diagnosis.stoppedReason = facts.stoppedReason;
  if (task.stoppedAt) diagnosis.stoppedAt = task.stoppedAt;
  if (rule.category === "spot-interruption" && facts.interruptionNotice) diagnosis.interruptionNotice = true;
  if (anyExitCode) diagnosis.exitCodes = exitCodes;
  return diagnosis;
}
