/** The notification service: its outcomes per message, per digest and per sweep, and its interface. */
import type { ChannelPayload } from "./channel-render.js";
import type { Message } from "./message.js";
import type { ChannelName, NotifyMeta } from "./port.js";

export type SkipReason = "routed-out" | "duplicate" | "throttled" | "muted";

/** What happened to a message on one channel (the notification service's detailed view of the port's outcome). */
export type DeliveryOutcome =
  | { status: "sent" }
  | { status: "skipped"; reason: SkipReason }
  | { status: "failed"; error: string }
  | { status: "dry-run"; payload: ChannelPayload };

export interface NotifyOutcome {
  channels: Partial<Record<ChannelName, DeliveryOutcome>>;
  /** A digest of the previous window of the same key, sent before this message. */
  digest?: DigestOutcome;
}

export interface DigestOutcome {
  throttleKey: string;
  count: number;
  channels: Partial<Record<ChannelName, DeliveryOutcome>>;
  /** True once the digest's count is marked reported (it will not be sent again). */
  settled: boolean;
}

export interface SweepOutcome {
  pointers: number;
  digests: DigestOutcome[];
  failed: number;
  /** Pointers left for the next sweep because the deadline was near. */
  deferred: number;
  /** Problems whose PagerDuty incident was resolved because they went quiet. */
  resolved?: string[];
}

export interface NotificationService {
  notify(message: Message, meta: NotifyMeta): Promise<NotifyOutcome>;
  sweepDigests(now?: number): Promise<SweepOutcome>;
}
