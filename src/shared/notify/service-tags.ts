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
import { DEFAULT_FAILURE_TTL_MS } from "../enrich/lasting-failure.js";
import { rememberingCache } from "../enrich/remembering-cache.js";
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

/** Services whose tags a container keeps (least recently used first out). */
const MAX_SERVICES = 200;

const NO_TAGS_MESSAGE = "Could not read service tags; sending without per-service overrides";

export function buildServiceTagsLookup(
  client: ECSClient,
  options: ServiceTagsOptions = {},
): ServiceTagsLookup {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const logger = options.logger ?? silentLogger;
  const remembered = rememberingCache<Record<string, string>>({
    maxEntries: MAX_SERVICES,
    failureTtlMs: options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS,
    now: options.now ?? Date.now,
    keepAnswer: () => ({ ms: ttlMs }),
  });

  async function listTags(serviceArn: string): Promise<Record<string, string>> {
    const result = await client.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }));
    // Own keys: a tag named "__proto__" (a valid tag key) is a tag, not the record's prototype.
    return Object.fromEntries(
      (result.tags ?? []).flatMap((tag) => (tag.key ? [[tag.key, tag.value ?? ""]] : [])),
    );
  }

  return (serviceArn) => {
    if (!parseServiceArn(serviceArn)) {
      logger.warn("Not a service ARN; no per-service overrides", { serviceArn });
      return Promise.resolve({});
    }
    // Concurrent events of one service share the in-flight request.
    const { answer, hit } = remembered(serviceArn, () => listTags(serviceArn));
    return answer.catch((error: unknown) => {
      logger.warn(NO_TAGS_MESSAGE, {
        serviceArn,
        error: errorSummary(error),
        ...(hit === "failure" ? { remembered: true } : {}),
      });
      return {};
    });
  };
}
