import { describe, expect, it } from "vitest";
import { asNotifier } from "../../../src/shared/notify/as-notifier.js";
import type { EmailMessage, SlackPayload } from "../../../src/shared/notify/message.js";
import {
  buildNotificationService,
  type NotificationServiceDeps,
} from "../../../src/shared/notify/notifier.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import { DeliveryError } from "../../../src/shared/notify/transports/errors.js";
import { recordingLogger } from "./recording-logger.js";
import { stopMessage } from "./stop-message.js";

const MIN = 60_000;
const ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";

const message = stopMessage;

function harness(extra: Partial<NotificationServiceDeps> = {}) {
  let now = Date.parse("2024-05-01T10:00:00Z");
  const slack: SlackPayload[] = [];
  const email: EmailMessage[] = [];
  const failures = { slack: 0, email: 0 };
  const store = memoryStore();
  const logger = recordingLogger();
  const service = buildNotificationService({
    channels: {
      slack: async (payload) => {
        if (failures.slack > 0) {
          failures.slack--;
          throw new Error("HTTP 503");
        }
        slack.push(payload);
      },
      email: async (mail) => {
        if (failures.email > 0) {
          failures.email--;
          throw new Error("SNS down");
        }
        email.push(mail);
      },
    },
    render: {
      slack: (m) => ({ text: m.title, blocks: [] }),
      email: (m) => ({ subject: m.title, body: m.cause, attributes: { severity: m.severity } }),
    },
    store,
    clock: () => now,
    logger,
    ...extra,
  });
  return {
    service,
    slack,
    email,
    failures,
    store,
    logger,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const meta = (dedupeKey: string, throttleKey?: string) => ({ dedupeKey, throttleKey, serviceArn: ARN });

describe("notify: routing", () => {
  it("sends a warning to Slack only and reports email as routed out", async () => {
    const h = harness();

    const outcome = await h.service.notify(message({ severity: "warning" }), meta("e1"));

    expect(outcome.channels).toEqual({
      slack: { status: "sent" },
      email: { status: "skipped", reason: "routed-out" },
    });
    expect(h.slack).toHaveLength(1);
    expect(h.email).toHaveLength(0);
  });

  it("sends an expected info stop nowhere and writes no state", async () => {
    const h = harness();

    const outcome = await h.service.notify(message({ severity: "info", category: "scaling" }), meta("e1"));

    expect(outcome.channels.slack).toEqual({ status: "skipped", reason: "routed-out" });
    expect(h.store.operations).toBe(0);
  });

  it("mutes a service through its tags and logs bad tag values", async () => {
    const h = harness({
      tagsFor: async () => ({ "ecs-sentinel:mute": "out-of-memory", "ecs-sentinel:channels": "pager" }),
    });

    const outcome = await h.service.notify(message(), meta("e1"));

    expect(outcome.channels.slack).toEqual({ status: "skipped", reason: "muted" });
    expect(h.slack).toHaveLength(0);
    expect(h.logger.text()).toContain("ecs-sentinel:channels");
  });
});

describe("notify: exactly once", () => {
  it("skips a second delivery of the same event as a duplicate", async () => {
    const h = harness();

    await h.service.notify(message(), meta("e1"));
    const again = await h.service.notify(message(), meta("e1"));

    expect(again.channels).toEqual({
      slack: { status: "skipped", reason: "duplicate" },
      email: { status: "skipped", reason: "duplicate" },
    });
    expect(h.slack).toHaveLength(1);
    expect(h.email).toHaveLength(1);
  });

  it("posts once when 20 copies arrive concurrently", async () => {
    const h = harness();

    await Promise.all(Array.from({ length: 20 }, () => h.service.notify(message(), meta("e1"))));

    expect(h.slack).toHaveLength(1);
    expect(h.email).toHaveLength(1);
  });

  it("delivers email when Slack fails, throws DeliveryError, and the retry posts only to Slack", async () => {
    const h = harness();
    h.failures.slack = 1;

    const error = await h.service.notify(message(), meta("e1")).catch((e: unknown) => e);
    const retry = await h.service.notify(message(), meta("e1"));

    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).failedChannels).toEqual(["slack"]);
    expect(retry.channels).toEqual({
      slack: { status: "sent" },
      email: { status: "skipped", reason: "duplicate" },
    });
    expect(h.slack).toHaveLength(1);
    expect(h.email).toHaveLength(1);
  });

  it("does not count the retry of a failed first message as throttled", async () => {
    const h = harness();
    h.failures.slack = 1;

    await h.service.notify(message({ severity: "warning" }), meta("e1", "api#oom")).catch(() => undefined);
    const retry = await h.service.notify(message({ severity: "warning" }), meta("e1", "api#oom"));

    expect(retry.channels.slack).toEqual({ status: "sent" });
  });
});

