/** The shapes of the Slack Web API stand-in (slack-web-api-standin.ts): its configuration, records and handle. */
import type { IncomingMessage } from "node:http";

export interface StandinToken {
  token: string;
  scopes: string[];
  /** The bot user (U…) and bot (B…) the token posts as. */
  botUserId: string;
  botId: string;
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
  /** Epoch ms; the rate limiter and the message ts follow it (share a fake clock with the client). */
  clock?: () => number;
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
  close(): Promise<void>;
}
