/**
 * PURE: a deployment paused by an ECS pause hook, as people see it — what is paused, at which stage, how the new
 * revision's tasks look so far, when the pause times out and what ECS does then, and how to continue or roll
 * back (Slack buttons in app mode for opted-in services; the CLI command everywhere). Later hook events (the
 * hook no longer waiting) edit the deployment's card and take the buttons away.
 *
 * Source: ECS Developer Guide, "Pause hooks for Amazon ECS service deployments" (HOOK_AWAITING_ACTION, hookId,
 * expiresAt; ContinueServiceDeployment with CONTINUE or ROLLBACK; the timeout action, ROLLBACK by default) and
 * the API reference of DeploymentLifecycleHookDetail (status AWAITING_ACTION | IN_PROGRESS | SUCCEEDED | FAILED
 * | TIMED_OUT).
 */
import { fact, shortFact } from "../deployments/card-facts.js";
import type { Diagnosis } from "../diagnosis/types.js";
import { arnName, parseServiceArn } from "../events/arns.js";
import { ecsServiceDeploymentsUrl } from "../notify/console-links.js";
import type { Fact, Link, Message, MessageAction } from "../notify/message.js";
import { formatUtc } from "../notify/render/time.js";
import type { CardPatch, CardStateLine } from "../notify/threads/types.js";

export const PAUSE_DOCS: Link = {
  label: "Pause hooks for ECS service deployments",
  url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html",
};

/** The new revision's tasks so far. */
export interface PausedTasks {
  running: number;
  /** Running tasks whose health status is HEALTHY. */
  healthy: number;
  /** The deployment's desired count, when known. */
  desired?: number;
  /** Diagnoses of the new revision's stopped tasks, newest first. */
  stopped: Diagnosis[];
}

/** What is known about one pause: the event, and what ECS answered about the deployment and its tasks. */
export interface PauseView {
  serviceArn: string;
  serviceDeploymentArn: string;
  hookId?: string;
  stage?: string;
  /** ISO time the hook times out. */
  expiresAt?: string;
  /** CONTINUE or ROLLBACK (DescribeServiceDeployments); ECS's default is ROLLBACK. */
  timeoutAction?: string;
  /** The hook's status now (DescribeServiceDeployments), e.g. AWAITING_ACTION. */
  hookStatus?: string;
  /** `ecs-svc/…`: the deployment's thread. */
  deploymentId?: string;
  taskDefinition?: string;
  tasks?: PausedTasks;
  /** Why the deployment or its tasks could not be read (the message says so instead). */
  loadProblem?: string;
  /** The service is opted in (tag `ecs-sentinel:auto-rollback` true or manual): ecs-sentinel may act on it. */
  optedIn?: boolean;
  account?: string;
  region?: string;
  /** ISO time of the event. */
  time?: string;
}

const MAX_STOPS_SHOWN = 5;

function names(view: PauseView) {
  const ref = parseServiceArn(view.serviceArn);
  const service = ref?.service ?? arnName(view.serviceArn) ?? view.serviceArn;
  const cluster = ref?.cluster;
  return { service, cluster };
}

const timeoutActionOf = (view: PauseView) => (view.timeoutAction ?? "ROLLBACK").toUpperCase();
const timeoutVerb = (action: string) => (action === "CONTINUE" ? "continue" : "roll back");

/** "2 running · 2 healthy · 1 stopped (of 4)". */
export function pausedTasksFact(tasks: PausedTasks): string {
  const parts = [`${tasks.running} running`, `${tasks.healthy} healthy`];
  if (tasks.stopped.length > 0) parts.push(`${tasks.stopped.length} stopped`);
  return `${parts.join(" · ")}${tasks.desired === undefined ? "" : ` (of ${tasks.desired})`}`;
}

function timeoutText(view: PauseView): string | undefined {
  if (!view.expiresAt) return undefined;
  return `${formatUtc(view.expiresAt)}, then ECS will ${timeoutVerb(timeoutActionOf(view))}`;
}