describe("notify: flood control", () => {
  it("sends the first message of a key and counts the rest of the window", async () => {
    const h = harness();

    const first = await h.service.notify(message(), meta("e1", "api#oom"));
    const second = await h.service.notify(message(), meta("e2", "api#oom"));

    expect(first.channels.slack).toEqual({ status: "sent" });
    expect(second.channels.slack).toEqual({ status: "skipped", reason: "throttled" });
    expect(h.slack).toHaveLength(1);
  });

  it("sends the digest before the first message of the next window", async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) await h.service.notify(message(), meta(`e${i}`, "api#oom"));

    h.advance(10 * MIN);
    const next = await h.service.notify(message(), meta("e5", "api#oom"));

    expect(next.digest).toMatchObject({ count: 4, settled: true });
    expect(h.slack.map((p) => p.text)).toEqual([
      "api: container `web` ran out of memory",
      expect.stringContaining("4 more out-of-memory stops"),
      "api: container `web` ran out of memory",
    ]);
  });

  it("never merges different categories or scopes", async () => {
    const h = harness();

    await h.service.notify(message(), meta("a", "api"));
    await h.service.notify(message({ category: "app-exit" }), meta("b", "api"));
    await h.service.notify(message({ service: "worker" }), meta("c", "worker"));

    expect(h.slack).toHaveLength(3);
  });

  it("sends pending digests at the sweep once the window has ended, exactly once", async () => {
    const h = harness();
    for (let i = 0; i < 4; i++) await h.service.notify(message(), meta(`e${i}`, "api#oom"));

    const early = await h.service.sweepDigests();
    h.advance(10 * MIN);
    const due = await h.service.sweepDigests();
    const again = await h.service.sweepDigests();

    expect(early.digests).toEqual([]);
    expect(due.digests).toMatchObject([{ count: 3, settled: true }]);
    expect(again).toMatchObject({ pointers: 0, digests: [] });
    expect(h.slack.at(-1)?.text).toContain("3 more out-of-memory stops");
  });

  it("keeps a digest whose delivery failed for the next sweep", async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) await h.service.notify(message(), meta(`e${i}`, "api#oom"));
    h.advance(10 * MIN);
    h.failures.slack = 1;

    const failed = await h.service.sweepDigests();
    const retried = await h.service.sweepDigests();

    expect(failed.failed).toBe(1);
    expect(retried.digests).toMatchObject([{ count: 2, settled: true }]);
    expect(h.slack.filter((p) => p.text.includes("more out-of-memory stops"))).toHaveLength(1);
    expect(h.email.filter((m) => m.subject.includes("more out-of-memory stops"))).toHaveLength(1);
  });
});

describe("notify: dry run and the Notifier port", () => {
  it("returns the rendered payloads without sending or writing state", async () => {
    const h = harness({ dryRun: true });

    const outcome = await h.service.notify(message(), meta("e1", "api"));

    expect(outcome.channels.slack).toEqual({
      status: "dry-run",
      payload: { text: "api: container `web` ran out of memory", blocks: [] },
    });
    expect(h.slack).toHaveLength(0);
    expect(h.store.operations).toBe(0);
  });

  it("maps outcomes to one entry per channel for the flows", async () => {
    const h = harness();
    const notify = asNotifier(h.service);

    const outcomes = await notify(message({ severity: "warning" }), meta("e1"));

    expect(outcomes).toEqual([
      { channel: "slack", status: "sent" },
      { channel: "email", status: "skipped", reason: "routed-out" },
    ]);
  });
});
