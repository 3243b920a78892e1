/**
 * The host alert's task listing has its own deadline (HOST_TASKS_BUDGET_MS, like enrichment's ENRICH_BUDGET_MS):
 * a slow ListTasks/DescribeTasks never holds the alert back, and the alert says the list was cut short. The deadline's
 * clock is injected: nothing here sleeps.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ContainerInstanceEvent } from "../../src/shared/events/parse.js";
import { parseEcsEvent } from "../../src/shared/events/parse.js";
import { HOST_TASKS_BUDGET_MS, handleHostEvent } from "../../src/shared/flows/host-events.js";
import type { HostTask } from "../../src/shared/hosts/ports.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";

const TASKS: HostTask[] = [
  { taskArn: "arn:aws:ecs:us-west-2:123456789012:task/my-cluster/t1", group: "service:api" },
];

function impairedHostEvent(): ContainerInstanceEvent {
  const raw = JSON.parse(
    readFileSync(
      join(
        import.meta.dirname,
        "../fixtures/ecs-events/container-instance-health-agent-connectivity-impaired.doc.json",
      ),
      "utf8",
    ),
  ) as unknown;
  return parseEcsEvent(raw) as ContainerInstanceEvent;
}

/** A clock that only moves when the test says so; `wait` resolves once the clock has passed its deadline. */
function manualClock() {
  let now = 0;
  const waiting: { at: number; resolve: () => void }[] = [];
  return {
    wait: (ms: number) =>
      new Promise<void>((resolve) => {
        waiting.push({ at: now + ms, resolve });
      }),
    requested: () => waiting.map((w) => w.at),
    advance: async (ms: number) => {
      now += ms;
      for (const w of waiting.filter((x) => x.at <= now)) w.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function capture() {
  const messages: Message[] = [];
  return {
    messages,
    notify: async (message: Message) => {
      messages.push(message);
      return [];
    },
  };
}

describe("the deadline of a host alert's task listing", () => {
  it("sends the alert saying the task list was cut short when the listing outlasts its budget", async () => {
    const clock = manualClock();
    const sent = capture();
    const neverAnswers = () => new Promise<HostTask[]>(() => {});

    const handled = handleHostEvent(impairedHostEvent(), {
      notify: sent.notify,
      log: silentLog,
      listTasks: neverAnswers,
      taskListBudgetMs: 2000,
      wait: clock.wait,
    });
    await clock.advance(1999);
    const beforeDeadline = sent.messages.length;
    await clock.advance(1);
    const result = await handled;

    expect(beforeDeadline).toBe(0);
    expect(result.status).toBe("handled");
    expect(sent.messages).toHaveLength(1);
    expect(sent.messages[0]?.evidence.join("\n")).toContain(
      "the task list was cut short: ListTasks/DescribeTasks did not answer within 2000 ms",
    );
  });

  it("names the tasks when the listing answers within its budget", async () => {
    const clock = manualClock();
    const sent = capture();

    await handleHostEvent(impairedHostEvent(), {
      notify: sent.notify,
      log: silentLog,
      listTasks: async () => TASKS,
      wait: clock.wait,
    });

    const evidence = sent.messages[0]?.evidence.join("\n") ?? "";
    expect(evidence).toContain("1 task(s) on this host: api (1)");
    expect(evidence).not.toContain("cut short");
  });

  it("gives the listing HOST_TASKS_BUDGET_MS when no budget is configured", async () => {
    const clock = manualClock();
    const sent = capture();

    await handleHostEvent(impairedHostEvent(), {
      notify: sent.notify,
      log: silentLog,
      listTasks: async () => TASKS,
      wait: clock.wait,
    });

    expect(clock.requested()).toEqual([HOST_TASKS_BUDGET_MS]);
  });

  it("still reports a listing that fails before the deadline as the failure it is", async () => {
    const clock = manualClock();
    const sent = capture();

    await handleHostEvent(impairedHostEvent(), {
      notify: sent.notify,
      log: silentLog,
      listTasks: async () => {
        throw new Error("AccessDeniedException: not authorized to perform ecs:ListTasks");
      },
      wait: clock.wait,
    });

    const evidence = sent.messages[0]?.evidence.join("\n") ?? "";
    expect(evidence).toContain("Could not list the tasks on this host");
    expect(evidence).toContain("AccessDeniedException");
    expect(evidence).not.toContain("cut short");
  });
});
