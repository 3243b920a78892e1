/**
 * The sweep of pending digests: sends the digests of ended flood windows that no later message of their key
 * has reported. One window's failure is logged and left for the next sweep; near the deadline the rest are
 * deferred to it.
 */
import { errorSummary } from "../aws-errors.js";
import type { DigestOutcome, SweepOutcome } from "./outcomes.js";
import { sendDigest } from "./send-digest.js";
import type { ServiceContext } from "./service-context.js";
import { DeliveryError } from "./transports/errors.js";

/** The sweep stops starting new digests when less than this is left of the invocation. */
const SWEEP_RESERVE_MS = 5_000;

export async function sweepDigests(ctx: ServiceContext, now: number): Promise<SweepOutcome> {
  const { store, deadline } = ctx;
  const sweep: SweepOutcome = { pointers: 0, digests: [], failed: 0, deferred: 0 };
  const pointers = await store.duePointers(now);
  sweep.pointers = pointers.length;
  for (const pointer of pointers) {
    if (deadline && deadline() < SWEEP_RESERVE_MS) {
      sweep.deferred++;
      continue;
    }
    try {
      const { digest, keep } = await store.closeDue(pointer, now);
      if (keep) continue;
      if (!digest) {
        await store.dropPointer(pointer);
        continue;
      }
      const sent = await sendDigest(ctx, digest);
      sweep.digests.push(sent);
      if (sent.settled) await store.dropPointer(pointer);
    } catch (error) {
      sweep.failed++;
      if (error instanceof DeliveryError && error.outcome) sweep.digests.push(error.outcome as DigestOutcome);
      ctx.logger.error("Digest sweep failed for a window; the next sweep retries it", {
        throttleKey: pointer.throttleKey,
        error: errorSummary(error),
      });
    }
  }
  return sweep;
}
