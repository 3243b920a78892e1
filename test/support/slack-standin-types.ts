/** The shapes of the Slack Web API stand-in (slack-web-api-standin.ts): its configuration, records and handle. */
import type { IncomingMessage } from "node:http";

export interface StandinToken {
  token: string;
  scopes: string[];
  /** The bot user (U…) and bot (B…) the token posts as. */
  botUserId: string;
  botId: string;
  /** The bot user's name, as auth.test's `user` (default "ecs-sentinel"). */
  botName?: string;
}

export interface StandinChannel {
  id: string;
  name: string;
  private?: boolean;
  /** Bot user IDs invited to the channel. */
  members?: string[];
  archived?: boolean;
}

export interface StandinMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  postedBy: { botUserId: string; botId: string };
  /** Every version, the original first; `edits` = versions.length - 1. */
  versions: Array<{ text: string; blocks: unknown[] }>;
  edits: number;
  deleted: boolean;
  /** Why Slack would show this message nowhere (a thread_ts that is no top-level message). */
  lost?: string;
}

export interface StandinRequest {
  /** The API method from the path, e.g. `chat.postMessage`. */
  method: string;
  httpMethod: string;
  headers: IncomingMessage["headers"];
  json: unknown;
  /** Stand-in clock time (ms). */
  at: number;
  /** What the stand-in answered: `ok`, Slack's error code, or `http_503`. */
  answer: string;
}

export type InjectedFailure =
  | { status: number; retryAfter?: number; body?: string }
  | { error: string }
  /** Answers normally, but only after this many real milliseconds (timeouts). */
  | { delayMs: number };

export interface StandinOptions {
  tokens?: StandinToken[];
  channels?: StandinChannel[];
  /** chat.postMessage per second per channel, and the burst above it (a token bucket). Default 1/s, burst 3. */
  postsPerSecond?: number;
  burst?: number;
  /** Epoch ms; the rate limiter, the message ts, click timestamps and response_url expiry follow it. */
  clock?: () => number;
  /** The workspace's user groups (usergroups.users.list). */
  usergroups?: StandinUsergroup[];
  /** false: the workspace's plan has no user groups (`plan_upgrade_required`). Default true. */
  userGroupsAvailable?: boolean;
  /** usergroups.users.list calls per minute (Slack's Tier 2: "20+ per minute"). Default 20, as a burst of 20. */
  usergroupCallsPerMinute?: number;
  app?: Partial<StandinApp>;
}

export interface StandinCounts {
  topLevel: number;
  replies: number;
  edits: number;
  /** Posted with a thread_ts that is no top-level message: accepted by Slack, shown nowhere. */
  lost: number;
}

export interface SlackStandin {
  /** The Web API base URL, ending with `/api/`. */
  url: string;
  messages: StandinMessage[];
  requests: StandinRequest[];
  /** Visible messages (not deleted) per kind, in one channel or all. */
  counts(channel?: string): StandinCounts;
  failNext(method: string, answer: InjectedFailure): void;
  /** A person deleted the message: it cannot be edited or replied to any more. */
  deleteMessage(channel: string, ts: string): void;
  archive(channel: string): void;
  /** The app was uninstalled or the token revoked. */
  revoke(token: string): void;
  /** The workspace's user groups; edit them to add or remove members. */
  usergroups: StandinUsergroup[];
  app: StandinApp;
  /**
   * Clicks a button the message really carries (its latest version) as Slack does: a signed, form-encoded
   * block_actions payload POSTed to `endpoint`. Throws when the message or the button is not there.
   */
  click(options: ClickOptions): Promise<ClickResult>;
  /** Sends an earlier click's very payload again, as Slack's retry after no 200 within 3 seconds. */
  redeliver(clickId: string, options?: RedeliverOptions): Promise<ClickResult>;
  /** What was POSTed to the response_url of one click, or of all clicks, in order. */
  responses(clickId?: string): StandinResponse[];
  close(): Promise<void>;
}

/** A user group of the workspace (usergroups.users.list). */
export interface StandinUsergroup {
  /** S… */
  id: string;
  handle?: string;
  /** User IDs (U…/W…). */
  users: string[];
  /** A disabled group answers `no_such_subteam` unless `include_disabled` is true (modelled, not documented). */
  disabled?: boolean;
}

/** Who the app and workspace are, as a block_actions payload names them. */
export interface StandinApp {
  apiAppId: string;
  teamId: string;
  teamDomain: string;
  /** The workspace's name (auth.test's `team`); default the domain. */
  teamName?: string;
  /** The Enterprise Grid organization (E…) of the workspace: auth.test's `enterprise_id`, the payload's `enterprise`. */
  enterpriseId?: string;
  /** The app is installed organization-wide (auth.test's and the payload's `is_enterprise_install`). */
  isEnterpriseInstall?: boolean;
  /** The deprecated verification token Slack still sends in every payload (`token`); never to be trusted. */
  verificationToken: string;
}

/** Attacks on a click: what a forger or a broken proxy would change. */
export interface ClickTamper {
  /** The button's `value` as delivered, edited before signing: the signature is valid, the value is not ours. */
  value?: string;
  /** Edits the form body after it was signed (the signature no longer matches). */
  body?: (signed: string) => string;
  /** Replaces the X-Slack-Signature header; `null` leaves it out. */
  signature?: string | null;
  /** Replaces the X-Slack-Request-Timestamp header after signing; `null` leaves it out. */
  timestampHeader?: string | null;
}

export interface ClickOptions {
  /** Channel ID or name, and the ts of the message carrying the button. */
  channel: string;
  ts: string;
  actionId: string;
  /** The block of the button, needed only when the action_id is in several blocks of the message. */
  blockId?: string;
  user: { id: string; name: string };
  /** The interactivity Request URL (e.g. `http://127.0.0.1:PORT/slack/actions`). */
  endpoint: string;
  signingSecret: string;
  /** X-Slack-Request-Timestamp in epoch seconds (old or future to attack); default the stand-in clock. */
  timestamp?: number;
  /**
   * The clicking user's workspace (and Grid organization) when not the stand-in's own: a click from another
   * workspace the same app is installed in, signed with the same secret.
   */
  from?: { teamId: string; enterpriseId?: string };
  /** Sends the delivery as Slack's n-th retry (X-Slack-Retry-Num: n, X-Slack-Retry-Reason: http_timeout). */
  retry?: number;
  tamper?: ClickTamper;
}

export interface ClickResult {
  /** Also the last segment of the click's response_url. */
  clickId: string;
  /** The endpoint's HTTP answer, and how long it took (real milliseconds, request to full body). */
  status: number;
  body: string;
  ms: number;
  /** The block_actions payload as sent (JSON inside the `payload` form field). */
  payload: Record<string, unknown>;
  responseUrl: string;
  /** The request headers sent, signature included. */
  headers: Record<string, string>;
}

export interface RedeliverOptions {
  /** X-Slack-Retry-Num; default 1. */
  retry?: number;
  /** Default: the stand-in clock now (a retry is signed anew). */
  timestamp?: number;
}

/** One POST to a click's response_url, accepted or not. */
export interface StandinResponse {
  clickId: string;
  /** Stand-in clock (ms). */
  at: number;
  status: number;
  /** `ok`, or why it was refused (`expired_url`, `used_url`, `no_text`, `invalid_blocks`, ...). */
  answer: string;
  json: unknown;
  /** What Slack did with it: shown to the clicker only, posted in the channel, or applied to the original. */
  effect?: "ephemeral" | "in_channel" | "replaced_original" | "deleted_original";
  /** The clicking user: the only one who sees an ephemeral response. */
  userId: string;
}
