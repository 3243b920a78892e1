/**
 * Test harness of the Slack Web API stand-in's own tests: a stand-in per test on a movable clock, tokens with
 * different scopes and bots, channels of every kind, and raw Web API calls.
 */
import { afterEach } from "vitest";
import {
  type SlackStandin,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinOptions,
  startSlackStandin,
} from "./slack-web-api-standin.js";

export const OTHER_BOT = {
  token: "xoxb-3333333333-4444444444-otherBotToken",
  scopes: ["chat:write"],
  botUserId: "U0OTHERBOT",
  botId: "B0OTHERBOT",
};
export const PUBLIC_POSTER = {
  token: "xoxb-5555555555-6666666666-publicPoster",
  scopes: ["chat:write", "chat:write.public"],
  botUserId: "U0PUBLIC",
  botId: "B0PUBLIC",
};
export const NO_SCOPE = {
  token: "xoxb-7777777777-8888888888-noScope",
  scopes: ["channels:read"],
  botUserId: "U0NS",
  botId: "B0NS",
};
export const CHANNELS = [
  STANDIN_CHANNEL,
  { id: "C0OTHER001", name: "deploys", members: ["U0SENTINEL", "U0OTHERBOT"] },
  { id: "C0UNINVITE", name: "general" },
  { id: "G0PRIVATE1", name: "secret-ops", private: true },
];

const START = 1_765_000_000_000;
let current: SlackStandin | undefined;
let now = START;

/** The running stand-in of the current test. */
export function standin(): SlackStandin {
  if (!current) throw new Error("start() the stand-in first");
  return current;
}

/** Moves the stand-in's clock (its rate limiter and ts). */
export function advance(ms: number) {
  now += ms;
}

/** Starts a stand-in with the harness's tokens and channels, and closes it after the test. */
export async function start(options: StandinOptions = {}) {
  current = await startSlackStandin({
    tokens: [STANDIN_TOKEN, OTHER_BOT, PUBLIC_POSTER, NO_SCOPE],
    channels: CHANNELS,
    clock: () => now,
    burst: 100,
    ...options,
  });
  return current;
}

afterEach(async () => {
  await current?.close();
  current = undefined;
  now = START;
});

export interface CallOptions {
  token?: string | null;
  contentType?: string | null;
}

export async function call(method: string, args: unknown, options: CallOptions = {}) {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? STANDIN_TOKEN.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const contentType =
    options.contentType === undefined ? "application/json; charset=utf-8" : options.contentType;
  if (contentType !== null) headers["content-type"] = contentType;
  // A string body makes fetch add text/plain; bytes carry no Content-Type of their own.
  const body = new TextEncoder().encode(JSON.stringify(args));
  const response = await fetch(`${standin().url}${method}`, { method: "POST", headers, body });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

export const post = (args: Record<string, unknown>, options?: CallOptions) =>
  call("chat.postMessage", { channel: STANDIN_CHANNEL.id, text: "hello", ...args }, options);
