/**
 * The metrics port: what the composition and the handler edge count. Lambda writes CloudWatch embedded metric
 * format (src/app/metrics.ts); the CLI, `replay --dry-run` and tests get `noMetrics` unless they ask.
 */

/** A metric's dimensions: a few keys with values from a closed set (every combination is billed as a metric). */
export type MetricDimensions = Readonly<Record<string, string>>;

export interface Metrics {
  /** Adds `value` (default 1) to a count. */
  count(name: MetricName, dimensions?: MetricDimensions, value?: number): void;
  /** Records a duration in milliseconds. */
  timing(name: MetricName, milliseconds: number, dimensions?: MetricDimensions): void;
}

/** What a Lambda invocation writes once at its end (the adapter buffers until then). */
export interface FlushableMetrics extends Metrics {
  flush(): void;
}

export const noMetrics: FlushableMetrics = { count() {}, timing() {}, flush() {} };

/**
 * Every metric ecs-sentinel emits (namespace ECSSentinel); docs/monitoring.md says what each means and
 * infra/monitoring.cjs graphs them. A closed list keeps the bill predictable.
 */
export const METRIC = {
  /** An event a handler received, by `kind` (its detail-type). */
  events: "Events",
  /** An event dropped without action, by `reason`. */
  eventsDropped: "EventsDropped",
  /** A stopped task diagnosed, by `category`. */
  diagnoses: "Diagnoses",
  /** A message (or digest) on one channel, by `channel` and `outcome`. */
  notifications: "Notifications",
  /**
   * A failed delivery on any channel, without channel or outcome: the one series the delivery-failure alarm
   * watches (an alarm cannot sum a search over Notifications' dimensions).
   */
  deliveryFailures: "DeliveryFailures",
  /** Another HTTP attempt of a channel's delivery, by `channel` (the webhooks and Slack's Web API alike). */
  deliveryRetries: "DeliveryRetries",
  /**
   * Another attempt of an AWS SDK call (a throttle, a 5xx, a network error), by `awsService`: not `service`,
   * which every metric already carries as the function's service name.
   */
  awsRetries: "AwsRetries",
  /** A rollback decision, by `outcome` and `reason` (the decision's code). */
  rollbacks: "RollbackDecisions",
  /** A job run's step, by `outcome`. */
  jobs: "JobRuns",
  /** One invocation's duration, by `function`. */
  handlerLatency: "HandlerLatency",
  /** The first invocation of a container, by `function`. */
  coldStarts: "ColdStarts",
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
