/**
 * A channel that refuses the message itself (PagerDuty's 400 "invalid event", Teams' 400 or 413) would refuse it
 * again: the event is not retried for it (the other channels keep their delivery), and the refusal is logged.
 * An authorization or unavailability failure is still thrown, so Lambda retries the event.
 */
import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import {
  DeliveryError,
  PagerDutyRejectedError,
  TeamsRejectedError,
  TeamsUnavailableError,
} from "../../../src/shared/notify/transports/errors.js";
import { recordingLogger } from "./recording-logger.js";
import { stopMessage } from "./stop-message.js";

const STOP: Message = stopMessage();

function service(teamsError: Error, pagerDutyError?: Error) {
  const email: string[] = [];
  const logger = recordingLogger();
  const notifications = buildNotificationService({
    channels: {
      email: async (mail) => void email.push(mail.subject),
      teams: async () => {
        throw teamsError;
      },
      pagerduty: {
        trigger: async () => {
          if (pagerDutyError) throw pagerDutyError;
        },
        resolve: async () => {},
      },
    },
    render: {
      slack: () => ({ text: "", blocks: [] }),
      email: (m) => ({ subject: m.title, body: "", attributes: {} }),
    },
    store: memoryStore(),
    logger,
  });
  return { notifications, email, logger };
}

const meta = { dedupeKey: "task#1#stop", throttleKey: "prod#service:api#out-of-memory" };

describe("a channel that refuses the message itself", () => {
  it("is logged and not retried, while the other channels keep the message", async () => {
    const { notifications, email, logger } = service(
      new TeamsRejectedError(400, "AdaptiveCard invalid"),
      new PagerDutyRejectedError(400, "Event object is invalid", ["'payload.summary' is missing"]),
    );

    const outcome = await notifications.notify(STOP, meta);

    expect(email).toEqual(["api: container `web` ran out of memory"]);
    expect(outcome.channels.teams).toMatchObject({ status: "failed" });
    expect(outcome.channels.pagerduty).toMatchObject({ status: "failed" });
    expect(logger.lines.filter((l) => /refused the message for good/.test(l.message))).toHaveLength(2);
  });

  it("is a delivery failure when the channel is only unavailable, so the event is retried", async () => {
    const { notifications } = service(new TeamsUnavailableError(5, "HTTP 503"));

    await expect(notifications.notify(STOP, meta)).rejects.toBeInstanceOf(DeliveryError);
  });

  it("is retried when Teams refuses the URL (a revoked workflow may be replaced meanwhile)", async () => {
    const { notifications } = service(new TeamsRejectedError(404, "not found"));

    await expect(notifications.notify(STOP, meta)).rejects.toBeInstanceOf(DeliveryError);
  });
});
