/**
 * The facade handlers call: route -> de-duplicate -> throttle -> render -> deliver, per message.
 *
 *   notify(message, { dedupeKey, throttleKey?, serviceArn? })
 *     1. routing (severity minimums, service tags) picks the channels; none -> nothing is written
 *     2. claim the dedupe key: a copy of an event already done or in flight is skipped as duplicate
 *     3. flood control (only with a throttleKey): the first message of a window is sent, the rest counted;
 *        the verdict is stored with the claim, so a retry does not count itself a second time
 *     4. a digest due for the same key (window ended) goes out first, then the message
 *     5. deliver to every channel not delivered before; success completes the claim, failure releases
 *        it and throws DeliveryError so Lambda retries (only the failed channels) or dead-letters
 *   sweepDigests(now) sends digests of ended windows that no later message has reported.
 *
 * Dry-run renders and returns what would be sent; it neither sends nor writes state.
 */
import { randomUUID } from "node:crypto";
import { errorSummary } from "../aws-errors.js";
import { type ChannelDelivery, deliver } from "./deliver.js";
import { digestToMessage } from "./digest-message.js";
import type { EmailMessage, Message, SlackPayload } from "./message.js";
import type {
  DeliveryOutcome,
  DigestOutcome,
  NotificationService,
  NotifyOutcome,
  SweepOutcome,
} from "./outcomes.js";
import type { ChannelName, NotifyMeta } from "./port.js";
import {
  DEFAULT_ROUTING,
  parseServiceOverrides,
  type RoutingConfig,
  routeMessage,
  type ServiceOverrides,
} from "./routing.js";
import type { ServiceTagsLookup } from "./service-tags.js";
import { DEFAULT_THROTTLE_WINDOW_MS } from "./store/throttle-window.js";
import type { NotificationStore, PendingDigest, ThrottleSubject, ThrottleVerdict } from "./store/types.js";
import { DeliveryError } from "./transports/errors.js";
import {
  type Deadline,
  type EmailPort,
  type LoggerPort,
  type SlackPort,
  silentLogger,
} from "./transports/ports.js";

export { digestToMessage, type NotifyMeta };

export interface NotificationServiceDeps {
  channels: { slack?: SlackPort; email?: EmailPort };
  render: {
    slack: (message: Message) => SlackPayload;
    email: (message: Message) => EmailMessage;
    /** Builds the digest message; `digestToMessage` when absent. */
    digest?: (digest: PendingDigest) => Message;
  };
  store: NotificationStore;
  routing?: Partial<RoutingConfig>;
  tagsFor?: ServiceTagsLookup;
  clock?: () => number | Date;
  logger?: LoggerPort;
  deadline?: Deadline;
  dryRun?: boolean;
  throttleWindowMs?: number;
}

const MIN_LEASE_MS = 30_000;
const MAX_LEASE_MS = 15 * 60_000;
const DEFAULT_LEASE_MS = 5 * 60_000;
/** The sweep stops starting new digests when less than this is left of the invocation. */
const SWEEP_RESERVE_MS = 5_000;

/** `service:api` / `family:nightly` for the digest, from the message (the throttle key itself is opaque). */
function groupOf(message: Message, scope: string): string {
  if (message.service) return `service:${message.service}`;
  if (message.family) return `family:${message.family}`;
  return scope;
}

