/**
 * Log keys: the names our structured log lines use, and the keys Powertools Logger owns so we never use them.
 *
 * From @aws-lambda-powertools/logger 2.35.0 (lib/esm/constants.js `ReservedKeys`, and the base attributes of
 * lib/esm/formatter/PowertoolsLogFormatter.js):
 * - `level`, `message`, `sampling_rate`, `service`, `timestamp` are dropped with a warning when appended or
 *   passed as extra fields (so `service: "api"` silently vanished from every line);
 * - `cold_start`, `function_arn`, `function_memory_size`, `function_name`, `function_request_id`,
 *   `xray_trace_id` and `tenant_id` are written by the formatter: ours would collide with them;
 * - `error` and `extra` are where Powertools puts an Error or a string argument; `correlation_id` is its
 *   correlation id. Our Log port passes only objects, so a string `error` field survives (a test proves it),
 *   but new keys must not use these names either.
 * The ECS service is therefore `ecsService`, the cluster `cluster` (names, not ARNs). Pure.
 */
import { arnName, parseServiceArn, serviceFromGroup } from "./events/arns.js";

export const POWERTOOLS_RESERVED_KEYS = [
  "level",
  "message",
  "sampling_rate",
  "service",
  "timestamp",
  "cold_start",
  "function_arn",
  "function_memory_size",
  "function_name",
  "function_request_id",
  "xray_trace_id",
  "tenant_id",
  "correlation_id",
  "extra",
] as const;

/** Owned by Powertools only when an Error object is logged; a string summary under it is kept. */
export const POWERTOOLS_ERROR_KEY = "error";

export function isReservedLogKey(key: string): boolean {
  return (POWERTOOLS_RESERVED_KEYS as readonly string[]).includes(key);
}

/** `{ cluster, ecsService }` of a service ARN (both names); the ARN itself when it does not parse. */
export function serviceLogKeys(serviceArn: string | undefined): { cluster?: string; ecsService?: string } {
  if (!serviceArn) return {};
  const ref = parseServiceArn(serviceArn);
  if (!ref) return { ecsService: serviceArn };
  return ref.cluster ? { cluster: ref.cluster, ecsService: ref.service } : { ecsService: ref.service };
}

/** Keys of a crash-loop subject (`CrashLoopKey`): its `service` is logged as `ecsService`. */
export function crashLoopLogKeys(key: { cluster: string; service: string; deploymentId: string }) {
  return { cluster: key.cluster, ecsService: key.service, deploymentId: key.deploymentId };
}

const MAX_VALUE = 256;

/**
 * Keys that make a log line findable, read defensively from a raw (not yet validated) event, for
 * `logger.appendKeys`: eventId, detailType, cluster (name), ecsService (name), group, task (ARN),
 * deploymentId. Never the whole event.
 */
export function eventLogKeys(raw: unknown): Record<string, string> {
  if (typeof raw !== "object" || raw === null) return {};
  const event = raw as Record<string, unknown>;
  const detail = (typeof event.detail === "object" && event.detail !== null ? event.detail : {}) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
  const keys: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    const found = text(value);
    if (found) keys[name] = found.slice(0, MAX_VALUE);
  };
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const serviceArn = text(resources.find((r) => typeof r === "string" && r.includes(":service/")));
  const fromService = serviceLogKeys(serviceArn);
  put("eventId", event.id);
  put("detailType", event["detail-type"]);
  put("cluster", arnName(text(detail.clusterArn)) ?? fromService.cluster);
  put("ecsService", fromService.ecsService ?? serviceFromGroup(text(detail.group)));
  put("group", detail.group);
  put("task", detail.taskArn);
  put("deploymentId", detail.deploymentId);
  return keys;
}
