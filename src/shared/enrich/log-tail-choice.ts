/**
 * Whether a stop gets a log tail and of which container, and the reasons a tail can be missing: what every
 * failure's alert context decides, apart from the reading itself (log-tail.ts), which loads only for a message
 * that goes out.
 */
import type { Category, Diagnosis } from "../diagnosis/types.js";
import { shouldEnrich } from "./call-counter.js";

/** The parts of a task definition this module reads (SDK `TaskDefinition` or its JSON). */
export interface LogConfigurationLike {
  logDriver?: string;
  options?: Record<string, string>;
}
export interface ContainerDefinitionLike {
  name?: string;
  essential?: boolean;
  logConfiguration?: LogConfigurationLike;
}
export interface TaskDefinitionLogsLike {
  containerDefinitions?: ContainerDefinitionLike[];
}

export const REASONS = {
  notFoundYet: "log stream not found yet",
  emptySoFar: "log stream has no lines yet",
  throttled: "CloudWatch Logs throttled",
  timedOut: "timed out reading CloudWatch Logs",
} as const;

/** Stops where the container ran, so its output explains something; others never started or were expected. */
const CATEGORIES_WITH_USEFUL_LOGS: ReadonlySet<Category> = new Set([
  "out-of-memory",
  "app-exit",
  "container-health-check",
  "elb-health-check",
  "resource-limits",
  "completed",
  "unknown",
]);

/** The cost rule for tails: not for expected stops, nor for containers that never ran (image pull, secrets). */
export function shouldFetchLogTail(diagnosis: Pick<Diagnosis, "severity" | "category">): boolean {
  return shouldEnrich(diagnosis) && CATEGORIES_WITH_USEFUL_LOGS.has(diagnosis.category);
}

/** The culprit container, else the first essential one (ELB health check stops name no container). */
export function logTailContainerName(
  diagnosis: Pick<Diagnosis, "culprit">,
  taskDefinition: TaskDefinitionLogsLike | undefined,
): string | undefined {
  if (diagnosis.culprit?.name) return diagnosis.culprit.name;
  return taskDefinition?.containerDefinitions?.find((c) => c.essential !== false && c.name)?.name;
}
