/**
 * The channel-independent message: every diagnosis, deployment outcome, rollback decision and job result
 * becomes one of these, and the renderers (Slack Block Kit, email) turn it into channel payloads.
 * All strings here are untrusted plain text; renderers escape them for their channel.
 */
import type { Severity } from "../diagnosis/types.js";
import type { ActionKind } from "../slack-actions/types.js";

export type MessageKind =
  | "task-stopped"
  | "deployment"
  | "service-action"
  | "deployment-review"
  | "rollback"
  | "job"
  | "host"
  | "digest";

export interface Fact {
  label: string;
  value: string;
}

export interface Link {
  label: string;
  url: string;
}

/** The last lines a failed container wrote, or why they are not shown. */
export interface LogTailSection {
  /** Masked lines, oldest first; empty when the tail could not be read (see `note`). */
  lines: string[];
  /** Where the lines come from, e.g. "container web · /ecs/api". */
  source: string;
  /** Console link to the whole log stream (or group), when one exists. */
  link?: string;
  /** Why there are no lines, e.g. "log stream not found yet". */
  note?: string;
}

/** "What changed": the failing task definition against the service's last successful revision. */
export interface ChangesSection {
  /** One sentence, e.g. "Since api:41, the last successful revision" or "No change from ...". */
  summary: string;
  /** One difference per line, names never values; empty when nothing that matters changed. */
  lines: string[];
}

/** What a button acts on: recorded with the posted message, so a click never carries its own authority. */
export interface ActionSubject {
  serviceArn?: string;
  deploymentId?: string;
  /** Where a rollback would go (for the button's confirmation text; the policy decides again). */
  toTaskDefinition?: string;
  /** A job to run again. */
  job?: string;
  /** A deployment paused by an ECS pause hook: the service deployment and the hook to continue or roll back. */
  serviceDeploymentArn?: string;
  hookId?: string;
}

/** A Slack button offered with a message (app mode, approvers configured). */
export interface MessageAction {
  kind: ActionKind;
  label: string;
  subject: ActionSubject;
  /** Red for what changes production, with a confirmation dialog. */
  danger?: boolean;
}

export interface Message {
  kind: MessageKind;
  severity: Severity;
  /** Diagnosis category, deployment event name, job outcome... used for routing, filtering and throttling. */
  category: string;
  /** Headline, e.g. "api: container `web` ran out of memory". */
  title: string;
  /** One plain-language sentence: what happened and why. */
  cause: string;
  /** The raw reason as ECS wrote it, shown verbatim (in a code block on Slack). */
  reason?: string;
  evidence: string[];
  remediation: string[];
  facts: Fact[];
  /** Console deep links (task, service, logs) and documentation. */
  links: Link[];
  /** Cluster NAME (not ARN): email filter policies and throttle keys compare it across message kinds. */
  cluster?: string;
  service?: string;
  /** Task definition family (or job name) the message is about when there is no service; names it in fallbacks. */
  family?: string;
  account?: string;
  /** A readable name of `account` (ACCOUNT_NAMES), shown beside the id. */
  accountName?: string;
  region?: string;
  /** ISO time of the event. */
  time?: string;
  /** Stopped tasks: the culprit container's last log lines (failures only). */
  logTail?: LogTailSection;
  /** Stopped service tasks: what changed since the last successful revision (failures only). */
  changes?: ChangesSection;
  /** How often this happened lately, e.g. "3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC". */
  history?: string;
  /** Slack buttons (app mode only; other channels ignore them). */
  actions?: MessageAction[];
  /**
   * A person must decide something by a time (a deployment paused by a pause hook): every channel that reaches
   * people takes the message whatever its severity minimum; mutes and the channels tag still apply.
   */
  awaitsDecision?: { until?: string };
}

/** What a Slack incoming webhook receives. */
export interface SlackPayload {
  text: string;
  blocks: unknown[];
}

/** What SNS publishes for email subscribers. */
export interface EmailMessage {
  subject: string;
  body: string;
  attributes: Record<string, string>;
}
