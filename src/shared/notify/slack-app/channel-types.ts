/** The Slack app channel's interface, its dependencies and what it reports (see thread-delivery.ts). */
import type { OfferRecord } from "../../slack-actions/store.js";
import type { Message, SlackPayload } from "../message.js";
import type { ThreadMeta, ThreadStore } from "../threads/types.js";
import type { LoggerPort, Sleep } from "../transports/ports.js";
import type { SlackApi } from "./api-port.js";

export interface SlackRoute {
  thread?: ThreadMeta;
  /** The channel the service's `ecs-sentinel:slack-channel` tag names; default: the configured channel. */
  channel?: string;
  /** Below Slack's minimum severity: open or edit the card, post no reply and nothing top-level. */
  cardOnly?: boolean;
}

export interface SlackAppChannel {
  deliver(message: Message, route: SlackRoute): Promise<void>;
  /**
   * A counted (flood-controlled) event: counts it on its thread's card and edits the card at most every
   * `editIntervalMs` per thread in this process; posts nothing and never opens a thread.
   */
  touch(message: Message, route: SlackRoute): Promise<void>;
}

/** What the channel did in Slack, for the dry run's thread view and logs. */
export interface SlackActivity {
  kind: "post" | "parent" | "reply" | "edit";
  channel: string;
  ts: string;
  /** The parent's ts, for replies and edits. */
  parentTs?: string;
  /** The thread key, for parents, replies and edits. */
  thread?: string;
  text: string;
}

export interface SlackAppDeps {
  /**
   * Records what a posted message's buttons act on (Slack buttons configured); without it, buttons are not
   * rendered at all. A failure to record is logged: the message stays, its buttons then answer "not valid".
   */
  offers?: (offer: OfferRecord) => Promise<void>;
  /** Told about every post and edit that Slack accepted. */
  observe?: (activity: SlackActivity) => void;
  api: SlackApi;
  threads: ThreadStore;
  defaultChannel: string;
  render: (message: Message) => SlackPayload;
  logger: LoggerPort;
  clock?: () => number;
  sleep?: Sleep;
  /** How long a claim to post a parent blocks other posters (a crashed poster frees it after this). */
  leaseMs?: number;
  editIntervalMs?: number;
  /** Waits for a parent another delivery is posting: attempts and delay between them. */
  busyAttempts?: number;
  busyDelayMs?: number;
}
