/** The Lambda logger (Powertools): JSON lines with the function's context; created once per container. */
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogAttributes } from "@aws-lambda-powertools/logger/types";
import type { Log } from "./log.js";

export const logger = new Logger({ serviceName: "ecs-sentinel" });

/** The logger behind the Log port (extra fields are plain objects). */
export const lambdaLog: Log = {
  debug: (message, ...extra) => logger.debug(message, ...(extra as LogAttributes[])),
  info: (message, ...extra) => logger.info(message, ...(extra as LogAttributes[])),
  warn: (message, ...extra) => logger.warn(message, ...(extra as LogAttributes[])),
  error: (message, ...extra) => logger.error(message, ...(extra as LogAttributes[])),
};

/** Keys that make a log line findable, read defensively from a raw (not yet validated) event. */
export function eventLogKeys(raw: unknown): Record<string, string> {
  if (typeof raw !== "object" || raw === null) return {};
  const event = raw as Record<string, unknown>;
  const detail = (typeof event.detail === "object" && event.detail !== null ? event.detail : {}) as Record<
    string,
    unknown
  >;
  const keys: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    if (typeof value === "string" && value) keys[name] = value.slice(0, 256);
  };
  put("eventId", event.id);
  put("detailType", event["detail-type"]);
  put("cluster", detail.clusterArn);
  put("group", detail.group);
  put("task", detail.taskArn);
  const resources = Array.isArray(event.resources) ? event.resources : [];
  put(
    "service",
    resources.find((r) => typeof r === "string" && r.includes(":service/")),
  );
  return keys;
}
