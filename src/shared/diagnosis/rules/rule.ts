/** The shape of a diagnosis rule and the context it renders its verdict with. */
import type { Category, Severity } from "../types.js";

/** What a rule may mention when it writes its title, summary and steps. */
export interface RenderContext {
  /** The culprit container, when one can be named. */
  container?: string;
  /** Who the task belongs to, ready to print: "service `api`", "task family `nightly`", "task `1a2b`". */
  subject: string;
  /** A value the rule pulled out of the matched text: an IAM action, a host name, an image... */
  detail?: string;
  /** Hard memory limit of the culprit container (MiB), when known. */
  memoryLimitMiB?: number;
  exitCode?: number;
  /** FARGATE, EC2, EXTERNAL, when the event says. */
  launchType?: string;
  image?: string;
}

/** What a rule is matched against. */
export interface MatchInput {
  /** The original text (for extracting details with their case). */
  text: string;
  /** The same text, lower-cased once. */
  lower: string;
  /** The task's AWS account, from its ARN, when known. */
  account?: string;
}

export interface Rule {
  category: Category;
  subCause: string;
  /** Must match the lower-cased text. */
  when: RegExp;
  /** When set, must match too (a context such as "this is an image pull"). */
  and?: RegExp;
  /** When it matches, the rule does not apply. */
  unless?: RegExp;
  /** A last check that needs more than the text (e.g. the task's account). */
  accept?: (input: MatchInput) => boolean;
  /** Pulls a detail out of the original (not lower-cased) text. */
  detail?: (text: string) => string | undefined;
  title: (c: RenderContext) => string;
  summary: (c: RenderContext) => string;
  remediation: (c: RenderContext) => string[];
  docs: readonly string[];
  /** Overrides the category's severity when the sub-cause says more (e.g. a task that completed with a failed sidecar). */
  severity?: Severity;
  /** The whole task is concerned (scheduler, host, ENI...): no container is named as the culprit. */
  taskLevel?: boolean;
}

/** "Container `web` in service `api`" or "A container in service `api`". */
export function containerIn(c: RenderContext): string {
  return c.container ? `Container \`${c.container}\` in ${c.subject}` : `A container in ${c.subject}`;
}

/** "container `web`" or "the container". */
export function theContainer(c: RenderContext): string {
  return c.container ? `container \`${c.container}\`` : "the container";
}

/** "`web` in service `api`" or "service `api`". */
export function where(c: RenderContext): string {
  return c.container ? `\`${c.container}\` in ${c.subject}` : c.subject;
}

export function isFargate(c: RenderContext): boolean {
  return c.launchType?.toUpperCase() === "FARGATE";
}

/** Returns a function that extracts the first capture group of `pattern` (case-insensitive) from a text. */
export function capture(pattern: RegExp): (text: string) => string | undefined {
  return (text) => pattern.exec(text)?.[1]?.replace(/[.,;'")\]]+$/, "");
}
