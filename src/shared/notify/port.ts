/**
 * The one notification port: what the flows call to send a message, and the names and outcomes of channels.
 * The notification service implements it (asNotifier), and so does the job notifier (whose `channels` metadata
 * selects channels).
 */
import type { Message } from "./message.js";
import type { EventRows } from "./store/types.js";
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
  /**
   * The problem the message is about, for channels that keep one incident per problem (PagerDuty: the dedup key):
   * a service's failed deployment, a (service, category) incident, a job. `resolve`: the problem is over (the
   * rollback completed, the service is steady again, the job's next run succeeded) and its open incident closes.
   */
  problem?: ProblemRef;
  /**
   * State-table rows of the event (a stop's incident history), written in the same transaction as its claim and
   * flood count; `written` tells the caller whether it must still write them itself (retry, no channel, dry run, a
   * notifier without a state table, or a duplicate copy whose first claim did not carry them).
   */
  rows?: EventRows;
}

export interface ProblemRef {
  key: string;
  resolve?: boolean;
  /**
   * An incident that ends by going quiet (a crash loop): closed by the sweep once nothing of it was seen for
   * this long (the flood window).
   */
  quietAfterMs?: number;
  /** When it was seen (epoch ms, the event's own time like flood windows); the notifier fills it in. */
  seenAt?: number;
}

export type ChannelName = "slack" | "email" | "pagerduty" | "teams" | "chatbot";
export const CHANNEL_NAMES: readonly ChannelName[] = ["slack", "email", "pagerduty", "teams", "chatbot"];
/** Channels that reach people with a message to read (PagerDuty pages: it never takes a request to decide). */
export const READING_CHANNELS: ReadonlySet<ChannelName> = new Set(["slack", "email", "teams", "chatbot"]);

export interface ChannelOutcome {
  channel: ChannelName;
  status: "sent" | "skipped" | "failed";
  reason?: string;
}

export type Notifier = (message: Message, meta: NotifyMeta) => Promise<ChannelOutcome[]>;
