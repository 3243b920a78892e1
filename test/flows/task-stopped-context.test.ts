/** The task flow's alert context with fake ports: when it is gathered, in parallel, within one budget. */
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import type { HistoryStop } from "../../src/shared/enrich/history.js";
import type { HistoryStore } from "../../src/shared/enrich/history-store.js";
import type { LogTail, LogTailRequest } from "../../src/shared/enrich/log-tail.js";
import { NOTIFY_RESERVE_MS, type TaskEnrichment } from "../../src/shared/flows/enrichment.js";
import { handleTaskStateChange, type TaskFlowDeps } from "../../src/shared/flows/task-stopped.js";
import type { DeploymentLike } from "../../src/shared/flows/what-changed.js";
import { ModuleLoadError } from "../../src/shared/load-once.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { stoppedTaskEvent, taskDefinitionArn } from "./support/task-events.js";

const FAILING = taskDefinitionArn("api", 2);
const GOOD = taskDefinitionArn("api", 1);

function definition(image: string, memory: number): TaskDefinition {
  return {
    containerDefinitions: [
      {
        name: "web",
        image,
        memory,
        essential: true,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "/ecs/api",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "ecs",
          },
        },
      },
    ],
  };
}

const DEFINITIONS: Record<string, TaskDefinition> = {
  [FAILING]: definition("repo/api:1.5.0", 256),
  [GOOD]: definition("repo/api:1.4.2", 512),
};

/** Fake ports that record every call, answer from scripts, and never touch AWS. */
function fakes(overrides: Partial<TaskEnrichment> = {}) {
  const calls: string[] = [];
  const recorded: Diagnosis[] = [];
  const tailRequests: LogTailRequest[] = [];
  const history: HistoryStore = {
    async recordDiagnosis(diagnosis) {
      calls.push("history.record");
      recorded.push(diagnosis);
      return {} as HistoryStop;
    },
    async recentStops() {
      calls.push("history.query");
      return [];
    },
  };
  const enrichment: TaskEnrichment = {
    loadTaskDefinition: async (arn) => {
      calls.push(`describeTaskDefinition ${arn.split("/").at(-1)}`);
      return DEFINITIONS[arn];
    },
    readLogTail: async (request): Promise<LogTail> => {
      calls.push("getLogEvents");
      tailRequests.push(request);
      return {
        kind: "lines",
        lines: ["java.lang.OutOfMemoryError: Java heap space"],
        group: "/ecs/api",
        stream: "ecs/web/t1",
        link: "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups",
        truncated: false,
      };
    },
    serviceDeployments: async (): Promise<DeploymentLike[]> => {
      calls.push("describeServices");
      return [
        { status: "PRIMARY", taskDefinition: FAILING, rolloutState: "IN_PROGRESS" },
        { status: "ACTIVE", taskDefinition: GOOD, rolloutState: "COMPLETED" },
      ];
    },
    history,
    budgetMs: 4000,
    logTailLines: 20,
    ...overrides,
  };
  return { calls, recorded, tailRequests, enrichment };
}

function flow(enrichment: TaskEnrichment | undefined, extra: Partial<TaskFlowDeps> = {}) {
  const sent: Message[] = [];
  const deps: TaskFlowDeps = {
    // Like the notification service when the message goes out: context is added just before sending.
    notify: async (message, meta) => {
      sent.push(meta.prepare ? await meta.prepare(message) : message);
      return [{ channel: "slack", status: "sent" }];
    },
    log: silentLog,
    taskDefinitionContext: async (arn) => {
      const found = DEFINITIONS[arn];
      return found
        ? { containerMemoryLimits: { web: found.containerDefinitions?.[0]?.memory ?? 0 } }
        : undefined;
    },
    enrichment,
    ...extra,
  };
  return { deps, sent };
}

const never = <T>() => new Promise<T>(() => {});

