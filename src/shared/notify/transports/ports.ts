/** Ports of the notification edges: what a channel adapter is, and the little of a logger we need. */
import type { EmailMessage, SlackPayload } from "../message.js";

export type SlackPort = (payload: SlackPayload) => Promise<void>;
export type EmailPort = (email: EmailMessage) => Promise<void>;

export type ChannelName = "slack" | "email";
export const CHANNEL_NAMES: readonly ChannelName[] = ["slack", "email"];

/** Structurally compatible with Powertools' Logger (`logger.warn("msg", { extra })`). */
export interface LoggerPort {
  debug(message: string, ...extra: object[]): void;
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
}

export const silentLogger: LoggerPort = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Milliseconds left in the invocation (e.g. `context.getRemainingTimeInMillis`). */
export type Deadline = () => number;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
