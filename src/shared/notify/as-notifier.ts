/** The notification service behind the one `Notifier` port. */
import type { NotificationService } from "./outcomes.js";
import { CHANNEL_NAMES, type ChannelOutcome, type Notifier } from "./port.js";

/** Adapts the service to the flows' `Notifier` port (one outcome per channel; a DeliveryError propagates). */
export function asNotifier(service: NotificationService): Notifier {
  return async (message, meta) => {
    const { channels } = await service.notify(message, meta);
    const outcomes: ChannelOutcome[] = [];
    for (const channel of CHANNEL_NAMES) {
      const outcome = channels[channel];
      if (!outcome) continue;
      if (outcome.status === "sent") outcomes.push({ channel, status: "sent" });
      else if (outcome.status === "failed")
        outcomes.push({ channel, status: "failed", reason: outcome.error });
      else {
        const reason = outcome.status === "dry-run" ? "dry-run" : outcome.reason;
        outcomes.push({ channel, status: "skipped", reason });
      }
    }
    return outcomes;
  };
}
