/** The delivery loop tells its `onRetry` hook (ecs-sentinel's retry metric) about each further attempt. */
import { describe, expect, it } from "vitest";
import {
  type AttemptResult,
  retrySettings,
  retryWithinDeadline,
} from "../../../src/shared/notify/transports/retry-loop.js";

const DEFAULTS = {
  safetyMarginMs: 1_000,
  attemptTimeoutMs: 5_000,
  minAttemptMs: 500,
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
};

function settings(retries: string[]) {
  return retrySettings(DEFAULTS, {
    deadline: () => 60_000,
    sleep: async () => {},
    random: () => 0.5,
    onRetry: (service) => retries.push(service),
  });
}

describe("retryWithinDeadline onRetry", () => {
  it("is called once per retry after a failed attempt, not for the first attempt", async () => {
    const retries: string[] = [];
    const answers: AttemptResult<string>[] = [
      { kind: "retry", problem: "HTTP 503" },
      { kind: "retry", problem: "HTTP 429", delayMs: 10 },
      { kind: "done", value: "ok" },
    ];

    const value = await retryWithinDeadline(
      "Teams",
      async () => answers.shift() ?? { kind: "done", value: "late" },
      settings(retries),
      () => new Error("unavailable"),
    );

    expect(value).toBe("ok");
    expect(retries).toEqual(["Teams", "Teams"]);
  });

  it("is not called when the last attempt fails and no retry follows", async () => {
    const retries: string[] = [];

    await expect(
      retryWithinDeadline(
        "Slack",
        async (): Promise<AttemptResult<string>> => ({ kind: "retry", problem: "HTTP 500" }),
        settings(retries),
        (attempts) => new Error(`unavailable after ${attempts}`),
      ),
    ).rejects.toThrow("unavailable after 3");
    expect(retries).toEqual(["Slack", "Slack"]);
  });
});
