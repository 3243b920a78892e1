/** The alert's prepare step reads the log tail: the sent message says what broke and what to change. */
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import type { HistoryStop } from "../../src/shared/enrich/history.js";
import type { LogTail } from "../../src/shared/enrich/log-tail.js";
import type { TaskEnrichment } from "../../src/shared/flows/enrichment.js";
import { handleTaskStateChange, type TaskFlowDeps } from "../../src/shared/flows/task-stopped.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import { stoppedTaskEvent, taskDefinitionArn } from "../flows/support/task-events.js";

const DEFINITION: TaskDefinition = {
  containerDefinitions: [
    {
      name: "web",
      image: "repo/api:1.5.0",
      memory: 512,
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

function enrichmentWithTail(lines: string[]): TaskEnrichment {
  return {
    loadTaskDefinition: async () => DEFINITION,
    readLogTail: async (): Promise<LogTail> => ({
      kind: "lines",
      lines,
      group: "/ecs/api",
      stream: "ecs/web/t1",
      link: undefined,
      truncated: false,
    }),
    serviceDeployments: async () => [],
    history: { recordDiagnosis: async () => ({}) as HistoryStop, recentStops: async () => [] },
    budgetMs: 4000,
    logTailLines: 20,
  };
}

function flow(enrichment: TaskEnrichment, withContext = true) {
  const sent: Message[] = [];
  const deps: TaskFlowDeps = {
    notify: async (message, meta) => {
      sent.push(meta.prepare ? await meta.prepare(message) : message);
      return [{ channel: "slack", status: "sent" }];
    },
    log: silentLog,
    ...(withContext ? { taskDefinitionContext: async () => ({ containerMemoryLimits: { web: 512 } }) } : {}),
    enrichment,
  };
  return { deps, sent };
}

const REFUSED = [
  "Error: connect ECONNREFUSED 10.0.4.20:5432",
  "    at TCPConnectWrap.afterConnect (node:net:1494:16)",
];

describe("log signatures in the stopped-task alert", () => {
  it("says what broke and what to change when the tail names the cause", async () => {
    const { deps, sent } = flow(enrichmentWithTail(REFUSED));

    const result = await handleTaskStateChange(
      stoppedTaskEvent({ taskId: "t1", kind: "app-exit", taskDefinition: taskDefinitionArn("api", 2) }),
      deps,
    );

    expect(result.status).toBe("diagnosed");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.title).toContain("connection refused by 10.0.4.20:5432");
    expect(sent[0]?.remediation[0]).toContain("10.0.4.20:5432");
    expect(sent[0]?.evidence[0]).toBe("Log line: Error: connect ECONNREFUSED 10.0.4.20:5432");
    expect(sent[0]?.facts).toContainEqual({ label: "Confidence", value: "likely (log pattern)" });
    expect(sent[0]?.category).toBe("app-exit");
  });

  it("keeps the engine's verdict when the tail says nothing recognisable", async () => {
    const { deps, sent } = flow(enrichmentWithTail(["GET /health 200", "shutting down"]));

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t2", kind: "app-exit" }), deps);

    expect(sent[0]?.title).toBe("api: container web exited with code 1");
    expect(sent[0]?.facts).toContainEqual({ label: "Confidence", value: "certain (exit code)" });
  });

  it("leaves the dry run (no task definition reads, no tail) as it was", async () => {
    const { deps, sent } = flow(enrichmentWithTail(REFUSED), false);

    await handleTaskStateChange(stoppedTaskEvent({ taskId: "t3", kind: "app-exit" }), deps);

    expect(sent[0]?.title).toBe("api: container web exited with code 1");
    expect(sent[0]?.logTail).toBeUndefined();
  });
});