/** The buttons of a pause: only for opted-in services and a hook that is (as far as we know) still waiting. */
export function pauseActions(view: PauseView): MessageAction[] {
  if (view.optedIn !== true || !view.hookId) return [];
  if (view.hookStatus && view.hookStatus !== "AWAITING_ACTION") return [];
  const subject = {
    serviceArn: view.serviceArn,
    serviceDeploymentArn: view.serviceDeploymentArn,
    hookId: view.hookId,
    ...(view.deploymentId ? { deploymentId: view.deploymentId } : {}),
  };
  return [
    { kind: "continue-paused", label: "Continue", subject },
    { kind: "rollback-paused", label: "Roll back", danger: true, subject },
  ];
}

/** The commands that continue or roll back the pause (every channel names them; email has nothing else). */
export function pauseCommands(view: PauseView): string[] {
  const { service, cluster } = names(view);
  const where = `--cluster ${cluster ?? "CLUSTER"} --service ${service}`;
  if (view.optedIn === false) {
    const hook = view.hookId ?? "HOOK_ID";
    return [
      `ecs-sentinel does not act on ${service} (not opted in with the tag ecs-sentinel:auto-rollback=manual or true): continue or roll back with \`aws ecs continue-service-deployment --service-deployment-arn ${view.serviceDeploymentArn} --hook-id ${hook} --action CONTINUE\` (or ROLLBACK)`,
    ];
  }
  return [
    `To continue: \`ecs-sentinel deployments continue ${where}\``,
    `To roll back: \`ecs-sentinel deployments rollback ${where}\``,
  ];
}

function stopEvidence(stopped: Diagnosis[]): string[] {
  const shown = stopped.slice(0, MAX_STOPS_SHOWN).map((d) => {
    const reason = d.culprit?.reason ?? d.stoppedReason;
    return shortFact(
      `Task ${arnName(d.taskArn) ?? d.taskArn}: ${d.title}${reason ? ` — ${reason}` : ""}`,
      300,
    );
  });
  if (stopped.length > MAX_STOPS_SHOWN) shown.push(`and ${stopped.length - MAX_STOPS_SHOWN} more stopped`);
  return shown;
}

function pauseFacts(view: PauseView): Fact[] {
  const facts: Fact[] = [];
  if (view.stage) facts.push(fact("Paused at", view.stage));
  if (view.taskDefinition)
    facts.push(fact("Task definition", arnName(view.taskDefinition) ?? view.taskDefinition));
  if (view.tasks) facts.push(fact("New tasks", pausedTasksFact(view.tasks)));
  const timeout = timeoutText(view);
  if (timeout) facts.push(fact("Times out", timeout));
  return facts;
}

function links(view: PauseView): Link[] {
  const { service, cluster } = names(view);
  const scope = { account: view.account, region: view.region };
  const console = cluster ? ecsServiceDeploymentsUrl(scope, cluster, service) : undefined;
  return [...(console ? [{ label: "Deployments in the ECS console", url: console }] : []), PAUSE_DOCS];
}

