import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { buildNotificationService } from "../../../src/shared/notify/notifier.js";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";

const SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/prod/api";
const NOW = Date.parse("2026-12-02T10:00:00Z");

const oom: Message = {
  kind: "task-stopped",
  severity: "critical",
  category: "out-of-memory",
  title: "api: out of memory",
  cause: "",
  evidence: [],
  remediation: [],
  facts: [],
  links: [],
};

function service(mutedUntil: number | undefined) {
  const sent: string[] = [];
  const notifications = buildNotificationService({
    channels: {
      slack: async (payload) => void sent.push(`slack ${payload.text}`),
      email: async (mail) => void sent.push(`email ${mail.subject}`),
    },
    render: {
      slack: (m) => ({ text: m.title, blocks: [] }),
      email: (m) => ({ subject: m.title, body: "", attributes: {} }),
    },
    store: memoryStore(),
    clock: () => NOW,
    mutedUntil: async () => mutedUntil,
  });
  return { notifications, sent };
}

describe("a service muted from Slack", () => {
  it("sends nothing to any channel until the mute ends", async () => {
    const { notifications, sent } = service(NOW + 60_000);

    const outcome = await notifications.notify(oom, { dedupeKey: "task#1", serviceArn: SERVICE });

    expect(sent).toEqual([]);
    expect(outcome.channels).toEqual({
      slack: { status: "skipped", reason: "muted" },
      email: { status: "skipped", reason: "muted" },
    });
  });

  it("sends again once the mute has ended", async () => {
    const { notifications, sent } = service(NOW - 1);

    await notifications.notify(oom, { dedupeKey: "task#2", serviceArn: SERVICE });

    expect(sent).toEqual(["slack api: out of memory", "email api: out of memory"]);
  });
});
