/**
 * Tags of an ECS service (ListTagsForResource), for per-service routing overrides. Cached per container
 * for a few minutes so a flood of events costs one API call per service; a failure means "no overrides"
 * (logged, never fatal). A lasting failure (AccessDenied, a service that is gone) is remembered for a few minutes
 * and logged again with its reason on every event it answers, so a broken permission costs one call, not one per
 * event, and is never silent; throttling and 5xx are not remembered (the next event asks again).
 * API reference: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTagsForResource.html
 */
import { type ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { errorSummary } from "../aws-errors.js";
import { DEFAULT_FAILURE_TTL_MS, isLastingFailure } from "../enrich/lasting-failure.js";
import { parseServiceArn } from "../events/arns.js";
import { type LoggerPort, silentLogger } from "./transports/ports.js";

export type ServiceTagsLookup = (serviceArn: string) => Promise<Record<string, string>>;

export interface ServiceTagsOptions {
  ttlMs?: number;
  /** How long a lasting failure is remembered (default 5 minutes). */
  failureTtlMs?: number;
  now?: () => number;
  logger?: LoggerPort;
}

interface Entry {
  expires: number;
  tags: Promise<Record<string, string>>;
  /** The remembered failure's `Name: message`, repeated in the log of every event it answers. */
  failure?: string;
}

const NO_TAGS_MESSAGE = "Could not read service tags; sending without per-service overrides";

export function buildServiceTagsLookup(
  client: ECSClient,
  options: ServiceTagsOptions = {},
): ServiceTagsLookup {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const cache = new Map<string, Entry>();

  async function fetchTags(serviceArn: string, entry: Entry): Promise<Record<string, string>> {
    try {
      const result = await client.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }));
      const tags: Record<string, string> = {};
      for (const tag of result.tags ?? []) if (tag.key) tags[tag.key] = tag.value ?? "";
      return tags;
    } catch (error) {
      const failure = errorSummary(error);
      if (isLastingFailure(error)) {
        entry.expires = now() + failureTtlMs;
        entry.failure = failure;
      } else if (cache.get(serviceArn) === entry) {
        cache.delete(serviceArn);
      }
      logger.warn(NO_TAGS_MESSAGE, { serviceArn, error: failure });
      return {};
    }
  }

  return (serviceArn) => {
    if (!parseServiceArn(serviceArn)) {
      logger.warn("Not a service ARN; no per-service overrides", { serviceArn });
      return Promise.resolve({});
    }
    const cached = cache.get(serviceArn);
    if (cached && cached.expires > now()) {
      if (cached.failure)
        logger.warn(NO_TAGS_MESSAGE, { serviceArn, error: cached.failure, remembered: true });
      return cached.tags;
    }
    // Concurrent events of one service share the in-flight request.
    const entry: Entry = { expires: now() + ttlMs, tags: Promise.resolve({}) };
    cache.set(serviceArn, entry);
    entry.tags = fetchTags(serviceArn, entry);
    return entry.tags;
  };
}
