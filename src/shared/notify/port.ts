/**
 * The one notification port: what the flows call to send a message, and the names and outcomes of channels.
 * The notification service implements it (asNotifier), and so does the job notifier (whose `channels` metadata
 * selects channels).
 */
import type { Message } from "./message.js";
import type { ThreadMeta } from "./threads/types.js";

export interface NotifyMeta {
  /**
   * Same key = same incident: delivered at most once per channel, counted at most once by flood control
   * (the event id; for a stopped task its task ARN, whatever the event id, `version` or copy).
   */
  dedupeKey: string;
  /** Same key within the flood window = counted into a digest instead of sent (group + category). */
  throttleKey?: string;
  /** The service the message is about, for per-service routing tags. */
  serviceArn?: string;
  /**
   * When it happened, from the event's own data (epoch ms; a stop's `stoppedAt`, else the event time).
   * Flood windows follow it rather than the processing time, so a replay, a late redelivery and the live
   * run count the same stops into the same windows. Default: the notifier's clock.
   */
  occurredAt?: number;
  /** The stopped task the message is about: a digest that counts it lists it (and dates it `occurredAt`). */
  taskArn?: string;
  /**
   * Adds costly context (log tail, what changed, history) once the message is known to go out: not for a
   * duplicate, a throttled copy in a flood, or a message no channel takes. Its failure sends the message as is.
   */
  prepare?: (message: Message) => Promise<Message>;
  /**
   * Selects channels by name (a job's `notify.channels`); undefined: every channel. Honoured by the job
   * notifier, which sends job messages whatever their severity (the job's notify policy has decided).
   */
  channels?: string[];
  /** Slack app mode: the conversation (deployment or incident thread) the message belongs to. */
  thread?: ThreadMeta;
}

export type ChannelName = "slack" | "email";
export const CHANNEL_NAMES: readonly ChannelName[] = ["slack", "email"];

export interface ChannelOutcome {
  channel: ChannelName;
  status: "sent" | "skipped" | "failed";
  reason?: string;
}

export type Notifier = (message: Message, meta: NotifyMeta) => Promise<ChannelOutcome[]>;