/** The message for HOOK_AWAITING_ACTION: a person is asked to decide before the timeout. */
export function pausedMessage(view: PauseView): Message {
  const { service, cluster } = names(view);
  const stage = view.stage ?? "a lifecycle stage";
  const stopped = view.tasks?.stopped ?? [];
  const timeout = timeoutText(view);
  const cause = [
    `ECS paused the deployment of ${service} at ${stage} and waits for someone to continue or roll it back.`,
    timeout ? `If nobody does by ${timeout}.` : "",
    stopped.length > 0
      ? `${stopped.length} task(s) of the new revision stopped so far: look at why before continuing.`
      : "",
    view.loadProblem ? `The new revision's tasks could not be read: ${view.loadProblem}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const remediation = [
    ...(stopped.length > 0
      ? [`Roll back unless the stopped tasks are expected: ${stopped[0]?.title ?? "see the evidence"}`]
      : ["Check the new revision (test traffic, dashboards) before continuing"]),
    ...pauseCommands(view),
  ];
  return {
    kind: "deployment",
    severity: stopped.length > 0 ? "critical" : "warning",
    category: "hook-paused",
    title: `${service}: deployment paused at ${stage} — waiting for a decision`,
    cause,
    evidence: stopEvidence(stopped),
    remediation,
    facts: pauseFacts(view),
    links: links(view),
    ...(cluster ? { cluster } : {}),
    service,
    ...(view.account ? { account: view.account } : {}),
    ...(view.region ? { region: view.region } : {}),
    ...(view.time ? { time: view.time } : {}),
    awaitsDecision: view.expiresAt ? { until: view.expiresAt } : {},
  };
}

/** The card while paused: the state line, the facts, and the buttons (none when ecs-sentinel may not act). */
export function pausedCardPatch(view: PauseView, at: number): CardPatch {
  const timeout = view.expiresAt ? ` until ${formatUtc(view.expiresAt)}` : "";
  return {
    at,
    state: {
      text: `Paused at ${view.stage ?? "a hook"} — waiting for a decision${timeout}`,
      severity: "warning",
      phase: "paused",
    },
    facts: pauseFacts(view),
    actions: pauseActions(view),
  };
}

/** What a hook event other than HOOK_AWAITING_ACTION says happened (the event name, read as ECS words it). */
export function hookOutcomeOf(eventName: string): { line: CardStateLine; text: string } {
  const name = eventName.toUpperCase();
  if (name.includes("TIMED_OUT") || name.includes("EXPIRED"))
    return {
      line: {
        text: "Pause timed out: ECS took the timeout action",
        severity: "warning",
        phase: "in-progress",
      },
      text: "the pause timed out before anyone decided: ECS took its timeout action",
    };
  if (name.includes("FAIL"))
    return {
      line: { text: "Pause hook failed", severity: "critical", phase: "failed" },
      text: "the pause hook failed",
    };
  if (name.includes("ROLLBACK") || name.includes("ROLLED_BACK"))
    return {
      line: { text: "Rolling back (from the pause)", severity: "warning", phase: "rolling-back" },
      text: "the paused deployment is rolling back",
    };
  if (name.includes("SUCCEEDED") || name.includes("COMPLETED") || name.includes("CONTINUE"))
    return {
      line: { text: "In progress (continued after the pause)", severity: "info", phase: "in-progress" },
      text: "the paused deployment continued",
    };
  return {
    line: { text: `Pause hook: ${eventName}`, severity: "info", phase: "in-progress" },
    text: `the pause hook reported ${eventName}`,
  };
}

/** A hook event other than HOOK_AWAITING_ACTION: edits the card (buttons gone); a timeout is worth a reply. */
export function hookStateMessage(view: PauseView, eventName: string): Message {
  const { service, cluster } = names(view);
  const outcome = hookOutcomeOf(eventName);
  const timedOut = outcome.line.text.startsWith("Pause timed out");
  return {
    kind: "deployment",
    severity: timedOut ? "warning" : "info",
    category: timedOut ? "hook-timed-out" : "hook-state",
    title: `${service}: ${outcome.text}${view.stage ? ` (${view.stage})` : ""}`,
    cause: `ECS reported ${eventName} for the pause hook of ${service}'s deployment.`,
    evidence: [],
    remediation: [],
    facts: view.stage ? [fact("Paused at", view.stage)] : [],
    links: links(view),
    ...(cluster ? { cluster } : {}),
    service,
    ...(view.account ? { account: view.account } : {}),
    ...(view.region ? { region: view.region } : {}),
    ...(view.time ? { time: view.time } : {}),
  };
}

export function hookStateCardPatch(eventName: string, at: number): CardPatch {
  const { line } = hookOutcomeOf(eventName);
  return { at, state: line, actions: [], facts: [fact("Pause", `${eventName}`)] };
}
