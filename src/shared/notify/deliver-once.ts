/**
 * Steps 2-5 of sending a message, around one dedupe claim: claim the key (a copy already done or in flight is
 * skipped as duplicate) — for a message with a throttle key together with flood control's verdict and the
 * event's own rows, in one write when it is counted — gather costly context, deliver to every channel not
 * delivered before, then complete the claim — or release it and throw DeliveryError, so a retry posts only to
 * the channels that failed.
 */
import { randomUUID } from "node:crypto";
import { ModuleLoadError } from "../load-once.js";
import type { ChannelOutcomes } from "./channel-plan.js";
import { type ChannelDelivery, type DeliveryReport, deliver } from "./deliver.js";
import type { Message, SlackPayload } from "./message.js";
import type { DeliveryOutcome } from "./outcomes.js";
import type { ChannelName, ProblemRef } from "./port.js";
import type { ChatbotNotification } from "./render/chatbot.js";
import type { TeamsPayload } from "./render/teams-card.js";
import type { Rendering, ServiceContext } from "./service-context.js";
import { slackErrorAction } from "./slack-app/errors-of.js";
import type { SlackRoute } from "./slack-app/thread-delivery.js";
import type { ClaimRequest, EventRows, PendingDigest, ThrottleHit, ThrottleVerdict } from "./store/types.js";
import { DeliveryError, PagerDutyRejectedError, TeamsRejectedError } from "./transports/errors.js";

const MIN_LEASE_MS = 30_000;
const MAX_LEASE_MS = 15 * 60_000;
const DEFAULT_LEASE_MS = 5 * 60_000;
/** How long a delivered channel waits for the others before its delivery is saved on its own. */
export const RECORD_GRACE_MS = 1_000;

