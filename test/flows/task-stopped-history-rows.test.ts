/** A stop's history rows ride on the notification's claim; the flow writes them itself only when they did not. */
import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import type { HistoryStop } from "../../src/shared/enrich/history.js";
import type { HistoryStore } from "../../src/shared/enrich/history-store.js";
import {
  handleTaskStateChange,
  type TaskFlowDeps,
  type TaskHook,
} from "../../src/shared/flows/task-stopped.js";
import { silentLog } from "../../src/shared/log.js";
import type { NotifyMeta } from "../../src/shared/notify/port.js";
import { stoppedTaskEvent } from "./support/task-events.js";

function world(options: { notifierWrites: boolean; hooks?: TaskHook[] }) {
  const recordedAlone: string[] = [];
  const carried: NotifyMeta["rows"][] = [];
  const history: HistoryStore = {
    async recordDiagnosis(diagnosis: Diagnosis) {
      recordedAlone.push(diagnosis.taskArn);
      return {} as HistoryStop;
    },
    rowsFor: (diagnosis) => [{ pk: "history#prod#service:api", sk: diagnosis.taskArn }],
    recentStops: async () => [],
  };
  const deps: TaskFlowDeps = {
    notify: async (_message, meta) => {
      carried.push(meta.rows);
      if (meta.rows && options.notifierWrites) meta.rows.written = true;
      return [{ channel: "slack", status: "skipped", reason: "throttled" }];
    },
    log: silentLog,
    taskDefinitionContext: async () => undefined,
    enrichment: { loadTaskDefinition: async () => undefined, history, budgetMs: 4000, logTailLines: 20 },
    hooks: options.hooks ?? [],
  };
  return { deps, recordedAlone, carried };
}

describe("history rows of a stopped task", () => {
  it("hands the stop's rows to the notifier and writes nothing itself when the claim wrote them", async () => {
    const w = world({ notifierWrites: true });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t1" }), w.deps);

    expect(w.carried[0]?.items).toHaveLength(1);
    expect(w.carried[0]?.written).toBe(true);
    expect(w.recordedAlone).toEqual([]);
  });

  it("writes the rows itself when the notifier did not (a duplicate copy, a retry, no channel)", async () => {
    const w = world({ notifierWrites: false });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t2" }), w.deps);

    expect(w.recordedAlone).toHaveLength(1);
  });

  it("writes the rows itself when a hook sent the alert", async () => {
    const w = world({ notifierWrites: true, hooks: [async () => ({ notified: true })] });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t3" }), w.deps);

    expect(w.carried).toEqual([]);
    expect(w.recordedAlone).toHaveLength(1);
  });

  it("writes the rows itself when the notification throws, then rethrows", async () => {
    const w = world({ notifierWrites: false });
    const failing: TaskFlowDeps = {
      ...w.deps,
      notify: async () => {
        throw new Error("claim failed");
      },
    };

    const error = await handleTaskStateChange(stoppedTaskEvent({ taskId: "t4" }), failing).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toMatchObject({ message: "claim failed" });
    expect(w.recordedAlone).toHaveLength(1);
  });
});
