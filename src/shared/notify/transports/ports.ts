/** Ports of the notification edges: what a channel adapter is, and the little of a logger we need. */
import type { EmailMessage, SlackPayload } from "../message.js";

export type SlackPort = (payload: SlackPayload) => Promise<void>;
export type EmailPort = (email: EmailMessage) => Promise<void>;

/** The project's one logging port (src/shared/log.ts), under the name the notification modules use. */
export type { Log as LoggerPort } from "../../log.js";
export { silentLog as silentLogger } from "../../log.js";

/** Milliseconds left in the invocation (e.g. `context.getRemainingTimeInMillis`). */
export type Deadline = () => number;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
