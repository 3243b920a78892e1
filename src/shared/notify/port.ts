/** The notification port the flows call; the delivery module and the dry-run printer both implement it. */
import type { Message } from "./message.js";

export interface NotifyMeta {
  /** Same key = same event: delivered at most once per channel (event id, or task ARN + detail.version). */
  dedupeKey: string;
  /** Same key within the flood window = counted into a digest instead of sent (group + category). */
  throttleKey?: string;
  /** The service the message is about, for per-service routing tags. */
  serviceArn?: string;
  /**
   * Adds costly context (log tail, what changed, history) once the message is known to go out: not for a
   * duplicate, a throttled copy in a flood, or a message no channel takes. Its failure sends the message as is.
   */
  prepare?: (message: Message) => Promise<Message>;
}

export type ChannelName = "slack" | "email" | "console";

export interface ChannelOutcome {
  channel: ChannelName;
  status: "sent" | "skipped" | "failed";
  reason?: string;
}

export type Notifier = (message: Message, meta: NotifyMeta) => Promise<ChannelOutcome[]>;
