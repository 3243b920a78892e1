import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/shared/notify/message.js";
import { emulatorNotifier, stoppedTask, T0 } from "../notify/delivery/emulator-wiring.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { readPublishedSnsMessages } from "./support/index.js";

const WINDOW = 10 * 60_000;
const CONCURRENCY = 10;

let server: SlackServer;
beforeAll(async () => {
  server = await startSlackServer();
});
afterAll(async () => {
  await server.close();
});

interface FloodEvent {
  message: Message;
  dedupeKey: string;
  throttleKey: string;
  at: number;
}

function event(service: string, category: string, n: number, at: number): FloodEvent {
  return {
    message: stoppedTask(service, category, n),
    dedupeKey: `task#${service}-${category}-${n}#v3`,
    throttleKey: `prod#service:${service}#${category}`,
    at,
  };
}

/** Runs events in waves of CONCURRENCY, as concurrent Lambda invocations would. */
async function replay(wiring: Awaited<ReturnType<typeof emulatorNotifier>>, events: FloodEvent[]) {
  for (let i = 0; i < events.length; i += CONCURRENCY) {
    const wave = events.slice(i, i + CONCURRENCY);
    wiring.setNow(wave[0]?.at ?? T0);
    await Promise.all(
      wave.map((e) =>
        wiring.service.notify(e.message, { dedupeKey: e.dedupeKey, throttleKey: e.throttleKey }),
      ),
    );
  }
}

const slackTexts = () => server.requests.map((r) => String((r.json as { text?: string }).text ?? ""));

describe("flood control against moto", () => {
  it("sends the first message of each key at once and one digest per key at the sweep, never merged", async () => {
    const wiring = await emulatorNotifier(server, "notify-flood");
    const events: FloodEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const at = T0 + i * 1_000;
      events.push(event("api", "out-of-memory", i, at));
      if (i % 6 === 0) events.push(event("worker", "out-of-memory", i / 6, at));
      if (i % 15 === 0) events.push(event("api", "app-exit", i / 15, at));
    }
    server.requests.length = 0;

    await replay(wiring, events);
    const sentDuringFlood = slackTexts();
    wiring.setNow(T0 + WINDOW + 1);
    const sweep = await wiring.service.sweepDigests();
    const secondSweep = await wiring.service.sweepDigests();

    expect(events).toHaveLength(370);
    expect(sentDuringFlood).toHaveLength(3);
    expect(sweep.digests.map((d) => [d.throttleKey, d.count]).sort()).toEqual([
      ["task-stopped#app-exit#prod#service:api#app-exit", 19],
      ["task-stopped#out-of-memory#prod#service:api#out-of-memory", 299],
      ["task-stopped#out-of-memory#prod#service:worker#out-of-memory", 49],
    ]);
    expect(secondSweep.digests).toEqual([]);
    expect(slackTexts()).toHaveLength(6);
    expect(slackTexts().filter((t) => /299 more out-of-memory stops/.test(t))).toHaveLength(1);
    const published = await readPublishedSnsMessages(wiring.topicArn);
    expect(published).toHaveLength(6);
  }, 60_000);

  it("measures a flood of 1,000 stopped tasks of one service", async () => {
    const wiring = await emulatorNotifier(server, "notify-flood-1000");
    const events = Array.from({ length: 1_000 }, (_, i) => event("api", "out-of-memory", i, T0 + i * 500));
    server.requests.length = 0;
    wiring.dynamo.reset();
    const publishedBefore = (await readPublishedSnsMessages(wiring.topicArn)).length;

    const started = performance.now();
    await replay(wiring, events);
    const floodMs = performance.now() - started;
    const floodCalls = wiring.dynamo.total();
    const floodCallsByCommand = { ...wiring.dynamo.calls };
    const floodAttempts = wiring.dynamo.attempts.count;
    wiring.setNow(T0 + WINDOW + 1);
    wiring.dynamo.reset();
    const sweep = await wiring.service.sweepDigests();
    const sweepCalls = wiring.dynamo.total();

    const slackPosts = server.requests.length;
    const snsPublishes = (await readPublishedSnsMessages(wiring.topicArn)).length - publishedBefore;
    console.log(
      JSON.stringify({
        measurement: "flood of 1,000 stopped tasks of one service (moto, 10 concurrent)",
        slackPosts,
        snsPublishes,
        stateCallsPerEvent: floodCalls / events.length,
        stateCallsByCommand: floodCallsByCommand,
        sdkAttemptsIncludingRetries: floodAttempts,
        sweepStateCalls: sweepCalls,
        msPerEvent: Number((floodMs / events.length).toFixed(2)),
        digests: sweep.digests.map((d) => d.count),
      }),
    );

    // Events are 0.5 s apart, so the 1,000 span 500 s: one window, one first message, one digest.
    expect(sweep.digests.map((d) => d.count)).toEqual([999]);
    expect(slackPosts).toBe(2);
    expect(snsPublishes).toBe(2);
    // One TransactWriteItems per counted stop (issue 19 item 3); racing openers of the first wave count once more.
    expect(floodCalls / events.length).toBeLessThan(1.5);
  }, 120_000);
});
