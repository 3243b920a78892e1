/**
 * App mode's Slack Web API retries (a 429's Retry-After, a 5xx) are counted as DeliveryRetries on the channel
 * app mode delivers as, `slack`, the way the webhooks' retry loop counts; an approver lookup's retry is no
 * delivery's. Time is injected: the waits are recorded, never slept.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { slackWebApi } from "../../src/app/channel-adapters.js";
import { loadConfig } from "../../src/app/config.js";
import { silentLog } from "../../src/shared/log.js";
import { slackApiRetryCounter } from "../../src/shared/metrics/notifications.js";
import { buildSlackWebApi, staticToken } from "../../src/shared/notify/slack-app/web-api.js";
import { countingMetrics } from "./support.js";

const API_URL = "http://127.0.0.1:9/api/";
const POSTED = { ok: true, channel: "C0ALERTS", ts: "1767326131.000100" };

const json = (body: object, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const rateLimited = (seconds: string) =>
  new Response("", { status: 429, headers: { "retry-after": seconds } });

/** A fetch answering `answers` in turn. */
function fetchAnswering(answers: (() => Response)[]) {
  let calls = 0;
  const fetchStub = vi.fn(async () => {
    const answer = answers[Math.min(calls, answers.length - 1)];
    calls++;
    if (!answer) throw new Error("no answer scripted");
    return answer();
  });
  return fetchStub as unknown as typeof fetch & typeof fetchStub;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the Slack Web API's retries (app mode)", () => {
  it("counts one delivery retry on slack for a post Slack paced with 429 and Retry-After", async () => {
    const metrics = countingMetrics();
    const waits: number[] = [];
    const api = buildSlackWebApi({
      baseUrl: API_URL,
      token: staticToken("xoxb-test"),
      fetch: fetchAnswering([() => rateLimited("3"), () => json(POSTED)]),
      sleep: async (ms) => {
        waits.push(ms);
      },
      postIntervalMs: 0,
      onRetry: slackApiRetryCounter(metrics),
    });

    await api.postMessage({ channel: "C0ALERTS", text: "api stopped", blocks: [] });

    expect(waits).toEqual([3_000]);
    expect(metrics.counted).toEqual([
      { name: "DeliveryRetries", dimensions: { channel: "slack" }, value: 1 },
    ]);
  });

  it("counts each retry of an update after Slack's 5xx, like the webhooks' retries", async () => {
    const metrics = countingMetrics();
    const api = buildSlackWebApi({
      baseUrl: API_URL,
      token: staticToken("xoxb-test"),
      fetch: fetchAnswering([() => json({}, 503), () => rateLimited("1"), () => json(POSTED)]),
      sleep: async () => {},
      random: () => 0,
      onRetry: slackApiRetryCounter(metrics),
    });

    await api.update({ channel: "C0ALERTS", ts: POSTED.ts, text: "api recovered", blocks: [] });

    expect(metrics.counted.map((c) => [c.name, c.dimensions.channel, c.value])).toEqual([
      ["DeliveryRetries", "slack", 1],
      ["DeliveryRetries", "slack", 1],
    ]);
  });

  it("counts no delivery retry for an approver lookup (usergroups.users.list) Slack paced", async () => {
    const metrics = countingMetrics();
    const api = buildSlackWebApi({
      baseUrl: API_URL,
      token: staticToken("xoxb-test"),
      fetch: fetchAnswering([() => rateLimited("1"), () => json({ ok: true, users: ["U0ONCALL"] })]),
      sleep: async () => {},
      onRetry: slackApiRetryCounter(metrics),
    });

    const users = await api.usergroupMembers("S0ONCALL");

    expect(users).toEqual(["U0ONCALL"]);
    expect(metrics.counted).toEqual([]);
  });

  it("is wired by the composition when metrics are on", async () => {
    const metrics = countingMetrics();
    const fetchStub = fetchAnswering([() => rateLimited("0"), () => json(POSTED)]);
    vi.stubGlobal("fetch", fetchStub);
    const config = loadConfig({ SLACK_API_URL: API_URL, SLACK_POST_INTERVAL_MS: "0" });
    const runtime = { log: silentLog, deadline: () => 30_000, metrics };

    await slackWebApi(config, runtime, staticToken("xoxb-test")).postMessage({
      channel: "C0ALERTS",
      text: "api stopped",
      blocks: [],
    });

    expect(fetchStub).toHaveBeenCalledTimes(2);
    expect(metrics.counted).toEqual([
      { name: "DeliveryRetries", dimensions: { channel: "slack" }, value: 1 },
    ]);
  });
});