export function buildNotificationService(deps: NotificationServiceDeps): NotificationService {
  const logger = deps.logger ?? silentLogger;
  const routing: RoutingConfig = { ...DEFAULT_ROUTING, ...deps.routing };
  const clock = () => Number(deps.clock ? deps.clock() : Date.now());
  const windowMs = deps.throttleWindowMs ?? DEFAULT_THROTTLE_WINDOW_MS;
  const renderDigest = deps.render.digest ?? digestToMessage;
  const { store } = deps;
  const enabled = (["slack", "email"] as const).filter((channel) => deps.channels[channel] !== undefined);

  /** A lease as long as this invocation can live, so it never outlasts the attempt holding it. */
  function leaseMs(): number {
    const remaining = deps.deadline?.();
    if (remaining === undefined || !Number.isFinite(remaining)) return DEFAULT_LEASE_MS;
    return Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, remaining + 5_000));
  }

  async function overridesFor(serviceArn: string | undefined): Promise<ServiceOverrides> {
    if (!serviceArn || !deps.tagsFor) return {};
    const tags = await deps.tagsFor(serviceArn).catch((error: unknown) => {
      logger.warn("Could not read service tags; sending without per-service overrides", {
        serviceArn,
        error: error instanceof Error ? error.message : String(error),
      });
      return {};
    });
    const { overrides, problems } = parseServiceOverrides(tags);
    for (const problem of problems)
      logger.warn("Ignoring a bad ecs-sentinel tag value", { serviceArn, ...problem });
    return overrides;
  }

  function channelSender(channel: ChannelName, message: Message): ChannelDelivery {
    return {
      channel,
      send: async () => {
        if (channel === "slack") await deps.channels.slack?.(deps.render.slack(message));
        else await deps.channels.email?.(deps.render.email(message));
      },
    };
  }

  function plan(message: Message, overrides: ServiceOverrides) {
    const decisions = routeMessage(message, enabled, routing, overrides);
    const outcome: Partial<Record<ChannelName, DeliveryOutcome>> = {};
    const targets: ChannelName[] = [];
    for (const channel of enabled) {
      const decision = decisions[channel];
      if (decision?.send) targets.push(channel);
      else outcome[channel] = { status: "skipped", reason: decision?.reason ?? "routed-out" };
    }
    return { outcome, targets };
  }

  function mark(
    outcome: Partial<Record<ChannelName, DeliveryOutcome>>,
    channels: ChannelName[],
    value: DeliveryOutcome,
  ) {
    for (const channel of channels) outcome[channel] = value;
  }

  /**
   * Claims `dedupeKey`, delivers `message` to `targets` not yet delivered, and completes or releases the
   * claim. `decide` runs once per event (not on retries) and may turn the message into a counted one.
   */
  async function deliverOnce(
    message: Message,
    targets: ChannelName[],
    dedupeKey: string,
    outcome: Partial<Record<ChannelName, DeliveryOutcome>>,
    decide: () => Promise<{ verdict: ThrottleVerdict; before?: () => Promise<void> }>,
    prepare?: (message: Message) => Promise<Message>,
  ): Promise<"done" | "in-flight"> {
    const owner = randomUUID();
    const claim = await store.claim(dedupeKey, { owner, now: clock(), leaseMs: leaseMs() });
    if (claim.status === "duplicate") {
      mark(outcome, targets, { status: "skipped", reason: "duplicate" });
      return claim.state;
    }
    let verdict: ThrottleVerdict | undefined = claim.verdict;
    // What this attempt delivered, kept with the released claim if a later step fails.
    let deliveredNow: ChannelName[] = [];
    try {
      let before: (() => Promise<void>) | undefined;
      if (!verdict) ({ verdict, before } = await decide());
      if (verdict === "counted") {
        await store.complete(dedupeKey, verdict, [], clock());
        mark(outcome, targets, { status: "skipped", reason: "throttled" });
        return "done";
      }
      await before?.();
      // Context that costs AWS calls is gathered only now, for a message that really goes out.
      const ready = prepare ? await prepareSafely(prepare, message) : message;
      const sendVerdict = verdict;
      const pending = targets.filter((channel) => !claim.delivered.includes(channel));
      const report = await deliver(
        targets.map((channel) => channelSender(channel, ready)),
        {
          alreadyDelivered: claim.delivered,
          logger,
          // With one channel the completing write records it; with more, each success is saved at once.
          onDelivered:
            pending.length > 1
              ? (channel) => store.recordDelivered(dedupeKey, channel, sendVerdict, clock())
              : undefined,
        },
      );
      for (const [channel, result] of Object.entries(report.results)) {
        outcome[channel as ChannelName] =
          result.status === "sent" ? { status: "sent" } : { status: "skipped", reason: "duplicate" };
        if (result.status === "sent") deliveredNow.push(channel as ChannelName);
      }
      await store.complete(dedupeKey, verdict, report.delivered, clock());
      return "done";
    } catch (error) {
      if (error instanceof DeliveryError) {
        const report = error.outcome as Awaited<ReturnType<typeof deliver>>;
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

  /** A failed preparation never costs the message: it goes out as it was. */
  async function prepareSafely(prepare: (message: Message) => Promise<Message>, message: Message) {
    try {
      return await prepare(message);
    } catch (error) {
      logger.warn("Could not add context to the message; sending it without", {
        error: error instanceof Error ? error.message : String(error),
      });
      return message;
    }
  }

  /** Sends a digest exactly once (its own dedupe key) and settles its count when delivered. */
  async function sendDigest(digest: PendingDigest): Promise<DigestOutcome> {
    const message = renderDigest(digest);
    const { outcome, targets } = plan(message, await overridesFor(digest.serviceArn));
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
          : await deliverOnce(message, targets, digest.dedupeKey, outcome, async () => ({ verdict: "send" }));
      if (state === "done") {
        await store.settleDigest(digest);
        result.settled = true;
      }
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      throw new DeliveryError(error.failures, result);
    }
    return result;
  }

  async function notify(message: Message, meta: NotifyMeta): Promise<NotifyOutcome> {
    const { outcome, targets } = plan(message, await overridesFor(meta.serviceArn));
    if (targets.length === 0) return { channels: outcome };

    if (deps.dryRun) {
      for (const channel of targets) {
        const payload = channel === "slack" ? deps.render.slack(message) : deps.render.email(message);
        outcome[channel] = { status: "dry-run", payload };
      }
      return { channels: outcome };
    }

    const result: NotifyOutcome = { channels: outcome };
    const throttleKey = meta.throttleKey;
    const decide = async () => {
      if (!throttleKey) return { verdict: "send" as const };
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
      const hit = await store.hit(subject, now, windowMs, stop);
      if (hit.verdict === "counted" || !hit.digest) return { verdict: hit.verdict };
      const digest = hit.digest;
      // The digest of the ended window goes first; if it fails the sweep retries it, the message still goes.
      const before = async () => {
        try {
          result.digest = await sendDigest(digest);
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
      };
      return { verdict: "send" as const, before };
    };

    try {
      await deliverOnce(message, targets, meta.dedupeKey, outcome, decide, meta.prepare);
    } catch (error) {
      if (error instanceof DeliveryError) throw new DeliveryError(error.failures, result);
      throw error;
    }
    return result;
  }

  async function sweepDigests(now = clock()): Promise<SweepOutcome> {
    const sweep: SweepOutcome = { pointers: 0, digests: [], failed: 0, deferred: 0 };
    const pointers = await store.duePointers(now);
    sweep.pointers = pointers.length;
    for (const pointer of pointers) {
      if (deps.deadline && deps.deadline() < SWEEP_RESERVE_MS) {
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
        const sent = await sendDigest(digest);
        sweep.digests.push(sent);
        if (sent.settled) await store.dropPointer(pointer);
      } catch (error) {
        sweep.failed++;
        if (error instanceof DeliveryError && error.outcome)
          sweep.digests.push(error.outcome as DigestOutcome);
        logger.error("Digest sweep failed for a window; the next sweep retries it", {
          throttleKey: pointer.throttleKey,
          error: errorSummary(error),
        });
      }
    }
    return sweep;
  }

  return { notify, sweepDigests };
}
