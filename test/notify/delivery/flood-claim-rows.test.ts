import { afterEach, describe, expect, it, vi } from "vitest";
import { RECORD_GRACE_MS } from "../../../src/shared/notify/deliver-once.js";
import type { EmailMessage, Message, SlackPayload } from "../../../src/shared/notify/message.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import type { EventRows, NotificationStore } from "../../../src/shared/notify/store/types.js";
import { DeliveryError } from "../../../src/shared/notify/transports/errors.js";
import { recordingLogger } from "./recording-logger.js";
import { stopMessage } from "./stop-message.js";

const T0 = Date.parse("2024-05-01T10:00:00Z");
const ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";
const THROTTLE_KEY = "prod#service:api#out-of-memory";

const message = (severity: Message["severity"] = "critical"): Message => stopMessage({ severity });

function harness() {
  const slack: SlackPayload[] = [];
  const email: EmailMessage[] = [];
  const failures = { slack: 0 };
  const store = memoryStore();
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
        email.push(mail);
      },
    },
    render: {
      slack: (m) => ({ text: m.title, blocks: [] }),
      email: (m) => ({ subject: m.title, body: m.cause, attributes: { severity: m.severity } }),
    },
    store,
    clock: () => T0,
    logger: recordingLogger(),
  });
  return { service, store, slack, email, failures };
}

const rowsOf = (task: string): EventRows => ({
  items: [{ pk: "history#prod#service:api", sk: `2024-05-01T09:59:00.000Z#${task}` }],
  written: false,
});

function stop(task: string, rows: EventRows, at = T0) {
  return {
    dedupeKey: `task#${task}#stop`,
    throttleKey: THROTTLE_KEY,
    serviceArn: ARN,
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${task}`,
    occurredAt: at,
    rows,
  };
}

describe("notify: a stop's claim, flood count and rows in as few store operations as the outcome needs", () => {
  it("sends the stop that opens a window to Slack in three operations, its rows written with the claim", async () => {
    const h = harness();
    const rows = rowsOf("t1");

    const outcome = await h.service.notify(message("warning"), stop("t1", rows));

    expect(outcome.channels.slack).toEqual({ status: "sent" });
    expect(h.store.operations).toBe(3);
    expect(rows.written).toBe(true);
    expect(h.store.rows.size).toBe(1);
  });

  it("sends a stop to Slack and email together in three operations: the completing write records both", async () => {
    const h = harness();

    const outcome = await h.service.notify(message("critical"), stop("t1", rowsOf("t1")));

    expect(outcome.channels).toEqual({ slack: { status: "sent" }, email: { status: "sent" } });
    expect(h.slack).toHaveLength(1);
    expect(h.email).toHaveLength(1);
    expect(h.store.operations).toBe(3);
    expect(await h.store.claim("task#t1#stop", { owner: "x", now: T0, leaseMs: 1 })).toEqual({
      status: "duplicate",
      state: "done",
    });
  });

  describe("when one channel is still in flight a while after another was delivered", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("records the delivered channel at once, and the slow one with the completing write", async () => {
      vi.useFakeTimers();
      const store = memoryStore();
      const recorded: string[] = [];
      let slackRecorded: () => void = () => {};
      const slackSaved = new Promise<void>((resolve) => {
        slackRecorded = resolve;
      });
      const observed: NotificationStore = Object.assign(Object.create(store) as NotificationStore, {
        recordDelivered: async (...args: Parameters<NotificationStore["recordDelivered"]>) => {
          await store.recordDelivered(...args);
          recorded.push(args[1]);
          slackRecorded();
        },
      });
      const service = buildNotificationService({
        channels: {
          slack: async () => {},
          // Email is still in flight until Slack's delivery has been saved on its own.
          email: async () => {
            await slackSaved;
          },
        },
        render: {
          slack: (m) => ({ text: m.title, blocks: [] }),
          email: (m) => ({ subject: m.title, body: m.cause, attributes: {} }),
        },
        store: observed,
        clock: () => T0,
        logger: recordingLogger(),
      });

      const notified = service.notify(message("critical"), stop("t1", rowsOf("t1")));
      await vi.advanceTimersByTimeAsync(RECORD_GRACE_MS);
      const outcome = await notified;

      expect(outcome.channels).toEqual({ slack: { status: "sent" }, email: { status: "sent" } });
      expect(recorded).toEqual(["slack"]);
      expect(store.operations).toBe(4);
      expect(await store.claim("task#t1#stop", { owner: "x", now: T0, leaseMs: 1 })).toEqual({
        status: "duplicate",
        state: "done",
      });
    });
  });

  it("counts a stop of the open window in one operation, its rows written with the count", async () => {
    const h = harness();
    await h.service.notify(message(), stop("t1", rowsOf("t1")));
    const before = h.store.operations;
    const rows = rowsOf("t2");

    const outcome = await h.service.notify(message(), stop("t2", rows, T0 - 1));

    expect(outcome.channels.slack).toEqual({ status: "skipped", reason: "throttled" });
    expect(h.store.operations - before).toBe(1);
    expect(rows.written).toBe(true);
    expect(h.store.rows.size).toBe(2);
  });

  it("marks a duplicate copy's rows written by the first copy's claim and does not count it again", async () => {
    const h = harness();
    await h.service.notify(message(), stop("t1", rowsOf("t1")));
    await h.service.notify(message(), stop("t2", rowsOf("t2")));
    const before = h.store.operations;
    const copyRows = rowsOf("t2");

    const copy = await h.service.notify(message(), stop("t2", copyRows));

    expect(copy.channels.slack).toEqual({ status: "skipped", reason: "duplicate" });
    expect(copyRows.written).toBe(true);
    expect(h.store.operations - before).toBe(1);
    const [pointer] = await h.store.duePointers(T0 + 24 * 60 * 60_000);
    const closed = pointer ? await h.store.closeDue(pointer, T0 + 24 * 60 * 60_000) : undefined;
    expect(closed?.digest?.count).toBe(1);
  });

  it("leaves a duplicate copy's rows to the caller when the first copy's claim carried none", async () => {
    const h = harness();
    await h.service.notify(message(), stop("t1", rowsOf("t1")));
    await h.service.notify(message(), { ...stop("t2", rowsOf("t2")), rows: undefined });
    const copyRows = rowsOf("t2");

    const copy = await h.service.notify(message(), stop("t2", copyRows));

    expect(copy.channels.slack).toEqual({ status: "skipped", reason: "duplicate" });
    expect(copyRows.written).toBe(false);
  });

  it("leaves the rows of a message no channel takes to the caller", async () => {
    const h = harness();
    const rows = rowsOf("t1");

    await h.service.notify({ ...message("info"), category: "scaling" }, stop("t1", rows));

    expect(rows.written).toBe(false);
    expect(h.store.operations).toBe(0);
  });

  it("re-sends only the failed channel on the retry, which leaves its rows to the caller", async () => {
    const h = harness();
    h.failures.slack = 1;
    const firstRows = rowsOf("t1");
    const failed = await h.service.notify(message(), stop("t1", firstRows)).catch((error: unknown) => error);
    const retryRows = rowsOf("t1");

    const retry = await h.service.notify(message(), stop("t1", retryRows));

    expect(failed).toBeInstanceOf(DeliveryError);
    expect(firstRows.written).toBe(true);
    expect(retry.channels).toEqual({
      slack: { status: "sent" },
      email: { status: "skipped", reason: "duplicate" },
    });
    expect(retryRows.written).toBe(false);
    expect(h.slack).toHaveLength(1);
    expect(h.email).toHaveLength(1);
  });
});
