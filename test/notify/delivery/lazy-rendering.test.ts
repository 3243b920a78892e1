/**
 * The renderers load with the first message that goes out: a stop flood control counts, or a duplicate, renders
 * nothing; renderers that would not load fail the event (its claim released), so a retry sends it.
 */
import { describe, expect, it } from "vitest";
import { ModuleLoadError } from "../../../src/shared/load-once.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import type { MessageRenderers } from "../../../src/shared/notify/service-context.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import { stopMessage } from "./stop-message.js";

const RENDERERS: MessageRenderers = {
  slack: (m) => ({ text: m.title, blocks: [] }),
  email: (m) => ({ subject: m.title, body: "", attributes: {} }),
};

function service(load: () => Promise<MessageRenderers>) {
  const sent: string[] = [];
  const notifications = buildNotificationService({
    channels: {
      slack: async (payload) => void sent.push(`slack ${payload.text}`),
      email: async (mail) => void sent.push(`email ${mail.subject}`),
    },
    render: load,
    store: memoryStore(),
    clock: () => Date.parse("2024-05-02T10:00:00.000Z"),
  });
  return { notifications, sent };
}

const throttleKey = "prod#service:api#out-of-memory";

describe("rendering on first use", () => {
  it("asks for the renderers only for the message that goes out, not for the stops counted or repeated", async () => {
    let loads = 0;
    const { notifications, sent } = service(async () => {
      loads++;
      return RENDERERS;
    });

    await notifications.notify(stopMessage(), { dedupeKey: "task#1#stop", throttleKey });
    await notifications.notify(stopMessage(), { dedupeKey: "task#1#stop", throttleKey });
    const counted = await notifications.notify(stopMessage(), { dedupeKey: "task#2#stop", throttleKey });

    expect(loads).toBe(1);
    expect(sent).toEqual([
      "slack api: container `web` ran out of memory",
      "email api: container `web` ran out of memory",
    ]);
    expect(counted.channels.slack).toEqual({ status: "skipped", reason: "throttled" });
  });

  it("fails the event when the renderers would not load, and the retry sends the message", async () => {
    let loads = 0;
    const { notifications, sent } = service(async () => {
      loads++;
      if (loads === 1) throw new ModuleLoadError("could not load the message renderers: Cannot find module");
      return RENDERERS;
    });
    const meta = { dedupeKey: "task#1#stop", throttleKey };

    await expect(notifications.notify(stopMessage(), meta)).rejects.toBeInstanceOf(ModuleLoadError);
    const retried = await notifications.notify(stopMessage(), meta);

    expect(retried.channels.slack).toEqual({ status: "sent" });
    expect(sent).toHaveLength(2);
  });
});
