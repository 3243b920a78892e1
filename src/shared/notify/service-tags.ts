/**
 * Tags of an ECS service (ListTagsForResource), for per-service routing overrides. Cached per container
 * for a few minutes so a flood of events costs one API call per service; a failure means "no overrides"
 * (logged, never fatal) and is remembered briefly so a broken permission does not cost a call per event.
 */
import { type ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { errorSummary } from "../aws-errors.js";
import { parseServiceArn } from "../events/arns.js";
import { type LoggerPort, silentLogger } from "./transports/ports.js";

export type ServiceTagsLookup = (serviceArn: string) => Promise<Record<string, string>>;

export interface ServiceTagsOptions {
  ttlMs?: number;
  failureTtlMs?: number;
  now?: () => number;
  logger?: LoggerPort;
}

interface Entry {
  expires: number;
  tags: Promise<Record<string, string>>;
}

export function buildServiceTagsLookup(
  client: ECSClient,
  options: ServiceTagsOptions = {},
): ServiceTagsLookup {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const failureTtlMs = options.failureTtlMs ?? 30_000;
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
      entry.expires = now() + failureTtlMs;
      logger.warn("Could not read service tags; sending without per-service overrides", {
        serviceArn,
        error: errorSummary(error),
      });
      return {};
    }
  }

  return (serviceArn) => {
    if (!parseServiceArn(serviceArn)) {
      logger.warn("Not a service ARN; no per-service overrides", { serviceArn });
      return Promise.resolve({});
    }
    const cached = cache.get(serviceArn);
    if (cached && cached.expires > now()) return cached.tags;
    // Concurrent events of one service share the in-flight request.
    const entry: Entry = { expires: now() + ttlMs, tags: Promise.resolve({}) };
    entry.tags = fetchTags(serviceArn, entry);
    cache.set(serviceArn, entry);
    return entry.tags;
  };
}