/** The channels of one attempt still being delivered, and a wait for all of them that gives up after a while. */
function inFlightChannels(count: number) {
  let left = count;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  if (left === 0) allDone();
  return {
    track: async (sending: Promise<void>): Promise<void> => {
      try {
        await sending;
      } finally {
        left--;
        if (left === 0) allDone();
      }
    },
    allSettledWithin: (ms: number): Promise<boolean> =>
      new Promise<boolean>((resolve) => {
        if (left === 0) return resolve(true);
        const timer = setTimeout(() => resolve(false), ms);
        timer.unref?.();
        void done.then(() => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
  };
}

/** Flood control of a message with a throttle key: what the store is asked, and how a due digest goes out. */
export interface FloodControl {
  hit: ThrottleHit;
  /** Sends the digest of the window that ended, before the message; never throws (the sweep retries it). */
  sendDigestFirst: (digest: PendingDigest) => Promise<void>;
}

/** Adds costly context to a message that really goes out. */
export type Prepare = (message: Message) => Promise<Message>;

/** A lease as long as this invocation can live, so it never outlasts the attempt holding it. */
function leaseMs(ctx: ServiceContext): number {
  const remaining = ctx.deadline?.();
  if (remaining === undefined || !Number.isFinite(remaining)) return DEFAULT_LEASE_MS;
  return Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, remaining + 5_000));
}

/** Where and how a message goes: its Slack conversation and route, and the problem it belongs to. */
export interface DeliveryRoute extends SlackRoute {
  problem?: ProblemRef;
}

/** PagerDuty: a trigger opens (or adds to) the problem's incident; a resolve closes it only if it is open. */
async function sendToPagerDuty(ctx: ServiceContext, message: Message, problem: ProblemRef | undefined) {
  const pagerduty = ctx.channels.pagerduty;
  if (!pagerduty || !problem) return;
  if (problem.resolve) {
    if (!(await ctx.problems.isOpen(problem.key))) return;
    await pagerduty.resolve(problem.key);
    await ctx.problems.closed(problem.key);
    return;
  }
  await pagerduty.trigger(message, problem.key);
  await ctx.problems.opened(problem.key, problem.seenAt ?? ctx.clock(), problem.quietAfterMs);
}

function channelSender(
  ctx: ServiceContext,
  rendering: Rendering,
  channel: ChannelName,
  message: Message,
  route: DeliveryRoute,
): ChannelDelivery {
  const rendered = () =>
    rendering.renderFor(channel, message, { thread: route.thread, problem: route.problem });
  return {
    channel,
    send: async () => {
      switch (channel) {
        case "email":
          await ctx.channels.email?.(rendering.email(message));
          return;
        case "slack":
          if (ctx.channels.slackApp) await ctx.channels.slackApp.deliver(message, route);
          else await ctx.channels.slack?.(rendered() as SlackPayload);
          return;
        case "pagerduty":
          await sendToPagerDuty(ctx, message, route.problem);
          return;
        case "teams":
          await ctx.channels.teams?.(rendered() as TeamsPayload);
          return;
        case "chatbot":
          await ctx.channels.chatbot?.(rendered() as ChatbotNotification);
          return;
      }
    },
  };
}

/** A flood-controlled occurrence keeps its open incident alive (it is not quiet); a failure loses nothing. */
async function touchProblem(ctx: ServiceContext, targets: ChannelName[], route: DeliveryRoute) {
  const problem = route.problem;
  if (!problem || problem.resolve || !targets.includes("pagerduty") || !ctx.channels.pagerduty) return;
  await ctx.problems.seen(problem.key, problem.seenAt ?? ctx.clock()).catch((error: unknown) => {
    ctx.logger.warn("Could not record that an open incident was seen again", {
      problem: problem.key,
      error: error instanceof Error ? error.message : String(error),
    });
  });
}

/** A counted event still counts on its Slack thread's card (app mode); a failure here loses no message. */
async function touchThread(ctx: ServiceContext, message: Message, targets: ChannelName[], route: SlackRoute) {
  if (!ctx.channels.slackApp || !route.thread || !targets.includes("slack")) return;
  await ctx.channels.slackApp.touch(message, route).catch((error: unknown) => {
    ctx.logger.warn("Could not count a flood-controlled event on its Slack thread", {
      thread: route.thread?.key,
      error: error instanceof Error ? error.message : String(error),
    });
  });
}

/**
 * Slack (app mode) refused the message for good — bad token, unusable channel, payload refused — so retrying
 * the event cannot help: email takes it (unless it already had it). True when email now has the message.
 */
async function emailInstead(
  ctx: ServiceContext,
  rendering: Rendering,
  message: Message,
  report: DeliveryReport,
  targets: ChannelName[],
): Promise<boolean> {
  const slack = report.results.slack;
  if (slack?.status !== "failed") return false;
  const action = slackErrorAction(slack.error);
  if (action !== "auth" && action !== "channel" && action !== "payload") return false;
  const others = Object.entries(report.results).filter(([channel]) => channel !== "slack");
  if (others.some(([, result]) => result.status === "failed")) return false;
  if (targets.includes("email")) return report.results.email !== undefined;
  if (!ctx.channels.email) return false;
  await ctx.channels.email(rendering.email(message));
  report.results.email = { status: "sent" };
  report.delivered.push("email");
  ctx.logger.error("Slack refused the message for good; it went to email instead", {
    error: `${slack.error.name}: ${slack.error.message}`,
  });
  return true;
}

function mark(outcome: ChannelOutcomes, channels: ChannelName[], value: DeliveryOutcome) {
  for (const channel of channels) outcome[channel] = value;
}

/** A failed preparation never costs the message: it goes out as it was (unless a module would not load). */
async function prepareSafely(ctx: ServiceContext, prepare: Prepare, message: Message) {
  try {
    return await prepare(message);
  } catch (error) {
    // A module that would not load is a broken bundle: the event fails (claim released) and is retried.
    if (error instanceof ModuleLoadError) throw error;
    ctx.logger.warn("Could not add context to the message; sending it without", {
      error: error instanceof Error ? error.message : String(error),
    });
    return message;
  }
}

/**
 * Claims `dedupeKey`, delivers `message` to `targets` not yet delivered, and completes or releases the
 * claim. With `flood`, the store decides once per event (not on retries) whether it is sent or counted,
 * in the same write as the claim. Fills in `outcome` for every target.
 */
export async function deliverOnce(
  ctx: ServiceContext,
  message: Message,
  targets: ChannelName[],
  dedupeKey: string,
  outcome: ChannelOutcomes,
  flood: FloodControl | undefined,
  prepare?: Prepare,
  route: DeliveryRoute = {},
  /** Rows of the event (a stop's history) written with its claim where the store can; see EventRows. */
  rows?: EventRows,
): Promise<"done" | "in-flight"> {
  const { store, clock, logger } = ctx;
  const owner = randomUUID();
  const request: ClaimRequest = { owner, now: clock(), leaseMs: leaseMs(ctx) };
  const claim = flood
    ? await store.claimThrottled(dedupeKey, request, flood.hit, rows?.items)
    : { ...(await store.claim(dedupeKey, request)), rowsWritten: false };
  // A duplicate's rows are written when the claim that first took the event wrote them with it.
  if (rows && claim.rowsWritten) rows.written = true;
  if (claim.status === "duplicate") {
    mark(outcome, targets, { status: "skipped", reason: "duplicate" });
    return claim.state;
  }
  if (claim.status === "counted") {
    await touchThread(ctx, message, targets, route);
    await touchProblem(ctx, targets, route);
    mark(outcome, targets, { status: "skipped", reason: "throttled" });
    return "done";
  }
  // A message without flood control is sent; a retry keeps the verdict its first attempt stored.
  const verdict: ThrottleVerdict = claim.verdict ?? "send";
  // What this attempt delivered, kept with the released claim if a later step fails.
  let deliveredNow: ChannelName[] = [];
  try {
    if (verdict === "counted") {
      // An attempt that counted the event and failed before completing it: complete it now.
      await store.complete(dedupeKey, verdict, [], clock());
      mark(outcome, targets, { status: "skipped", reason: "throttled" });
      return "done";
    }
    const digest = "digest" in claim ? claim.digest : undefined;
    if (digest && flood) await flood.sendDigestFirst(digest);
    // Context that costs AWS calls is gathered only now, for a message that really goes out.
    const prepared = prepare ? await prepareSafely(ctx, prepare, message) : message;
    // A preparation that rebuilds the message keeps what the pipeline added (the account's name).
    const ready =
      message.accountName && !prepared.accountName
        ? { ...prepared, accountName: message.accountName }
        : prepared;
    // Rendering loads only for a message that goes out (a counted or duplicate stop never renders).
    const rendering = await ctx.rendering();
    const sendVerdict = verdict;
    // A success is saved at once only when another channel is still in flight a moment later (a crash then
    // re-sends only what was not saved); channels that finish together are saved by the completing (or
    // releasing) write, so a message to Slack and email costs no more writes than one to Slack alone.
    const pending = targets.filter((channel) => !claim.delivered.includes(channel));
    const inFlight = inFlightChannels(pending.length);
    const senders = targets.map((channel) => {
      const sender = channelSender(ctx, rendering, channel, ready, route);
      return { channel, send: () => inFlight.track(sender.send()) };
    });
    const report = await deliverOrEmail(ctx, rendering, ready, targets, senders, {
      alreadyDelivered: claim.delivered,
      logger,
      onDelivered: async (channel) => {
        if (await inFlight.allSettledWithin(RECORD_GRACE_MS)) return;
        await store.recordDelivered(dedupeKey, channel, sendVerdict, clock());
      },
    });
    for (const [channel, result] of Object.entries(report.results)) {
      outcome[channel as ChannelName] =
        result.status === "sent"
          ? { status: "sent" }
          : result.status === "failed"
            ? { status: "failed", error: `${result.error.name}: ${result.error.message}` }
            : { status: "skipped", reason: "duplicate" };
      if (result.status === "sent") deliveredNow.push(channel as ChannelName);
    }
    await store.complete(dedupeKey, verdict, report.delivered, clock());
    return "done";
  } catch (error) {
    if (error instanceof DeliveryError) {
      const report = error.outcome as DeliveryReport;
      for (const [channel, result] of Object.entries(report.results)) {
        outcome[channel as ChannelName] =
          result.status === "sent"
            ? { status: "sent" }
            : result.status === "failed"
              ? { status: "failed", error: `${result.error.name}: ${result.error.message}` }
              : { status: "skipped", reason: "duplicate" };
      }
      deliveredNow = Object.entries(report.results)
        .filter(([, result]) => result.status === "sent")
        .map(([channel]) => channel as ChannelName);
    }
    await store.release(dedupeKey, owner, verdict, clock(), deliveredNow).catch((releaseError: unknown) => {
      logger.error("Could not release the claim; a retry waits for the lease to expire", {
        dedupeKey,
        error: releaseError instanceof Error ? releaseError.message : String(releaseError),
      });
    });
    throw error;
  }
}

/** `deliver`, where a permanent Slack refusal that email covered does not fail the event. */
async function deliverOrEmail(
  ctx: ServiceContext,
  rendering: Rendering,
  message: Message,
  targets: ChannelName[],
  deliveries: ChannelDelivery[],
  options: Parameters<typeof deliver>[1],
): Promise<DeliveryReport> {
  try {
    return await deliver(deliveries, options);
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    const report = error.outcome as DeliveryReport;
    const covered = await emailInstead(ctx, rendering, message, report, targets).catch(
      (emailError: unknown) => {
        ctx.logger.error("Email could not take the message Slack refused", {
          error: emailError instanceof Error ? emailError.message : String(emailError),
        });
        return false;
      },
    );
    if (covered) return report;
    if (error.failures.every((failure) => isRefusedForGood(failure.error))) {
      for (const failure of error.failures)
        ctx.logger.error("The channel refused the message for good; it is not retried", {
          channel: failure.channel,
          error: `${failure.error.name}: ${failure.error.message}`,
        });
      return report;
    }
    throw error;
  }
}

/**
 * PagerDuty's "invalid event" and Teams' refusal of the card itself (400, 413): the same message would be refused
 * again, so retrying the event only delays the channels that took it. Authorization and not-found answers are
 * retried (a revoked URL or key may be fixed meanwhile; the dead-letter queue keeps the event).
 */
function isRefusedForGood(error: Error): boolean {
  if (error instanceof PagerDutyRejectedError) return error.status === 400;
  if (error instanceof TeamsRejectedError) return error.status === 400 || error.status === 413;
  return false;
}
