import { describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { renderSlack } from "../../../src/shared/notify/render/index.js";
import type {
  PostMessageRequest,
  SlackApi,
  SlackErrorAction,
  UpdateRequest,
} from "../../../src/shared/notify/slack-app/api-port.js";
import {
  buildSlackAppChannel,
  type SlackAppDeps,
} from "../../../src/shared/notify/slack-app/thread-delivery.js";
import { memoryThreadStore } from "../../../src/shared/notify/threads/memory-thread-store.js";
import type { ThreadMeta } from "../../../src/shared/notify/threads/types.js";
import { silentLogger } from "../../../src/shared/notify/transports/ports.js";

const T0 = Date.parse("2026-12-02T10:00:00Z");
const MINUTE = 60_000;

class FakeSlackError extends Error {
  override readonly name = "SlackApiError";
  constructor(
    readonly code: string,
    readonly action: SlackErrorAction,
  ) {
    super(`Slack answered ${code}`);
  }
}

/** Keeps Slack's rules that matter here: ts per post, replies only under known parents, edits of known ts. */
function fakeSlack() {
  const posts: Array<PostMessageRequest & { ts: string }> = [];
  const edits: UpdateRequest[] = [];
  const failNext: Array<{ method: "post" | "update"; error: Error }> = [];
  const refusedChannels = new Set<string>();
  let n = 0;
  const fail = (method: "post" | "update") => {
    const index = failNext.findIndex((f) => f.method === method);
    if (index >= 0) throw failNext.splice(index, 1)[0]?.error;
  };
  const api: SlackApi = {
    async postMessage(request) {
      fail("post");
      if (refusedChannels.has(request.channel)) throw new FakeSlackError("is_archived", "channel");
      if (request.thread_ts && !posts.some((p) => p.ts === request.thread_ts && !p.thread_ts))
        throw new FakeSlackError("thread_not_found", "repost");
      n += 1;
      const ts = `1765000000.${String(n).padStart(6, "0")}`;
      posts.push({ ...request, ts });
      return { channel: request.channel, ts };
    },
    async update(request) {
      fail("update");
      if (!posts.some((p) => p.ts === request.ts)) throw new FakeSlackError("message_not_found", "repost");
      edits.push(request);
      return { channel: request.channel, ts: request.ts };
    },
  };
  return {
    api,
    posts,
    edits,
    failNext,
    refusedChannels,
    topLevel: () => posts.filter((p) => !p.thread_ts),
    replies: () => posts.filter((p) => p.thread_ts),
  };
}

function message(title: string, at = T0): Message {
  return {
    kind: "task-stopped",
    severity: "critical",
    category: "out-of-memory",
    title,
    cause: "The container ran out of memory.",
    evidence: [],
    remediation: [],
    facts: [{ label: "Service", value: "api" }],
    links: [],
    time: new Date(at).toISOString(),
  };
}

function setup(overrides: Partial<SlackAppDeps> = {}) {
  const slack = fakeSlack();
  const threads = memoryThreadStore();
  let now = T0;
  const channel = buildSlackAppChannel({
    api: slack.api,
    threads,
    defaultChannel: "C0DEFAULT01",
    render: renderSlack,
    logger: silentLogger,
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    ...overrides,
  });
  return { slack, threads, channel, advance: (ms: number) => (now += ms) };
}

const incident = (at: number, detailKey = "out-of-memory#oom#137"): ThreadMeta => ({
  key: "incident#prod#service:api#out-of-memory",
  idleMs: 10 * MINUTE,
  detailKey,
  patch: { at, add: { Occurrences: 1 } },
});

describe("the Slack app channel", () => {
  it("posts a message without a thread on its own", async () => {
    const { slack, channel } = setup();

    await channel.deliver(message("api: out of memory"), {});

    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.topLevel()[0]?.channel).toBe("C0DEFAULT01");
  });

  it("opens an incident thread once, then edits its count instead of posting again", async () => {
    const { slack, channel } = setup();

    await channel.deliver(message("first"), { thread: incident(T0) });
    await channel.deliver(message("second", T0 + MINUTE), { thread: incident(T0 + MINUTE) });
    await channel.deliver(message("third", T0 + 2 * MINUTE), { thread: incident(T0 + 2 * MINUTE) });

    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.replies()).toHaveLength(0);
    expect(slack.edits).toHaveLength(2);
    expect(JSON.stringify(slack.edits.at(-1)?.blocks)).toContain("Occurrences");
    expect(JSON.stringify(slack.edits.at(-1)?.blocks)).toContain("3");
  });

  it("replies once per new detail in a thread, and no more than the cap", async () => {
    const { slack, channel } = setup();
    await channel.deliver(message("first"), { thread: incident(T0, "oom#137") });

    await channel.deliver(message("exit 1"), { thread: incident(T0 + 1, "oom#1") });
    await channel.deliver(message("exit 1 again"), { thread: incident(T0 + 2, "oom#1") });
    for (let code = 2; code < 12; code++)
      await channel.deliver(message(`exit ${code}`), { thread: incident(T0 + 2 + code, `oom#${code}`) });

    // The opening message counts as the first detail; four more replies reach the cap of five.
    expect(slack.replies()).toHaveLength(4);
    expect(slack.replies()[0]?.text).toContain("exit 1");
  });

  it("opens a new thread when the incident went quiet for longer than its idle time", async () => {
    const { slack, channel } = setup();
    await channel.deliver(message("morning"), { thread: incident(T0) });

    await channel.deliver(message("afternoon", T0 + 5 * 60 * MINUTE), {
      thread: incident(T0 + 5 * 60 * MINUTE),
    });

    expect(slack.topLevel()).toHaveLength(2);
  });

  it("posts exactly one parent when deliveries of one thread race", async () => {
    const { slack, channel } = setup();

    await Promise.all(
      [0, 1, 2, 3, 4].map((i) => channel.deliver(message(`stop ${i}`, T0 + i), { thread: incident(T0 + i) })),
    );

    expect(slack.topLevel()).toHaveLength(1);
  });

  it("joins an existing thread only, falling back when it does not exist", async () => {
    const { slack, channel } = setup();
    const deployment: ThreadMeta = {
      key: "deployment#arn:svc#ecs-svc/1",
      joinOnly: true,
      patch: { at: T0, add: { "Failed tasks": 1 } },
      fallback: incident(T0),
    };

    await channel.deliver(message("stop of an unknown deployment"), { thread: deployment });

    expect(slack.topLevel()).toHaveLength(1);
    expect(JSON.stringify(slack.topLevel()[0]?.blocks)).toContain("Occurrences");
  });

  it("lets an alias lead a later event to the thread it was made for", async () => {
    const { slack, channel } = setup();
    await channel.deliver(message("deployment started"), {
      thread: { key: "deployment#svc#d1", aliases: ["deployment-latest#svc"], reply: false },
    });

    await channel.deliver(message("rolling back"), {
      thread: { key: "deployment-latest#svc", joinOnly: true, aliases: ["deployment#svc#d2"] },
    });
    await channel.deliver(message("rollback completed"), { thread: { key: "deployment#svc#d2" } });

    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.replies().map((r) => r.text)).toEqual([
      expect.stringContaining("rolling back"),
      expect.stringContaining("rollback completed"),
    ]);
  });

  it("opens with a separate card and replies with the message that opened it", async () => {
    const { slack, channel } = setup();

    await channel.deliver(message("deployment failed"), {
      thread: { key: "deployment#svc#d1", opening: message("api: deployment to api:42") },
    });

    expect(slack.topLevel()[0]?.text).toContain("api: deployment to api:42");
    expect(slack.replies()[0]?.text).toContain("deployment failed");
  });

  it("posts the card again when the parent is gone, and keeps the thread there", async () => {
    const { slack, channel } = setup();
    await channel.deliver(message("first"), { thread: incident(T0) });
    slack.failNext.push({ method: "update", error: new FakeSlackError("message_not_found", "repost") });

    await channel.deliver(message("second", T0 + 1), { thread: incident(T0 + 1) });
    await channel.deliver(message("third", T0 + 2), { thread: incident(T0 + 2) });

    expect(slack.topLevel()).toHaveLength(2);
    expect(slack.edits.at(-1)?.ts).toBe(slack.topLevel()[1]?.ts);
  });

  it("uses the default channel when the service's channel cannot take posts", async () => {
    const { slack, channel } = setup();
    slack.refusedChannels.add("C0ARCHIVED1");

    await channel.deliver(message("to an archived channel"), {
      channel: "C0ARCHIVED1",
      thread: incident(T0),
    });

    expect(slack.topLevel().map((p) => p.channel)).toEqual(["C0DEFAULT01"]);
  });

  it("gives up its claim when the parent cannot be posted, so the retry posts it", async () => {
    const { slack, channel } = setup();
    slack.failNext.push({ method: "post", error: new FakeSlackError("ratelimited", "retry") });

    await expect(channel.deliver(message("first"), { thread: incident(T0) })).rejects.toThrow("ratelimited");
    await channel.deliver(message("first"), { thread: incident(T0) });

    expect(slack.topLevel()).toHaveLength(1);
  });

  it("posts nothing but the card for a below-minimum event", async () => {
    const { slack, channel } = setup();
    await channel.deliver(message("started"), {
      thread: {
        key: "deployment#svc#d1",
        reply: false,
        patch: { at: T0, state: { text: "In progress", severity: "info" } },
      },
    });

    await channel.deliver(message("completed"), {
      cardOnly: true,
      thread: {
        key: "deployment#svc#d1",
        patch: { at: T0 + 1, state: { text: "Completed", severity: "info", final: true } },
      },
    });

    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.replies()).toHaveLength(0);
    expect(JSON.stringify(slack.edits.at(-1)?.blocks)).toContain("Completed");
  });

  it("counts flood-controlled events on the card, editing at most once per interval", async () => {
    const { slack, channel, threads, advance } = setup({ editIntervalMs: 10_000 });
    await channel.deliver(message("first"), { thread: incident(T0) });

    for (let i = 1; i <= 5; i++)
      await channel.touch(message(`stop ${i}`, T0 + i), { thread: incident(T0 + i) });
    advance(10_000);
    await channel.touch(message("stop 6", T0 + 6), { thread: incident(T0 + 6) });

    expect(slack.edits).toHaveLength(2);
    const record = await threads.find("C0DEFAULT01", incident(T0).key);
    expect(record?.card.counters).toEqual({ Occurrences: 7 });
    expect(slack.posts).toHaveLength(1);
  });

  it("never opens a thread for a flood-controlled event", async () => {
    const { slack, channel } = setup();

    await channel.touch(message("counted"), { thread: incident(T0) });

    expect(slack.posts).toHaveLength(0);
  });
});
