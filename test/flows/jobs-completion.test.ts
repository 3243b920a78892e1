import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { jobCompletionHook, looksLikeJobTask } from "../../src/shared/flows/job-completion.js";
import { handleTaskStateChange } from "../../src/shared/flows/task-stopped.js";
import type { JobRunStore } from "../../src/shared/jobs/ports.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import { MemoryRunStore } from "../jobs/fakes.js";
import { makeRun, stoppedTask, TASK_ARN } from "../jobs/fixtures.js";
import { recordingNotifier, stoppedEvent } from "./jobs-support.js";

const jobTask = (exitCode: number) =>
  stoppedTask([{ name: "app", exitCode }], { startedBy: "job/nightly", group: "family:app-migrate" });

async function storeWith(run = makeRun()) {
  const store = new MemoryRunStore();
  await store.saveRun(run);
  return store;
}

function countingStore(inner: JobRunStore) {
  const calls: string[] = [];
  const store: Pick<JobRunStore, "findRunByTask" | "closeRun"> = {
    findRunByTask: (arn) => {
      calls.push("findRunByTask");
      return inner.findRunByTask(arn);
    },
    closeRun: (run) => {
      calls.push("closeRun");
      return inner.closeRun(run);
    },
  };
  return { store, calls };
}

describe("looksLikeJobTask", () => {
  it("recognises the runner's startedBy and the job tag, and nothing else", () => {
    expect(looksLikeJobTask(stoppedTask([], { startedBy: "job/nightly" }))).toBe(true);
    expect(looksLikeJobTask(stoppedTask([], { tags: [{ key: "ecs-sentinel:job", value: "nightly" }] }))).toBe(
      true,
    );
    expect(looksLikeJobTask(stoppedTask([], { startedBy: "ecs-svc/1234567890" }))).toBe(false);
    expect(looksLikeJobTask(stoppedTask([]))).toBe(false);
  });
});

describe("jobCompletionHook", () => {
  it("does not read the state table for a task that is not a job's", async () => {
    const { store, calls } = countingStore(await storeWith());
    const notify = recordingNotifier();
    const hook = jobCompletionHook({ store, notify, log: silentLog });
    const task = stoppedTask([{ name: "web", exitCode: 1 }], {
      group: "service:api",
      startedBy: "ecs-svc/1",
    });

    const result = await hook(stoppedEvent(task), diagnoseTask(task));

    expect(result).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("closes a failed run with the diagnosis and sends the job's message once, on the job's channels", async () => {
    const store = await storeWith(makeRun({ notifyOn: "failure", channels: ["slack"] }));
    const notify = recordingNotifier();
    const hook = jobCompletionHook({ store, notify, log: silentLog });
    const task = jobTask(2);

    const first = await hook(stoppedEvent(task), diagnoseTask(task));
    const again = await hook(stoppedEvent(task), diagnoseTask(task));

    expect(first).toEqual({ notified: true });
    expect(again).toEqual({ notified: true });
    expect(notify.sent).toHaveLength(1);
    expect(notify.sent[0]).toMatchObject({
      channels: ["slack"],
      dedupeKey: "job#nightly#run-1#failed",
      message: { category: "job-failed", severity: "critical" },
    });
    expect(await store.findRunByTask(TASK_ARN)).toMatchObject({
      status: "failed",
      exitCodes: { app: 2 },
      durationSeconds: 240,
    });
  });

  it("closes a successful run silently when the job notifies on failure only, and still replaces the generic message", async () => {
    const store = await storeWith(makeRun({ notifyOn: "failure" }));
    const notify = recordingNotifier();
    const hook = jobCompletionHook({ store, notify, log: silentLog });
    const task = jobTask(0);

    const result = await hook(stoppedEvent(task), diagnoseTask(task));

    expect(result).toEqual({ notified: true });
    // Only the resolve of the job's PagerDuty incident (sent only where one is open): no message to people.
    expect(notify.sent.map((s) => [s.channels, s.problem])).toEqual([
      [["pagerduty"], { key: "job:nightly", resolve: true }],
    ]);
    expect((await store.findRunByTask(TASK_ARN))?.status).toBe("succeeded");
  });

  it("sends the success of a job that wants every outcome", async () => {
    const store = await storeWith(makeRun({ notifyOn: "always" }));
    const notify = recordingNotifier();
    const task = jobTask(0);

    await jobCompletionHook({ store, notify, log: silentLog })(stoppedEvent(task), diagnoseTask(task));

    expect(notify.sent.map((s) => [s.message.category, s.message.severity])).toEqual([
      ["job-succeeded", "info"],
    ]);
  });

  it("leaves the run open when the message could not be delivered, so the retried event sends it", async () => {
    const store = await storeWith();
    const task = jobTask(1);
    const failing = jobCompletionHook({
      store,
      notify: async () => {
        throw new Error("Slack unavailable");
      },
      log: silentLog,
    });

    await expect(failing(stoppedEvent(task), diagnoseTask(task))).rejects.toThrow("Slack unavailable");

    expect((await store.findRunByTask(TASK_ARN))?.status).toBe("running");
  });

  it("treats a task whose startedBy looks like a job's but has no run as an ordinary task", async () => {
    const notify = recordingNotifier();
    const task = jobTask(1);

    const result = await jobCompletionHook({ store: new MemoryRunStore(), notify, log: silentLog })(
      stoppedEvent(task),
      diagnoseTask(task),
    );

    expect(result).toBeUndefined();
  });
});

describe("the task-state flow with the job hook", () => {
  it("sends the job's message instead of the generic stopped-task message", async () => {
    const store = await storeWith();
    const jobNotify = recordingNotifier();
    const generic: Message[] = [];
    const task = jobTask(137);

    const result = await handleTaskStateChange(stoppedEvent(task), {
      notify: async (message) => {
        generic.push(message);
        return [];
      },
      log: silentLog,
      hooks: [jobCompletionHook({ store, notify: jobNotify, log: silentLog })],
    });

    expect(result.status).toBe("diagnosed");
    expect(generic).toEqual([]);
    expect(jobNotify.sent.map((s) => s.message.title)).toEqual([
      expect.stringMatching(/^Job nightly failed/),
    ]);
  });
});
