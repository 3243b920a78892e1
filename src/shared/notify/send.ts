/**
 * One message through the pipeline: route -> de-duplicate -> throttle -> context -> deliver -> record.
 *
 *   1. routing (severity minimums, service tags) picks the channels; none -> nothing is written
 *   2. claim the dedupe key: a copy of an event already done or in flight is skipped as duplicate
 *   3. flood control (only with a throttleKey), in the claim's own write: the first message of a window is
 *      sent, the rest counted; the verdict is stored with the claim, so a retry does not count itself a second
 *      time. The event's rows (a stop's history, `meta.rows`) are written in the same write where it can
 *   4. a digest due for the same key (window ended) goes out first, then the message
 *   5. deliver to every channel not delivered before; success completes the claim, failure releases
 *      it and throws DeliveryError so Lambda retries (only the failed channels) or dead-letters
 *
 * Dry-run renders and returns what would be sent; it neither sends nor writes state.
 */
import { routeChannels } from "./channel-plan.js";
import { deliverOnce, type FloodControl } from "./deliver-once.js";
import type { Message } from "./message.js";
import type { DigestOutcome, NotifyOutcome } from "./outcomes.js";
import type { NotifyMeta, ProblemRef } from "./port.js";
import { sendDigest } from "./send-digest.js";
import type { ServiceContext } from "./service-context.js";
import type { ThrottleSubject } from "./store/types.js";
import type { ThreadMeta } from "./threads/types.js";
import { DeliveryError } from "./transports/errors.js";

/** `service:api` / `family:nightly` for the digest, from the message (the throttle key itself is opaque). */
function groupOf(message: Message, scope: string): string {
  if (message.service) return `service:${message.service}`;
  if (message.family) return `family:${message.family}`;
  return scope;
}

/**
 * Flood control for one event (step 3-4): without a throttle key every message is sent; with one, the store
 * counts it into its window as it claims it, and a digest of the window that ended is sent first (into
 * `result.digest`).
 */
function floodControl(
  ctx: ServiceContext,
  message: Message,
  meta: NotifyMeta,
  result: NotifyOutcome,
): FloodControl | undefined {
  const { clock, logger } = ctx;
  const throttleKey = meta.throttleKey;
  if (!throttleKey) return undefined;
  const subject: ThrottleSubject = {
    kind: message.kind,
    category: message.category,
    scope: throttleKey,
    group: groupOf(message, throttleKey),
    severity: message.severity,
    service: message.service,
    cluster: message.cluster,
    serviceArn: meta.serviceArn,
  };
  // Windows run on the event's own time (capped by the clock: a future-dated event must not hold a
  // window open), so a replay counts what the live run counted.
  const now = Math.min(Number.isFinite(meta.occurredAt) ? Number(meta.occurredAt) : clock(), clock());
  const stop = meta.taskArn ? { taskArn: meta.taskArn, at: now } : undefined;
  return {
    hit: { subject, now, windowMs: ctx.throttleWindowMs, ...(stop ? { stop } : {}) },
    // The digest of the ended window goes first; if it fails the sweep retries it, the message still goes.
    sendDigestFirst: async (digest) => {
      try {
        result.digest = await sendDigest(ctx, digest);
      } catch (error) {
        logger.error("Digest delivery failed; the sweep will retry it", {
          throttleKey: digest.throttleKey,
          error: error instanceof Error ? error.message : String(error),
        });
        result.digest =
          error instanceof DeliveryError && error.outcome
            ? (error.outcome as DigestOutcome)
            : { throttleKey: digest.throttleKey, count: digest.count, channels: {}, settled: false };
      }
    },
  };
}

/** Incident threads go quiet after the flood window: the next stop after a quiet window opens a new thread. */
function withIdle(thread: ThreadMeta | undefined, windowMs: number): ThreadMeta | undefined {
  if (!thread) return undefined;
  return {
    ...thread,
    idleMs: thread.idleMs ?? (thread.incident ? windowMs : undefined),
    fallback: withIdle(thread.fallback, windowMs),
  };
}

const CARD_KINDS = new Set<Message["kind"]>(["deployment", "deployment-review", "rollback"]);

/** Whether the message changes a deployment's card (app mode keeps those cards current at any severity). */
function hasDeploymentCard(message: Message, meta: NotifyMeta): boolean {
  return CARD_KINDS.has(message.kind) && meta.thread?.patch !== undefined;
}

/**
 * The problem a message belongs to for PagerDuty: the flow's own, else a stopped task's flood-control group (a
 * flood is one incident, closed when the group stays quiet for the window). A message of no problem (a review's
 * advice, a digest) never pages: an incident nothing would resolve is noise.
 */
function problemOf(ctx: ServiceContext, message: Message, meta: NotifyMeta): ProblemRef | undefined {
  const now = ctx.clock();
  const seenAt = Math.min(Number.isFinite(meta.occurredAt) ? Number(meta.occurredAt) : now, now);
  if (meta.problem) return { ...meta.problem, seenAt };
  if (message.severity === "info" || message.kind !== "task-stopped" || !meta.throttleKey) return undefined;
  return { key: `flood:${meta.throttleKey}`, quietAfterMs: ctx.throttleWindowMs, seenAt };
}

/** Sends one message; throws DeliveryError with the NotifyOutcome as `outcome` when a channel failed. */
export async function sendMessage(
  ctx: ServiceContext,
  unnamed: Message,
  meta: NotifyMeta,
): Promise<NotifyOutcome> {
  const name = unnamed.account ? ctx.accountNames[unnamed.account] : undefined;
  const message = name && !unnamed.accountName ? { ...unnamed, accountName: name } : unnamed;
  const problem = problemOf(ctx, message, meta);
  const { outcome, targets, slack } = await routeChannels(
    ctx,
    message,
    meta.serviceArn,
    hasDeploymentCard(message, meta),
    { resolvesProblem: problem?.resolve === true },
  );
  if (!problem && targets.includes("pagerduty")) {
    targets.splice(targets.indexOf("pagerduty"), 1);
    outcome.pagerduty = { status: "skipped", reason: "routed-out" };
  }
  if (targets.length === 0) return { channels: outcome };

  if (ctx.dryRun) {
    const rendering = await ctx.rendering();
    for (const channel of targets) {
      const payload = rendering.renderFor(channel, message, { thread: meta.thread, problem });
      outcome[channel] = { status: "dry-run", payload };
    }
    return { channels: outcome };
  }

  const result: NotifyOutcome = { channels: outcome };
  try {
    await deliverOnce(
      ctx,
      message,
      targets,
      meta.dedupeKey,
      outcome,
      floodControl(ctx, message, meta, result),
      meta.prepare,
      {
        thread: withIdle(meta.thread, ctx.throttleWindowMs),
        channel: slack.channel,
        cardOnly: slack.cardOnly,
        problem,
      },
      meta.rows,
    );
  } catch (error) {
    if (error instanceof DeliveryError) throw new DeliveryError(error.failures, result);
    throw error;
  }
  return result;
}
