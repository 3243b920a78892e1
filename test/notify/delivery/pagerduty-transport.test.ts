import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PagerDutyEvent } from "../../../src/shared/notify/pagerduty/event.js";
import {
  PagerDutyRejectedError,
  PagerDutyUnavailableError,
} from "../../../src/shared/notify/transports/errors.js";
import {
  buildPagerDutySender,
  type PagerDutySenderOptions,
} from "../../../src/shared/notify/transports/pagerduty.js";
import {
  type PagerDutyStandin,
  STANDIN_ROUTING_KEY,
  startPagerDutyStandin,
} from "../../support/pagerduty-standin.js";
import { recordingLogger } from "./recording-logger.js";

const DEDUP_KEY = "ecs-sentinel:deployment:prod:api";

const trigger: PagerDutyEvent = {
  routing_key: STANDIN_ROUTING_KEY,
  event_action: "trigger",
  dedup_key: DEDUP_KEY,
  payload: { summary: "api: deployment failed", source: "123456789012/eu-west-1/prod", severity: "critical" },
  client: "ecs-sentinel",
};

let standin: PagerDutyStandin;
beforeEach(async () => {
  standin = await startPagerDutyStandin();
});
afterEach(async () => {
  await standin.close();
});

/** Sleeps are recorded, not waited, and advance a fake invocation clock. */
function fakeTime(remainingMs = 60_000) {
  let elapsed = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    deadline: () => remainingMs - elapsed,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      elapsed += ms;
    },
  };
}

