/**
 * DescribeTaskDefinition with a per-container cache. A revision (`...:task-definition/family:42`) names an immutable task
 * definition, so its answer can be kept for the container's life; a bare family (`family`, "latest") is
 * fetched every time. Concurrent lookups of one reference share one call. A lookup that failed for a lasting
 * reason (AccessDenied, "Unable to describe task definition") is remembered for a few minutes with its error, so
 * a flood of stops of a task definition nobody may describe costs one failing call and every event still says
 * why; throttling and 5xx are never remembered. Calls and cache hits are counted.
 * API reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
 */
import { DescribeTaskDefinitionCommand, type ECSClient, type TaskDefinition } from "@aws-sdk/client-ecs";
import { type CallCounter, ENRICH_OPERATIONS, enrichmentCalls } from "./call-counter.js";
import { DEFAULT_FAILURE_TTL_MS } from "./lasting-failure.js";
import { rememberingCache } from "./remembering-cache.js";

export type TaskDefinitionLoader = (arn: string) => Promise<TaskDefinition | undefined>;

export const DEFAULT_CACHE_ENTRIES = 200;

/** Counted when a remembered failure (or "not found") answers instead of ECS. */
export const TASK_DEFINITION_FAILURE_HIT = "cache-hit:task-definition-failure";

export interface TaskDefinitionLoaderOptions {
  maxEntries?: number;
  counter?: CallCounter;
  /** How long a lasting failure or "not found" is remembered (default 5 minutes). */
  failureTtlMs?: number;
  now?: () => number;
}

const REVISION_REF = /^(?:arn:[^/]+:task-definition\/)?[^:/]+:\d+$/;

/** A revision ARN or `family:revision` names one immutable task definition; a bare family does not. */
export function isImmutableTaskDefinitionRef(ref: string): boolean {
  return REVISION_REF.test(ref);
}

/** ECS answers ClientException "Unable to describe task definition" for a deleted or unknown revision. */
function isNotFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === "ClientException" &&
    /unable to describe task definition|not found|does not exist/i.test(error.message)
  );
}

/**
 * `(arn) => taskDefinition | undefined`: undefined when ECS does not know the revision; other errors
 * (throttling, access denied) are thrown for the caller to log. A remembered failure is thrown again as the same
 * error, so the alert and the log give the same reason as the first time.
 */
export function buildTaskDefinitionLoader(
  ecs: ECSClient,
  options: TaskDefinitionLoaderOptions = {},
): TaskDefinitionLoader {
  const counter = options.counter ?? enrichmentCalls;
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
  // A revision is immutable: kept for the container's life. A family is asked again; "not found" is remembered.
  const remembered = rememberingCache<TaskDefinition | undefined>({
    maxEntries: options.maxEntries ?? DEFAULT_CACHE_ENTRIES,
    failureTtlMs,
    now: options.now ?? Date.now,
    keepAnswer: (arn, definition) =>
      definition === undefined
        ? { ms: failureTtlMs, failed: true }
        : { ms: isImmutableTaskDefinitionRef(arn) ? Number.POSITIVE_INFINITY : 0 },
  });

  const describe = async (arn: string): Promise<TaskDefinition | undefined> => {
    counter.count(ENRICH_OPERATIONS.describeTaskDefinition);
    try {
      const response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      return response.taskDefinition;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  return (arn) => {
    const { answer, hit } = remembered(arn, () => describe(arn));
    if (hit)
      counter.count(
        hit === "failure" ? TASK_DEFINITION_FAILURE_HIT : ENRICH_OPERATIONS.taskDefinitionCacheHit,
      );
    return answer;
  };
}
