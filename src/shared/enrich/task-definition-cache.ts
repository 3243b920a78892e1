/**
 * DescribeTaskDefinition with a per-container cache. A revision (`...:task-definition/family:42`) names an immutable task
 * definition, so its answer can be kept for the container's life; a bare family (`family`, "latest") is
 * fetched every time. Concurrent lookups of one ARN share one call. Calls and cache hits are counted.
 */
import { DescribeTaskDefinitionCommand, type ECSClient, type TaskDefinition } from "@aws-sdk/client-ecs";
import { type CallCounter, ENRICH_OPERATIONS, enrichmentCalls } from "./call-counter.js";

export type TaskDefinitionLoader = (arn: string) => Promise<TaskDefinition | undefined>;

export const DEFAULT_CACHE_ENTRIES = 200;

export interface TaskDefinitionLoaderOptions {
  maxEntries?: number;
  counter?: CallCounter;
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
 * (throttling, access denied) are thrown for the caller to log, and are not cached.
 */
export function buildTaskDefinitionLoader(
  ecs: ECSClient,
  options: TaskDefinitionLoaderOptions = {},
): TaskDefinitionLoader {
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_CACHE_ENTRIES);
  const counter = options.counter ?? enrichmentCalls;
  // Map iteration order is insertion order: re-inserting on a hit makes the first key the least recently used.
  const cache = new Map<string, Promise<TaskDefinition | undefined>>();

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
    if (!isImmutableTaskDefinitionRef(arn)) return describe(arn);
    const cached = cache.get(arn);
    if (cached) {
      counter.count(ENRICH_OPERATIONS.taskDefinitionCacheHit);
      cache.delete(arn);
      cache.set(arn, cached);
      return cached;
    }
    const pending = describe(arn);
    cache.set(arn, pending);
    // Failures and "not found" are not remembered: the next event asks again.
    const forget = () => {
      if (cache.get(arn) === pending) cache.delete(arn);
    };
    pending.then((definition) => definition ?? forget(), forget);
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return pending;
  };
}
