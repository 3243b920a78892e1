/**
 * One task = one stop: the task flow with the real notification service on the in-memory store. Fixtures are
 * the AWS-documented events in test/fixtures/stopped-tasks, adapted where a test says so (a second copy of a
 * task's STOPPED event gets a new event id and a higher `detail.version`, as ECS sends it).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import type { HistoryStore } from "../../src/shared/enrich/history-store.js";
import type { TaskStateChangeEvent } from "../../src/shared/events/parse.js";
import { parseEcsEvent } from "../../src/shared/events/parse.js";
import { handleTaskStateChange, type TaskFlowDeps } from "../../src/shared/flows/task-stopped.js";
import { silentLog } from "../../src/shared/log.js";
import { asNotifier } from "../../src/shared/notify/as-notifier.js";
import type { EmailMessage, SlackPayload } from "../../src/shared/notify/message.js";
import { buildNotificationService } from "../../src/shared/notify/notifier.js";
import { renderEmail, renderSlack } from "../../src/shared/notify/render/index.js";
import { memoryStore } from "../../src/shared/notify/store/index.js";

const NOW = Date.parse("2030-01-01T00:00:00Z");

function fixture(name: string): TaskStateChangeEvent {
  const url = new URL(`../fixtures/stopped-tasks/${name}.json`, import.meta.url);
  return parseEcsEvent(JSON.parse(readFileSync(url, "utf8"))) as TaskStateChangeEvent;
}

/** Adapted: another event of the same task state, as ECS or EventBridge would send it. */
function copyOf(event: TaskStateChangeEvent, change: { id: string; version?: number; time?: string }) {
  return {
    ...event,
    id: change.id,
    time: change.time ?? event.time,
    detail: { ...event.detail, version: change.version ?? event.detail.version },
  };
}

/** Adapted: the same stop, for another task of the service stopped at another time. */
function otherTask(event: TaskStateChangeEvent, n: number, stoppedAt: string): TaskStateChangeEvent {
  const taskArn = event.detail.taskArn.replace(/[0-9a-f]{32}$/, n.toString(16).padStart(32, "0"));
  return { ...event, id: `event-${n}`, time: stoppedAt, detail: { ...event.detail, taskArn, stoppedAt } };
}

function harness(extra: Partial<TaskFlowDeps> = {}) {
  const slack: SlackPayload[] = [];
  const email: EmailMessage[] = [];
  const service = buildNotificationService({
    channels: {
      slack: async (payload) => {
        slack.push(payload);
      },
      email: async (message) => {
        email.push(message);
      },
    },
    render: { slack: renderSlack, email: renderEmail },
    store: memoryStore(),
    clock: () => NOW,
  });
  const deps: TaskFlowDeps = { notify: asNotifier(service), log: silentLog, ...extra };
  return { service, slack, email, deps };
}

describe("task flow: one task is one stop", () => {
  it("notifies a task once when ECS sends a second STOPPED event with a new id and a higher version", async () => {
    const h = harness();
    const first = fixture("out-of-memory--fargate-exit-137");
    const second = copyOf(first, { id: "second-stopped-event", version: (first.detail.version ?? 1) + 1 });

    await handleTaskStateChange(first, h.deps);
    const again = await handleTaskStateChange(second, h.deps);

    expect(h.slack).toHaveLength(1);
    expect(again.status === "diagnosed" ? again.outcomes : []).toContainEqual({
      channel: "slack",
      status: "skipped",
      reason: "duplicate",
    });
  });

  it("treats a redelivery an hour later as the same stop", async () => {
    const h = harness();
    const first = fixture("out-of-memory--fargate-exit-137");
    const late = copyOf(first, {
      id: first.id,
      time: new Date(Date.parse(first.time ?? "") + 3_600_000).toISOString(),
    });

    await handleTaskStateChange(first, h.deps);
    await handleTaskStateChange(late, h.deps);

    expect(h.slack).toHaveLength(1);
  });

  it("sends one Spot notice seen twice, and nothing more when the same task's STOPPED event follows", async () => {
    const h = harness();
    const notice = fixture("spot-interruption--fargate-spot-notice");
    // Adapted: the documented final STOPPED event, for the task of the documented notice.
    const final = fixture("spot-interruption--fargate-spot-final-stopped");
    const stopped = { ...final, detail: { ...final.detail, taskArn: notice.detail.taskArn } };

    await handleTaskStateChange(notice, h.deps);
    await handleTaskStateChange(copyOf(notice, { id: "notice-again" }), h.deps);
    await handleTaskStateChange(stopped, h.deps);
    const sweep = await h.service.sweepDigests(NOW);

    expect(h.slack).toHaveLength(1);
    expect(h.slack[0]?.text).toMatch(/spot|interrupt/i);
    expect(sweep.digests).toEqual([]);
  });

  it("counts each task once in the digest when every stop of a flood arrives twice", async () => {
    const h = harness();
    const template = fixture("out-of-memory--fargate-exit-137");
    const stops = [0, 1, 2, 3].map((n) => otherTask(template, n, `2024-05-01T08:1${n}:00.000Z`));

    for (const stop of stops) {
      await handleTaskStateChange(stop, h.deps);
      const version = (stop.detail.version ?? 1) + 1;
      await handleTaskStateChange(copyOf(stop, { id: `${stop.id}-v${version}`, version }), h.deps);
    }
    const sweep = await h.service.sweepDigests(NOW);

    expect(h.slack).toHaveLength(2);
    expect(sweep.digests).toMatchObject([{ count: 3 }]);
    expect(h.slack[1]?.text).toContain("3 more out-of-memory stops between 08:11 and 08:13 UTC");
  });

  it("throttles on the stops' own times, not on when they are processed", async () => {
    const h = harness();
    const template = fixture("out-of-memory--fargate-exit-137");
    // Two stops 30 minutes apart, processed at the same moment: two windows, two messages, no digest.
    const stops = [
      otherTask(template, 1, "2024-05-01T08:00:00.000Z"),
      otherTask(template, 2, "2024-05-01T08:30:00.000Z"),
    ];

    for (const stop of stops) await handleTaskStateChange(stop, h.deps);
    const sweep = await h.service.sweepDigests(NOW);

    expect(h.slack).toHaveLength(2);
    expect(sweep.digests).toEqual([]);
  });

  it("records the STOPPED event in the history, not the Spot notice of a task still running", async () => {
    const recorded: Diagnosis[] = [];
    const history: HistoryStore = {
      recordDiagnosis: async (diagnosis) => {
        recorded.push(diagnosis);
        return {} as never;
      },
      recentStops: async () => [],
    };
    const h = harness();
    const deps: TaskFlowDeps = {
      ...h.deps,
      taskDefinitionContext: async () => undefined,
      enrichment: {
        loadTaskDefinition: async () => undefined,
        history,
        budgetMs: 1_000,
        logTailLines: 20,
      },
    };
    const notice = fixture("spot-interruption--fargate-spot-notice");
    const final = fixture("spot-interruption--fargate-spot-final-stopped");
    const stopped = { ...final, detail: { ...final.detail, taskArn: notice.detail.taskArn } };

    await handleTaskStateChange(notice, deps);
    await handleTaskStateChange(stopped, deps);

    expect(recorded.map((d) => [d.taskArn, d.stoppedAt])).toEqual([
      [notice.detail.taskArn, final.detail.stoppedAt],
    ]);
  });
});
