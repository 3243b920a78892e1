/**
 * One pending digest out: routed like any message, sent exactly once under its own dedupe key, and its count
 * settled (marked reported) once delivered. Used before the next message of its key (send.ts) and by the
 * sweep of ended windows (digest-sweep.ts).
 */
import { routeChannels } from "./channel-plan.js";
import { deliverOnce } from "./deliver-once.js";
import type { DigestOutcome } from "./outcomes.js";
import type { ServiceContext } from "./service-context.js";
import type { PendingDigest } from "./store/types.js";
import { digestThread } from "./threads/keys.js";
import { DeliveryError } from "./transports/errors.js";

/** Throws DeliveryError with this digest's DigestOutcome as `outcome` when a channel failed. */
export async function sendDigest(ctx: ServiceContext, digest: PendingDigest): Promise<DigestOutcome> {
  const message = await ctx.renderDigest(digest);
  const routed = await routeChannels(ctx, message, digest.serviceArn);
  const { outcome } = routed;
  // A digest tells people how many more there were; it is no new page (the first message opened the incident).
  const targets = routed.targets.filter((channel) => channel !== "pagerduty");
  if (routed.targets.includes("pagerduty")) outcome.pagerduty = { status: "skipped", reason: "routed-out" };
  const result: DigestOutcome = {
    throttleKey: digest.throttleKey,
    count: digest.count,
    channels: outcome,
    settled: false,
  };
  try {
    const state =
      targets.length === 0
        ? "done"
        : await deliverOnce(ctx, message, targets, digest.dedupeKey, outcome, undefined, undefined, {
            thread: digestThread(digest),
          });
    if (state === "done") {
      await ctx.store.settleDigest(digest);
      result.settled = true;
    }
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    throw new DeliveryError(error.failures, result);
  }
  return result;
}
