/** Shared setup of the Slack Web API adapter tests: a stand-in per test and one fake clock for both sides. */
import { afterEach } from "vitest";
import { SlackApiError } from "../../../src/shared/notify/slack-app/errors.js";
import {
  buildSlackWebApi,
  type SlackWebApiOptions,
  staticToken,
  type TokenSource,
} from "../../../src/shared/notify/slack-app/web-api.js";
import {
  type SlackStandin,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinOptions,
  startSlackStandin,
} from "../../support/slack-web-api-standin.js";
import { recordingLogger } from "../delivery/recording-logger.js";

export const NO_SCOPE = {
  token: "xoxb-7777777777-8888888888-noScope",
  scopes: ["users:read"],
  botUserId: "U0NS",
  botId: "B0NS",
};
export const OTHER_BOT = {
  token: "xoxb-3333333333-4444444444-otherBot",
  scopes: ["chat:write"],
  botUserId: "U0OB",
  botId: "B0OB",
};
export const CHANNELS = [
  STANDIN_CHANNEL,
  { id: "C0OTHER001", name: "deploys", members: ["U0SENTINEL", "U0OB"] },
  { id: "C0UNINVITE", name: "general" },
];
export const SECRET_TEXT = "payload text that must never be logged";

/** One fake clock for the client and the stand-in: sleeps are recorded and advance it, nobody really waits. */
export function fakeTime(budgetMs = 60_000) {
  const start = 1_765_000_000_000;
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    deadline: () => start + budgetMs - now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A token source that moves to the next value each time it is told to forget the current one. */
export function rotatingToken(...values: string[]) {
  let index = 0;
  let invalidations = 0;
  const source: TokenSource = Object.assign(async () => values[Math.min(index, values.length - 1)] ?? "", {
    invalidate: () => {
      invalidations++;
      index++;
    },
  });
  return { source, invalidations: () => invalidations };
}

let current: SlackStandin | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** The stand-in of the current test. */
export function standin(): SlackStandin {
  if (!current) throw new Error("setup() first");
  return current;
}

export async function setup(
  options: Partial<SlackWebApiOptions> = {},
  standinOptions: StandinOptions = {},
  budgetMs?: number,
) {
  const time = fakeTime(budgetMs);
  current = await startSlackStandin({
    tokens: [STANDIN_TOKEN, NO_SCOPE, OTHER_BOT],
    channels: CHANNELS,
    clock: time.now,
    burst: 100,
    ...standinOptions,
  });
  const logger = recordingLogger();
  const api = buildSlackWebApi({
    baseUrl: current.url,
    token: staticToken(STANDIN_TOKEN.token),
    fetch,
    deadline: time.deadline,
    sleep: time.sleep,
    clock: time.now,
    random: () => 0.5,
    logger,
    ...options,
  });
  return { api, time, logger };
}

export async function rejection(promise: Promise<unknown>): Promise<SlackApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlackApiError) return error;
    throw error;
  }
  throw new Error("expected a SlackApiError");
}

export const message = (extra: object = {}) => ({
  channel: STANDIN_CHANNEL.id,
  text: SECRET_TEXT,
  blocks: [{ type: "section", text: { type: "mrkdwn", text: SECRET_TEXT } }],
  ...extra,
});