function sender(
  options: PagerDutySenderOptions & { remainingMs?: number } = {},
  fetchFn: typeof fetch = fetch,
) {
  const time = fakeTime(options.remainingMs);
  const logger = recordingLogger();
  const send = buildPagerDutySender(standin.url, fetchFn, {
    deadline: time.deadline,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...options,
  });
  return { send, time, logger };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("PagerDuty Events API v2 sender", () => {
  it("sends the event once and resolves with PagerDuty's dedup_key", async () => {
    const { send, time } = sender();

    const result = await send(trigger);

    expect(result).toEqual({ dedupKey: DEDUP_KEY });
    expect(standin.events).toEqual([trigger]);
    expect(standin.answers).toEqual([202]);
    expect(time.sleeps).toEqual([]);
  });

  it("returns the key PagerDuty generated for a trigger without one", async () => {
    const { send } = sender();

    const result = await send({ ...trigger, dedup_key: undefined });

    expect(result.dedupKey).toMatch(/^[0-9a-f]{32}$/);
    expect(standin.incidents().get(result.dedupKey ?? "")?.status).toBe("triggered");
  });

  it("resolves the alert a trigger opened", async () => {
    const { send } = sender();

    await send(trigger);
    await send({ routing_key: STANDIN_ROUTING_KEY, event_action: "resolve", dedup_key: DEDUP_KEY });

    expect(standin.incidents().get(DEDUP_KEY)).toEqual({ status: "resolved", triggers: 1, resolves: 1 });
  });

  it("retries once after being throttled, then delivers the event exactly once", async () => {
    standin.throttleNext();
    const { send, time } = sender({ baseDelayMs: 400 });

    await send(trigger);

    expect(standin.answers).toEqual([429, 202]);
    expect(standin.events).toHaveLength(1);
    expect(time.sleeps).toEqual([200]);
  });

  it("waits the Retry-After seconds when a 429 carries them", async () => {
    standin.throttleNext(1, 2);
    const { send, time } = sender();

    await send(trigger);

    expect(time.sleeps).toEqual([2000]);
    expect(standin.events).toHaveLength(1);
  });

  it("retries 5xx answers with growing jittered delays", async () => {
    standin.failNext(500);
    standin.failNext(503, 2);
    const { send, time } = sender({ baseDelayMs: 100, maxDelayMs: 10_000 });

    await send(trigger);

    expect(standin.answers).toEqual([500, 503, 503, 202]);
    expect(time.sleeps).toEqual([50, 100, 200]);
  });

  it("throws PagerDutyUnavailableError naming the last problem when 5xx outlasts the attempts", async () => {
    standin.failNext(502, 10);
    const { send } = sender({ maxAttempts: 3 });

    const error = await rejection(send(trigger));

    expect(error).toBeInstanceOf(PagerDutyUnavailableError);
    expect((error as PagerDutyUnavailableError).attempts).toBe(3);
    expect((error as PagerDutyUnavailableError).lastProblem).toContain("HTTP 502");
    expect(standin.answers).toHaveLength(3);
  });

  it("does not retry a 400 invalid event and carries PagerDuty's message and errors", async () => {
    const { send, logger } = sender();

    const error = await rejection(
      send({ ...trigger, payload: { ...trigger.payload, summary: "" } } as PagerDutyEvent),
    );

    expect(error).toBeInstanceOf(PagerDutyRejectedError);
    const rejected = error as PagerDutyRejectedError;
    expect(rejected.status).toBe(400);
    expect(rejected.pagerDutyMessage).toBe("Event object is invalid");
    expect(rejected.errors).toEqual(["'payload.summary' is missing or blank"]);
    expect(standin.answers).toEqual([400]);
    const warning = logger.lines.find((line) => line.level === "warn");
    expect(JSON.stringify(warning)).toContain("'payload.summary' is missing or blank");
  });

  it("does not retry another 4xx", async () => {
    standin.failNext(404);
    const { send } = sender();

    const error = await rejection(send(trigger));

    expect(error).toBeInstanceOf(PagerDutyRejectedError);
    expect((error as PagerDutyRejectedError).status).toBe(404);
    expect(standin.answers).toEqual([404]);
  });

  it("stops retrying when the next wait would overrun the deadline", async () => {
    standin.failNext(503, 10);
    const { send, time } = sender({
      remainingMs: 4_000,
      safetyMarginMs: 2_000,
      minAttemptMs: 500,
      baseDelayMs: 1_000,
    });

    const error = await rejection(send(trigger));

    expect(error).toBeInstanceOf(PagerDutyUnavailableError);
    // 4 s left, 2 s kept back: attempts at 4, 3.5 and 2.5 s left; a 2 s wait would leave no 0.5 s attempt.
    expect(time.sleeps).toEqual([500, 1_000]);
    expect(standin.answers).toEqual([503, 503, 503]);
    expect((error as PagerDutyUnavailableError).attempts).toBe(3);
  });

  it("does not even try when no time is left before the deadline", async () => {
    const { send } = sender({ remainingMs: 1_000 });

    const error = await rejection(send(trigger));

    expect((error as PagerDutyUnavailableError).attempts).toBe(0);
    expect(standin.answers).toEqual([]);
  });

  it("retries network errors and names them by code", async () => {
    const closed = await startPagerDutyStandin();
    await closed.close();
    const time = fakeTime();
    const send = buildPagerDutySender(closed.url, fetch, {
      maxAttempts: 2,
      sleep: time.sleep,
      random: () => 0.5,
    });

    const error = await rejection(send(trigger));

    expect(error).toBeInstanceOf(PagerDutyUnavailableError);
    expect((error as PagerDutyUnavailableError).lastProblem).toBe("ECONNREFUSED");
    expect(time.sleeps).toHaveLength(1);
  });

  it("retries a timed-out attempt and then delivers", async () => {
    let calls = 0;
    const timingOut: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1) throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      return fetch(input, init);
    };
    const { send, logger } = sender({}, timingOut);

    await send(trigger);

    expect(calls).toBe(2);
    expect(standin.events).toHaveLength(1);
    expect(logger.text()).toContain("timeout");
  });

  it("never puts the routing key in an error or a log line, even when PagerDuty quotes it", async () => {
    const echoing: typeof fetch = async () =>
      new Response(
        JSON.stringify({
          status: "invalid event",
          message: `Event object is invalid for ${STANDIN_ROUTING_KEY}`,
          errors: [`unknown routing_key ${STANDIN_ROUTING_KEY}`],
        }),
        { status: 400 },
      );
    const failing: typeof fetch = async () =>
      new Response(JSON.stringify({ message: `overloaded ${STANDIN_ROUTING_KEY}` }), { status: 503 });
    const rejectedRun = sender({}, echoing);
    const unavailableRun = sender({ maxAttempts: 2 }, failing);

    const rejected = await rejection(rejectedRun.send(trigger));
    const unavailable = await rejection(unavailableRun.send(trigger));

    const everything = [
      rejected.message,
      JSON.stringify(rejected),
      String((rejected as PagerDutyRejectedError).errors),
      unavailable.message,
      rejectedRun.logger.text(),
      unavailableRun.logger.text(),
    ].join("\n");
    expect(everything).not.toContain(STANDIN_ROUTING_KEY);
    expect((rejected as PagerDutyRejectedError).errors).toEqual(["unknown routing_key [routing_key]"]);
    expect(unavailable.message).toContain("HTTP 503 overloaded [routing_key]");
  });
});
