/**
 * ecs-sentinel's own metrics as CloudWatch embedded metric format (EMF): JSON lines on stdout that CloudWatch
 * Logs turns into metrics. No API call and no IAM permission; the lines are billed as log ingestion and each
 * metric name × dimension combination as a custom metric (docs/monitoring.md has the cost).
 * EMF: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * Powertools Metrics: https://docs.aws.amazon.com/powertools/typescript/latest/features/metrics/
 */
import { MetricUnit, Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import type { Log } from "../shared/log.js";
import {
  type FlushableMetrics,
  METRIC,
  type MetricDimensions,
  type MetricName,
  type Metrics,
  noMetrics,
} from "../shared/metrics/port.js";
import { countAwsRetries } from "./aws-retries.js";
import { lambdaLog } from "./logger.js";

/**
 * What the job handlers count from their results (handlers import only src/app and the flows). The event
 * handlers' recorder is metrics-events.ts: it reads the event schemas' detail-types, which the others never load.
 */
export { recordRunJob, recordWatchdog } from "../shared/metrics/jobs.js";

export const METRICS_NAMESPACE = "ECSSentinel";

/** ECS_SENTINEL_METRICS is neither `on` nor `off`: the function fails its start naming the variable. */
export class MetricsSettingError extends Error {
  override readonly name = "MetricsSettingError";
  constructor(value: string) {
    super(`ECS_SENTINEL_METRICS must be "on" or "off", not "${value}"`);
  }
}

/**
 * Metrics are on only when asked for (`ECS_SENTINEL_METRICS=on`, which the stack sets): the CLI, local runs and
 * tests emit nothing by default. Unset or empty = off.
 */
export function metricsEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = (env.ECS_SENTINEL_METRICS ?? "").trim().toLowerCase();
  if (value === "on") return true;
  if (value === "off" || value === "") return false;
  throw new MetricsSettingError(value);
}

export interface EmfMetricsOptions {
  /** The `service` dimension of every metric (POWERTOOLS_SERVICE_NAME). */
  serviceName: string;
  /** The `stage` dimension of every metric: stages deployed in one account and region stay apart. */
  stage?: string;
  /** Where each EMF line goes; stdout in Lambda (CloudWatch Logs reads it from there). */
  write?: (line: string) => void;
  clock?: () => number;
  log?: Log;
}

interface Entry {
  name: MetricName;
  unit: (typeof MetricUnit)[keyof typeof MetricUnit];
  dimensions: MetricDimensions;
  values: number[];
}

const dimensionsKey = (dimensions: MetricDimensions) =>
  JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Buffers counts (summed) and timings until `flush`, which writes one EMF line per combination of dimensions:
 * an EMF document carries one value per dimension, so `channel=slack` and `channel=email` need a line each.
 */
export function emfMetrics(options: EmfMetricsOptions): FlushableMetrics {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? Date.now;
  const log = options.log ?? lambdaLog;
  const emf = new PowertoolsMetrics({
    namespace: METRICS_NAMESPACE,
    serviceName: options.serviceName,
    ...(options.stage ? { defaultDimensions: { stage: options.stage } } : {}),
    logger: {
      debug: (...content) => log.debug(String(content[0])),
      info: (...content) => log.info(String(content[0])),
      warn: (...content) => log.warn(String(content[0])),
      error: (...content) => log.error(String(content[0])),
    },
  });
  let buffer = new Map<string, Entry>();

  const entry = (name: MetricName, unit: Entry["unit"], dimensions: MetricDimensions): Entry => {
    const key = `${name}\u0000${dimensionsKey(dimensions)}`;
    let found = buffer.get(key);
    if (!found) {
      found = { name, unit, dimensions, values: [] };
      buffer.set(key, found);
    }
    return found;
  };

  return {
    count(name, dimensions = {}, value = 1) {
      const counted = entry(name, MetricUnit.Count, dimensions);
      counted.values[0] = (counted.values[0] ?? 0) + value;
    },
    timing(name, milliseconds, dimensions = {}) {
      entry(name, MetricUnit.Milliseconds, dimensions).values.push(milliseconds);
    },
    flush() {
      const groups = new Map<string, Entry[]>();
      for (const item of buffer.values()) {
        const key = dimensionsKey(item.dimensions);
        groups.set(key, [...(groups.get(key) ?? []), item]);
      }
      buffer = new Map();
      for (const items of groups.values()) {
        try {
          for (const [name, value] of Object.entries(items[0]?.dimensions ?? {}))
            emf.addDimension(name, value);
          for (const item of items)
            for (const value of item.values) emf.addMetric(item.name, item.unit, value);
          emf.setTimestamp(clock());
          write(JSON.stringify(emf.serializeMetrics()));
        } finally {
          emf.clearMetrics();
          emf.clearDimensions();
        }
      }
    },
  };
}

let containerMetrics: FlushableMetrics | undefined;

/**
 * The metrics of this Lambda container, from its environment at cold start: EMF when ECS_SENTINEL_METRICS=on
 * (the AWS SDK clients' retries included), else nothing. A bad value throws MetricsSettingError (the function
 * fails its start loudly).
 */
export function lambdaMetrics(env: NodeJS.ProcessEnv = process.env): FlushableMetrics {
  if (containerMetrics) return containerMetrics;
  if (!metricsEnabled(env)) {
    containerMetrics = noMetrics;
    return containerMetrics;
  }
  const metrics = emfMetrics({
    serviceName: env.POWERTOOLS_SERVICE_NAME || "ecs-sentinel",
    ...(env.ECS_SENTINEL_STAGE ? { stage: env.ECS_SENTINEL_STAGE } : {}),
  });
  countAwsRetries(metrics);
  containerMetrics = metrics;
  return metrics;
}

export interface WithMetricsOptions {
  metrics?: FlushableMetrics;
  clock?: () => number;
  log?: Log;
}

/** Metrics never change an invocation's result: a failure to count is logged, not thrown. */
function quietly(log: Log, what: string, action: () => void): void {
  try {
    action();
  } catch (error) {
    log.warn(`metrics: could not ${what}`, {
      problem: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * The metrics wrapper of every handler: counts what the invocation's result came to (`record`), its latency
 * and the container's first invocation, and flushes once at the end — also when the handler throws.
 */
export function withMetrics<E, R>(
  functionName: string,
  handler: (event: E, context: Context) => Promise<R>,
  record?: (metrics: Metrics, event: E, result: R) => void,
  options: WithMetricsOptions = {},
): (event: E, context: Context) => Promise<R> {
  const metrics = options.metrics ?? lambdaMetrics();
  const clock = options.clock ?? Date.now;
  const log = options.log ?? lambdaLog;
  const dimensions = { function: functionName };
  let coldStart = true;
  return async (event, context) => {
    const startedAt = clock();
    if (coldStart) metrics.count(METRIC.coldStarts, dimensions);
    coldStart = false;
    try {
      const result = await handler(event, context);
      if (record) quietly(log, "count the result", () => record(metrics, event, result));
      return result;
    } finally {
      // A throw is counted by Lambda itself (AWS/Lambda Errors, free): no metric of ours repeats it.
      metrics.timing(METRIC.handlerLatency, clock() - startedAt, dimensions);
      quietly(log, "flush", () => metrics.flush());
    }
  };
}
