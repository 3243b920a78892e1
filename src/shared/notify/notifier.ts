/**
 * The notification service the composition builds and handlers call (through asNotifier): it composes the
 * pipeline for one message (send.ts: route -> de-duplicate -> throttle -> context -> deliver -> record) and
 * the sweep of pending digests (digest-sweep.ts) over one shared context (service-context.ts).
 *
 *   notify(message, meta)  one message; see send.ts for the steps
 *   sweepDigests(now)      digests of ended windows that no later message has reported
 *
 * Dry-run renders and returns what would be sent; it neither sends nor writes state.
 */
import { sweepDigests } from "./digest-sweep.js";
import type { NotificationService } from "./outcomes.js";
import type { NotifyMeta } from "./port.js";
import { sendMessage } from "./send.js";
import { type NotificationServiceDeps, serviceContext } from "./service-context.js";

export type { NotificationServiceDeps, NotifyMeta };

export function buildNotificationService(deps: NotificationServiceDeps): NotificationService {
  const ctx = serviceContext(deps);
  return {
    notify: (message, meta) => sendMessage(ctx, message, meta),
    sweepDigests: async (now = ctx.clock()) => sweepDigests(ctx, now),
  };
}
