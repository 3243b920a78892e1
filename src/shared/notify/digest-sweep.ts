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
  sweep.resolved = await resolveQuietProblems(ctx, now);
  return sweep;
}

/**
 * Incidents that end by going quiet (a crash loop, a flood): resolved in PagerDuty once nothing of them was seen
 * for the flood window. A failure is logged and left for the next sweep.
 */
async function resolveQuietProblems(ctx: ServiceContext, now: number): Promise<string[]> {
  const pagerduty = ctx.channels.pagerduty;
  if (!pagerduty || ctx.dryRun) return [];
  const resolved: string[] = [];
  for (const problem of await ctx.problems.quiet(now)) {
    if (ctx.deadline && ctx.deadline() < SWEEP_RESERVE_MS) break;
    try {
      await pagerduty.resolve(problem.key);
      await ctx.problems.closed(problem.key);
      resolved.push(problem.key);
      ctx.logger.info("Resolved a quiet incident in PagerDuty", { problem: problem.key });
    } catch (error) {
      ctx.logger.error("Could not resolve a quiet incident; the next sweep retries", {
        problem: problem.key,
        error: errorSummary(error),
      });
    }
  }
  return resolved;
}
