/**
 * Preparing a message (its costly context) never costs the message, except when a module loaded on first use
 * would not load: that is a broken bundle, so the event fails, its claim is released and a retry sends it.
 */
import { describe, expect, it } from "vitest";
import { ModuleLoadError } from "../../../src/shared/load-once.js";
import type { Message } from "../../../src/shared/notify/message.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import { stopMessage } from "./stop-message.js";

function service() {
  const subjects: string[] = [];
  const notifications = buildNotificationService({
    channels: { email: async (mail) => void subjects.push(mail.subject) },
    render: {
      slack: () => ({ text: "", blocks: [] }),
      email: (m) => ({ subject: m.title, body: "", attributes: {} }),
    },
    store: memoryStore(),
  });
  return { notifications, subjects };
}

const meta = { dedupeKey: "task#1#stop", throttleKey: "prod#service:api#out-of-memory" };
const withContext = async (message: Message) => ({ ...message, title: `${message.title} (with context)` });

describe("preparing a message", () => {
  it("sends the message as it was when its context fails", async () => {
    const { notifications, subjects } = service();

    await notifications.notify(stopMessage(), {
      ...meta,
      prepare: async () => {
        throw new Error("CloudWatch Logs throttled");
      },
    });

    expect(subjects).toEqual(["api: container `web` ran out of memory"]);
  });

  it("fails the event when a module would not load, and releases it so the retry sends the message", async () => {
    const { notifications, subjects } = service();
    const broken = async (): Promise<Message> => {
      throw new ModuleLoadError("could not load the log tail reader: Cannot find module");
    };

    const failed = notifications.notify(stopMessage(), { ...meta, prepare: broken });
    await expect(failed).rejects.toBeInstanceOf(ModuleLoadError);
    const retried = await notifications.notify(stopMessage(), { ...meta, prepare: withContext });

    expect(retried.channels.email).toEqual({ status: "sent" });
    expect(subjects).toEqual(["api: container `web` ran out of memory (with context)"]);
  });
});
