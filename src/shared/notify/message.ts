/**
 * The channel-independent message: every diagnosis, deployment outcome, rollback decision and job result
 * becomes one of these, and the renderers (Slack Block Kit, email) turn it into channel payloads.
 * All strings here are untrusted plain text; renderers escape them for their channel.
 */
import type { Severity } from "../diagnosis/types.js";

export type MessageKind =
  | "task-stopped"
  | "deployment"
  | "service-action"
  | "deployment-review"
  | "rollback"
  | "job"
  | "digest";

export interface Fact {
  label: string;
  value: string;
}

export interface Link {
  label: string;
  url: string;
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
  cluster?: string;
  service?: string;
  /** Task definition family (or job name) the message is about when there is no service; names it in fallbacks. */
  family?: string;
  account?: string;
  region?: string;
  /** ISO time of the event. */
  time?: string;
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
