/** Every delivery outcome of the notification service is counted by channel and outcome. */
import { describe, expect, it } from "vitest";
import { meteredNotifications, retryCounter } from "../../src/shared/metrics/notifications.js";
import type { Message } from "../../src/shared/notify/message.js";
import type { NotificationService, NotifyOutcome, SweepOutcome } from "../../src/shared/notify/outcomes.js";
import { DeliveryError, SlackUnavailableError } from "../../src/shared/notify/transports/errors.js";
import { countingMetrics } from "./support.js";

const message = { title: "api crashed" } as Message;

function serviceAnswering(notify: NotifyOutcome, sweep?: SweepOutcome): NotificationService {
  return {
    notify: async () => notify,
    sweepDigests: async () => sweep ?? { pointers: 0, digests: [], failed: 0, deferred: 0 },
  };
}

describe("meteredNotifications", () => {
  it("counts each channel's outcome: sent, failed, dry-run and a skip by its reason", async () => {
    const metrics = countingMetrics();
    const outcome: NotifyOutcome = {
      channels: {
        slack: { status: "sent" },
        email: { status: "skipped", reason: "throttled" },
        pagerduty: { status: "skipped", reason: "routed-out" },
        teams: { status: "failed", error: "TeamsUnavailableError" },
        chatbot: { status: "skipped", reason: "duplicate" },
      },
    };
    const service = meteredNotifications(serviceAnswering(outcome), metrics);

    const returned = await service.notify(message, { dedupeKey: "k" });

    expect(returned).toBe(outcome);
    expect(metrics.counted.map((c) => [c.name, c.dimensions])).toEqual([
      ["Notifications", { channel: "slack", outcome: "sent" }],
      ["Notifications", { channel: "email", outcome: "throttled" }],
      ["Notifications", { channel: "pagerduty", outcome: "routed-out" }],
      ["Notifications", { channel: "teams", outcome: "failed" }],
      ["DeliveryFailures", {}],
      ["Notifications", { channel: "chatbot", outcome: "duplicate" }],
    ]);
  });

  it("counts the digest sent before a message and the digests of a sweep", async () => {
    const metrics = countingMetrics();
    const digest = {
      throttleKey: "t",
      count: 4,
      settled: true,
      channels: { slack: { status: "sent" as const } },
    };
    const service = meteredNotifications(
      serviceAnswering(
        { channels: { slack: { status: "skipped", reason: "muted" } }, digest },
        { pointers: 1, digests: [digest, digest], failed: 0, deferred: 0 },
      ),
      metrics,
    );

    await service.notify(message, { dedupeKey: "k" });
    await service.sweepDigests(0);

    expect(metrics.counted.map((c) => c.dimensions.outcome)).toEqual(["sent", "muted", "sent", "sent"]);
  });

  it("counts what a DeliveryError reports, its failed channel as failed, and rethrows it for Lambda's retry", async () => {
    const metrics = countingMetrics();
    const error = new DeliveryError([{ channel: "slack", error: new SlackUnavailableError(3, "HTTP 503") }], {
      channels: { email: { status: "sent" } },
    });
    const failing: NotificationService = {
      notify: async () => {
        throw error;
      },
      sweepDigests: async () => ({ pointers: 0, digests: [], failed: 0, deferred: 0 }),
    };

    await expect(meteredNotifications(failing, metrics).notify(message, { dedupeKey: "k" })).rejects.toBe(
      error,
    );
    expect(metrics.counted.map((c) => [c.name, c.dimensions])).toEqual([
      ["Notifications", { channel: "email", outcome: "sent" }],
      ["Notifications", { channel: "slack", outcome: "failed" }],
      ["DeliveryFailures", {}],
    ]);
  });

  it("counts nothing for another error, which is no delivery outcome", async () => {
    const metrics = countingMetrics();
    const failing: NotificationService = {
      notify: async () => {
        throw new TypeError("bug");
      },
      sweepDigests: async () => ({ pointers: 0, digests: [], failed: 0, deferred: 0 }),
    };

    await expect(meteredNotifications(failing, metrics).notify(message, { dedupeKey: "k" })).rejects.toThrow(
      "bug",
    );
    expect(metrics.counted).toEqual([]);
  });
});

describe("retryCounter", () => {
  it("counts a transport's retry under its channel's name", () => {
    const metrics = countingMetrics();

    retryCounter(metrics)("PagerDuty");

    expect(metrics.counted).toEqual([
      { name: "DeliveryRetries", dimensions: { channel: "pagerduty" }, value: 1 },
    ]);
  });
});
