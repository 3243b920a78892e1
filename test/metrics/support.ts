/** A metrics sink that keeps every count, to assert what was counted. */
import type { MetricDimensions, Metrics } from "../../src/shared/metrics/port.js";

export interface Counted {
  name: string;
  dimensions: MetricDimensions;
  value: number;
}

export function countingMetrics(): Metrics & { counted: Counted[] } {
  const counted: Counted[] = [];
  return {
    counted,
    count: (name, dimensions = {}, value = 1) => counted.push({ name, dimensions, value }),
    timing: () => {},
  };
}

/**
 * The environment of a handler run with its metrics on and no real AWS: the SDK's calls fail at once on a closed
 * loopback port instead of looking for credentials.
 */
export const METRICS_HANDLER_ENV = {
  ECS_SENTINEL_METRICS: "on",
  ECS_SENTINEL_STAGE: "test",
  POWERTOOLS_SERVICE_NAME: "ecs-sentinel",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  AWS_REGION: "us-west-2",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_ENDPOINT_URL: "http://127.0.0.1:9",
} as const;
