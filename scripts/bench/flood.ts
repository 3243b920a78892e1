/**
 * A flood of stopped tasks of one service through the Lambda code path (dispatchEvent with the same wiring as
 * the handler) against the emulator's DynamoDB and SNS and a local Slack server: messages sent, state-table and
 * ECS calls per event, and per-event latency. Needs the emulator (bash scripts/emulator.sh install).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { fetchPublishedSnsMessages } from "../../test/emulator/support/moto-api.js";
import { startMotoServer } from "../../test/emulator/support/moto-server.js";
import { startSlackServer } from "../../test/support/slack-server.js";

interface Counted {
  middlewareStack: { add: (mw: unknown, options: { step: string; name: string }) => void };
}

export interface FloodResult {
  events: number;
  slackPosts: number;
  emails: number;
  stateTableCallsPerEvent: number;
  stateTableCalls: Record<string, number>;
  ecsCallsPerEvent: number;
  ecsCalls: Record<string, number>;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function countCalls(client: Counted, into: Record<string, number>): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const name = context.commandName ?? "unknown";
        into[name] = (into[name] ?? 0) + 1;
        return next(args);
      },
    { step: "initialize", name: "benchCallCounter" },
  );
}

export async function benchFlood(root: string, count = 1000): Promise<FloodResult> {
  const moto = await startMotoServer({ projectRoot: root });
  const slack = await startSlackServer();
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      POWERTOOLS_LOG_LEVEL: "ERROR",
    });
    // Imported after the environment points at the emulator: clients are created on first use.
    const { dynamoClient, ecsClient, logsClient } = await import("../../src/app/aws.js");
    const { localSetup } = await import("../../src/cli/local-stack.js");
    const { loadConfig } = await import("../../src/app/config.js");
    const { dispatchEvent } = await import("../../src/shared/flows/dispatch.js");
    const { silentLog } = await import("../../src/shared/log.js");
    const { flowDeps } = await import("../../src/app/events.js");
    const { buildNotifications } = await import("../../src/app/notifications.js");

    const stack = await localSetup({ stage: "bench", projectRoot: root });
    const registered = await ecsClient().send(
      new RegisterTaskDefinitionCommand({
        family: "api",
        containerDefinitions: [{ name: "api", image: "example/api:1.0.0", memory: 512, essential: true }],
      }),
    );
    const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? "";
    const stateCalls: Record<string, number> = {};
    const ecsCalls: Record<string, number> = {};
    const logsCalls: Record<string, number> = {};
    countCalls(dynamoClient() as unknown as Counted, stateCalls);
    countCalls(ecsClient() as unknown as Counted, ecsCalls);
    countCalls((await logsClient()) as unknown as Counted, logsCalls);

    const config = loadConfig({
      ...process.env,
      STATE_TABLE: stack.stateTable,
      NOTIFY_TOPIC_ARN: stack.topicArn,
      SLACK_WEBHOOK_URL: slack.url,
    });
    const options = { log: silentLog, deadline: () => 30_000 };
    const notifications = buildNotifications(config, options);
    const deps = flowDeps(config, options, notifications);

    const template = JSON.parse(
      readFileSync(join(root, "test/fixtures/stopped-tasks/out-of-memory--fargate-exit-137.json"), "utf8"),
    ) as { id: string; detail: Record<string, unknown> };
    const cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const taskId = i.toString(16).padStart(32, "0");
      const event = {
        ...template,
        id: `flood-${i}`,
        resources: [`arn:aws:ecs:us-east-1:123456789012:task/prod/${taskId}`],
        detail: {
          ...template.detail,
          taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${taskId}`,
          clusterArn: cluster,
          group: "service:api",
          taskDefinitionArn,
          version: 3,
        },
      };
      const t = performance.now();
      await dispatchEvent(event, deps);
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    // The window is still open: the scheduled sweep sends the digest once it closes.
    await notifications.sweepDigests(Date.now() + 24 * 60 * 60_000);
    const emails = (await fetchPublishedSnsMessages(moto.endpoint)).length;
    const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      events: count,
      slackPosts: slack.requests.length,
      emails,
      stateTableCallsPerEvent: Number((sum(stateCalls) / count).toFixed(2)),
      stateTableCalls: stateCalls,
      ecsCallsPerEvent: Number(((sum(ecsCalls) + sum(logsCalls)) / count).toFixed(3)),
      ecsCalls: {
        ...ecsCalls,
        ...Object.fromEntries(Object.entries(logsCalls).map(([k, v]) => [`logs:${k}`, v])),
      },
      eventsPerSecond: Number((count / seconds).toFixed(1)),
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
    };
  } finally {
    await slack.close();
    await moto.stop();
  }
}
