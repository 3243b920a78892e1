/**
 * The per-message report of `ecs-sentinel replay`, the same for a dry run and a real run: it wraps the
 * notification service the flows use and prints, for every message, the outcome the service itself returned
 * on each channel: sent (or "would post" in a dry run), or not sent because duplicate (already delivered),
 * throttled (counted into the flood digest), muted (service tag), routed-out (below the channel's minimum
 * severity, or not in the service's ecs-sentinel:channels tag), or failed with the error. Nothing is
 * re-computed here.
 */
import type { Message } from "../shared/notify/message.js";
import type {
  DeliveryOutcome,
  DigestOutcome,
  NotificationService,
  NotifyOutcome,
} from "../shared/notify/outcomes.js";
import { CHANNEL_NAMES } from "../shared/notify/port.js";
import { renderConsole } from "../shared/notify/render/index.js";
import { singleLine } from "../shared/notify/text.js";

export interface ReportSink {
  write(text: string): void;
  color: boolean;
  /** Dry run: the lines the printing channels collected for this message (taken, then cleared). */
  takePending?: () => string[];
}

type Channels = Partial<Record<(typeof CHANNEL_NAMES)[number], DeliveryOutcome>>;

function skipped(channels: Channels): string[] {
  return CHANNEL_NAMES.flatMap((channel) => {
    const o = channels[channel];
    if (!o || o.status === "sent" || o.status === "failed" || o.status === "dry-run") return [];
    return [`${channel} ${o.reason}`];
  });
}

/** `→ slack: sent` / `→ email: failed: ...` for the channels that were attempted in a real run. */
function attemptedLines(channels: Channels): string[] {
  return CHANNEL_NAMES.flatMap((channel) => {
    const o = channels[channel];
    if (o?.status === "sent") return [`  → ${channel}: sent\n`];
    if (o?.status === "failed") return [`  → ${channel}: failed: ${singleLine(o.error)}\n`];
    return [];
  });
}

function digestLine(digest: DigestOutcome, dryRun: boolean): string {
  const parts = CHANNEL_NAMES.flatMap((channel) => {
    const o = digest.channels[channel];
    if (!o) return [];
    if (o.status === "failed") return [`${channel} failed: ${singleLine(o.error)}`];
    if (o.status === "skipped") return [`${channel} ${o.reason}`];
    return [`${channel} ${dryRun ? "would send" : o.status}`];
  });
  return `  → digest of ${digest.count} earlier message(s) (${digest.throttleKey}): ${parts.join(", ") || "no channel"}\n`;
}

function outcomeOf(error: unknown): NotifyOutcome | undefined {
  const outcome = (error as { outcome?: unknown } | null)?.outcome;
  return outcome && typeof outcome === "object" && "channels" in outcome
    ? (outcome as NotifyOutcome)
    : undefined;
}

function report(sink: ReportSink, message: Message, outcome: NotifyOutcome): void {
  const dryRun = sink.takePending !== undefined;
  const pending = sink.takePending?.() ?? [];
  // A dry run's printing channels "send" successfully: their lines say what would be posted instead.
  const attempted = dryRun ? [] : attemptedLines(outcome.channels);
  const notSent = skipped(outcome.channels);
  if (pending.length > 0 || attempted.length > 0) {
    sink.write(`\n${renderConsole(message, { color: sink.color })}`);
    if (outcome.digest) sink.write(digestLine(outcome.digest, dryRun));
    for (const line of [...pending, ...attempted]) sink.write(line);
    if (notSent.length > 0) sink.write(`  → not sent to: ${notSent.join(", ")}\n`);
  } else {
    sink.write(
      `  ${message.severity} · ${message.title}\n  → not sent: ${notSent.join(", ") || "no channel"}\n`,
    );
  }
}

/** The service, printing each message's outcomes (also when delivery fails: then the error is re-thrown). */
export function reportingService(service: NotificationService, sink: ReportSink): NotificationService {
  const notify: NotificationService["notify"] = async (message, meta) => {
    try {
      const outcome = await service.notify(message, meta);
      report(sink, message, outcome);
      return outcome;
    } catch (error) {
      const outcome = outcomeOf(error);
      if (outcome) report(sink, message, outcome);
      throw error;
    }
  };
  const sweepDigests: NotificationService["sweepDigests"] = async (now) => {
    const sweep = await service.sweepDigests(now);
    const pending = sink.takePending?.() ?? [];
    if (sweep.digests.length > 0 || pending.length > 0)
      sink.write("\n━━ digests of flood windows still open at the end of the replay\n");
    for (const line of pending) sink.write(line);
    if (!sink.takePending) for (const digest of sweep.digests) sink.write(digestLine(digest, false));
    return sweep;
  };
  return { notify, sweepDigests };
}