describe("alert context in the task flow", () => {
  it("adds the log tail, what changed and the history line to a failure alert", async () => {
    const { enrichment, calls } = fakes({
      history: {
        recordDiagnosis: async () => ({}) as HistoryStop,
        recentStops: async () => [
          {
            cluster: "prod",
            group: "service:api",
            taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/t0",
            taskId: "t0",
            stoppedAt: "2024-05-02T08:12:00.000Z",
            category: "out-of-memory",
            subCause: "container-oom-killed",
            severity: "critical",
            title: "t",
          },
        ],
      },
    });
    const { deps, sent } = flow(enrichment);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t1" }), deps);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.logTail).toMatchObject({
      lines: ["java.lang.OutOfMemoryError: Java heap space"],
      source: "container web · /ecs/api",
    });
    expect(sent[0]?.changes).toEqual({
      summary: "Since api:1, the last successful revision",
      lines: ["web image: repo/api:1.4.2 -> repo/api:1.5.0", "web memory: 512 -> 256"],
    });
    expect(sent[0]?.history).toBe("2nd out-of-memory stop of `api` in 24 h, first at 08:12 UTC");
    expect(calls).toContain("getLogEvents");
  });

  it("asks for the configured number of lines of the culprit container, with its runtime id", async () => {
    const { enrichment, tailRequests } = fakes({ logTailLines: 50 });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t2" }), flow(enrichment).deps);

    expect(tailRequests).toHaveLength(1);
    expect(tailRequests[0]).toMatchObject({ containerName: "web", lines: 50, runtimeId: "t2-1234567890" });
  });

  it("makes no context call at all for an expected stop", async () => {
    const { enrichment, calls } = fakes();
    const { deps, sent } = flow(enrichment);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t3", kind: "scaling" }), deps);

    expect(calls).toEqual([]);
    expect(sent[0]?.severity).toBe("info");
    expect(sent[0]?.logTail).toBeUndefined();
  });

  it("reads no log tail, service or history query for a copy the notifier does not send (duplicate, flood)", async () => {
    const { enrichment, calls } = fakes();
    const { deps } = flow(enrichment, {
      notify: async () => [{ channel: "slack", status: "skipped", reason: "throttled" }],
    });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t5" }), deps);

    // Every stop is still recorded (and its task definition is read for the diagnosis); nothing else is.
    expect(calls.filter((call) => !call.startsWith("describeTaskDefinition"))).toEqual(["history.record"]);
  });

  it("makes no context call when task definition lookups are switched off (replay --dry-run)", async () => {
    const { enrichment, calls } = fakes();
    const { deps, sent } = flow(enrichment, { taskDefinitionContext: undefined });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t4" }), deps);

    expect(calls).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it("reads the tail, the service and the history at the same time", async () => {
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waitForAll = async (name: string) => {
      started.push(name);
      if (started.length === 3) release();
      await gate;
    };
    const { enrichment } = fakes();
    const slow: TaskEnrichment = {
      ...enrichment,
      readLogTail: async (request) => {
        await waitForAll("tail");
        return (enrichment.readLogTail as NonNullable<TaskEnrichment["readLogTail"]>)(request);
      },
      serviceDeployments: async (cluster, service) => {
        await waitForAll("service");
        return (enrichment.serviceDeployments as NonNullable<TaskEnrichment["serviceDeployments"]>)(
          cluster,
          service,
        );
      },
      history: {
        ...(enrichment.history as HistoryStore),
        recentStops: async (query) => {
          await waitForAll("history");
          return (enrichment.history as HistoryStore).recentStops(query);
        },
      },
    };
    const { deps, sent } = flow(slow);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t5" }), deps);

    expect(started.sort()).toEqual(["history", "service", "tail"]);
    expect(sent[0]?.logTail?.lines).toHaveLength(1);
  });

  it("sends the alert without the tail, saying why, when CloudWatch Logs does not answer in time", async () => {
    const { enrichment } = fakes({ budgetMs: 50, readLogTail: () => never<LogTail>() });
    const { deps, sent } = flow(enrichment);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t6" }), deps);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.logTail).toEqual({
      lines: [],
      source: "container web",
      note: "timed out reading CloudWatch Logs",
    });
    expect(sent[0]?.changes?.lines.length).toBeGreaterThan(0);
  });

  it("fails the stop, for a retry, when the log tail reader would not load (a broken bundle, not missing context)", async () => {
    const unloadable = new ModuleLoadError("could not load the log tail reader: Cannot find module");
    const { enrichment } = fakes({
      readLogTail: async () => {
        throw unloadable;
      },
    });
    const { deps, sent } = flow(enrichment);

    const handled = handleTaskStateChange(stoppedTaskEvent({ taskId: "t6b" }), deps);

    await expect(handled).rejects.toBe(unloadable);
    expect(sent).toEqual([]);
  });

  it("keeps the Lambda's last seconds for notifying: no context call when they are all that is left", async () => {
    const { enrichment, calls } = fakes({ remainingMs: () => NOTIFY_RESERVE_MS - 1 });
    const { deps, sent } = flow(enrichment);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t7" }), deps);

    expect(calls).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.logTail?.note).toBe("timed out reading CloudWatch Logs");
  });

  it("sends the alert without changes or history when ECS and the state table fail, and logs why", async () => {
    const log = recordingLogger();
    const { enrichment } = fakes({
      serviceDeployments: async () => {
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      },
      history: {
        recordDiagnosis: async () => {
          throw new Error("table gone");
        },
        recentStops: async () => {
          throw new Error("table gone");
        },
      },
    });
    const { deps, sent } = flow(enrichment, { log });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t8" }), deps);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.logTail?.lines).toHaveLength(1);
    expect(sent[0]?.changes).toBeUndefined();
    expect(sent[0]?.history).toBeUndefined();
    expect(log.lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual(
      expect.arrayContaining([
        "could not record the stop in the incident history",
        "could not tell what changed since the last successful revision",
        "could not read the incident history",
      ]),
    );
  });

  it("records a failure whose hook sent the alert, and spends nothing on context for it", async () => {
    const { enrichment, calls, recorded } = fakes();
    const { deps, sent } = flow(enrichment, { hooks: [async () => ({ notified: true })] });

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t9" }), deps);

    expect(sent).toEqual([]);
    expect(recorded.map((d) => d.category)).toEqual(["out-of-memory"]);
    expect(calls).toEqual(["history.record"]);
  });

  it("says the cause is not a deploy when the failing revision is the service's stable one", async () => {
    const { enrichment } = fakes({
      serviceDeployments: async () => [
        { status: "PRIMARY", taskDefinition: FAILING, rolloutState: "COMPLETED" },
      ],
    });
    const { deps, sent } = flow(enrichment);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t10" }), deps);

    expect(sent[0]?.changes).toEqual({
      summary: "No change from the last successful revision (api:2): the cause is not a deploy",
      lines: [],
    });
  });
});
