/**
 * Counts every delivery the notification service decides (messages and flood digests, on every channel): the
 * one place all flows' messages pass, so no flow carries the metrics port for this.
 */
import type {
  DeliveryOutcome,
  DigestOutcome,
  NotificationService,
  NotifyOutcome,
} from "../notify/outcomes.js";
import type { ChannelName } from "../notify/port.js";
import { DeliveryError } from "../notify/transports/errors.js";
import { METRIC, type Metrics } from "./port.js";

/** sent | failed | dry-run | a skip's reason (routed-out, duplicate, throttled = counted into a flood, muted). */
export function deliveryOutcomeName(outcome: DeliveryOutcome): string {
  return outcome.status === "skipped" ? outcome.reason : outcome.status;
}

export function recordDeliveries(
  metrics: Metrics,
  channels: Partial<Record<ChannelName, DeliveryOutcome>>,
): void {
  for (const [channel, outcome] of Object.entries(channels)) {
    if (!outcome) continue;
    metrics.count(METRIC.notifications, { channel, outcome: deliveryOutcomeName(outcome) });
    if (outcome.status === "failed") metrics.count(METRIC.deliveryFailures);
  }
}

function recordDigests(metrics: Metrics, digests: readonly DigestOutcome[]): void {
  for (const digest of digests) recordDeliveries(metrics, digest.channels);
}

function recordNotifyOutcome(metrics: Metrics, outcome: Partial<NotifyOutcome>): void {
  if (outcome.digest) recordDigests(metrics, [outcome.digest]);
  recordDeliveries(metrics, outcome.channels ?? {});
}

/**
 * A channel failed: the service throws DeliveryError (Lambda retries the event) carrying what did happen. Its
 * failed channels count as failed even where that report has not recorded them yet.
 */
function recordDeliveryError(metrics: Metrics, error: DeliveryError): void {
  const report = (
    typeof error.outcome === "object" && error.outcome !== null ? error.outcome : {}
  ) as Partial<NotifyOutcome>;
  const channels: Partial<Record<ChannelName, DeliveryOutcome>> = { ...report.channels };
  for (const failure of error.failures)
    if (channels[failure.channel]?.status !== "failed")
      channels[failure.channel] = { status: "failed", error: failure.error.name };
  recordNotifyOutcome(metrics, { ...report, channels });
}

/** The notification service, counting each outcome it returns or its DeliveryError reports, then rethrows. */
export function meteredNotifications(service: NotificationService, metrics: Metrics): NotificationService {
  return {
    async notify(message, meta) {
      try {
        const outcome = await service.notify(message, meta);
        recordNotifyOutcome(metrics, outcome);
        return outcome;
      } catch (error) {
        if (error instanceof DeliveryError) recordDeliveryError(metrics, error);
        throw error;
      }
    },
    async sweepDigests(now) {
      const sweep = await service.sweepDigests(now);
      recordDigests(metrics, sweep.digests);
      return sweep;
    },
  };
}

/** The transports' retry hook (retry-loop.ts names its service "Slack", "Teams", "PagerDuty"). */
export function retryCounter(metrics: Metrics): (service: string) => void {
  return (service) => metrics.count(METRIC.deliveryRetries, { channel: service.toLowerCase() });
}

/** The Slack Web API methods that deliver a message (app mode); usergroups.users.list checks an approver. */
const SLACK_DELIVERY_METHODS: ReadonlySet<string> = new Set(["chat.postMessage", "chat.update"]);

/**
 * The Slack Web API's retry hook (app mode: web-api.ts, after a 429's Retry-After or a backoff), counted on the
 * channel app mode delivers as: `slack`, like the webhook. An approver lookup's retry is no delivery's.
 */
export function slackApiRetryCounter(metrics: Metrics): (method: string) => void {
  return (method) => {
    if (SLACK_DELIVERY_METHODS.has(method)) metrics.count(METRIC.deliveryRetries, { channel: "slack" });
  };
}
