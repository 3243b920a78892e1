/**
 * Counts every delivery the notification service decides (messages and flood digests, on every channel): the
 * one place all flows' messages pass, so no flow carries the metrics port for this.
 */
import type { DeliveryOutcome, DigestOutcome, NotificationService } from "../notify/outcomes.js";
import type { ChannelName } from "../notify/port.js";
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

/** The notification service, counting each outcome it returns (a thrown delivery error is the handler's). */
export function meteredNotifications(service: NotificationService, metrics: Metrics): NotificationService {
  return {
    async notify(message, meta) {
      const outcome = await service.notify(message, meta);
      if (outcome.digest) recordDigests(metrics, [outcome.digest]);
      recordDeliveries(metrics, outcome.channels);
      return outcome;
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
