/**
 * A flood of stopped tasks of one service through the Lambda code path (dispatchEvent with the same wiring as
 * the handler) against the emulator's DynamoDB and SNS and a local Slack server: messages sent, state-table and
 * ECS calls per event, and per-event latency. State-table calls are also counted around each event and split
 * by operation for the events that were sent (a Slack post during the event), those counted into the flood
 * window, and duplicate copies: every `duplicateEvery`-th stop (the first, which is sent, among them) is delivered
 * a second time right after, as EventBridge's at-least-once delivery and Lambda's retries do. Needs the emulator
 * (bash scripts/emulator.sh install).
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
  /** Distinct stopped tasks; `duplicateEvents` more invocations deliver copies of some of them. */
  events: number;
  duplicateEvents: number;
  slackPosts: number;
  emails: number;
  /** Over every invocation, copies included, with the sweep and the other flows' calls. */
  stateTableCallsPerEvent: number;
  stateTableCalls: Record<string, number>;
  /** Events sent on their own (the first of the window) and counted into it (not sent). */
  sentEvents: number;
  countedEvents: number;
  stateTableCallsPerSentEvent: number;
  stateTableCallsPerCountedEvent: number;
  /** A second copy of a stop already sent or counted (issue 19 item 3: at most 2). */
  stateTableCallsPerDuplicateEvent: number;
  /**
   * The stopped task's own calls (claim, flood count, completion, history rows; not the history line's Query nor
   * the crash-loop hook's calls) per event, by operation (UpdateItem, TransactWriteItems, BatchWriteItem ...).
   */
  sentEventCallsByOperation: Record<string, number>;
  countedEventCallsByOperation: Record<string, number>;
  duplicateEventCallsByOperation: Record<string, number>;
  ecsCallsPerEvent: number;
  ecsCalls: Record<string, number>;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Every partition key a state-table request names (its key, item, transaction items or key condition). */
function partitionKeys(input: Record<string, unknown>): string[] {
  const writes = Array.isArray(input.TransactItems)
    ? (input.TransactItems as Record<string, Record<string, unknown>>[]).flatMap((item) =>
        Object.values(item),
      )
    : [input];
  const requests = input.RequestItems
    ? Object.values(
        input.RequestItems as Record<string, { PutRequest?: { Item?: Record<string, unknown> } }[]>,
      )
        .flat()
        .map((request): Record<string, unknown> => request.PutRequest ?? {})
    : [];
  // The document client's requests are not marshalled yet when counted: a key is a string (or `{ S }`).
  const text = (value: unknown) =>
    typeof value === "string" ? value : ((value as { S?: string } | undefined)?.S ?? "");
  const keys = [...writes, ...requests].map((write) =>
    text(((write.Key ?? write.Item) as { pk?: unknown } | undefined)?.pk),
  );
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  return [...keys, text(values?.[":pk"])].filter((key) => key !== "");
}

/**
 * What a state-table call is for: the stopped task's own claim, flood count, completion and history rows
 * (`stop`, issue 19 item 3), the history line read for a message that goes out (`context`), or another flow on
 * the way (the crash-loop hook's records and reports).
 */
function purposeOf(operation: string, keys: string[]): "stop" | "context" | "other" {
  if (
    keys.some(
      (key) => key.startsWith("crashloop#") || key.startsWith("rollback#") || key.includes("check-failed"),
    )
  )
    return "other";
  if (operation === "Query" && keys.every((key) => key.startsWith("history#"))) return "context";
  return "stop";
}

/** Calls by operation (`UpdateItem` for `UpdateItemCommand`), and the stop's own calls apart when asked. */
function countCalls(client: Counted, into: Record<string, number>, stopCalls?: Record<string, number>): void {
  client.middlewareStack.add(
    (next: (args: { input?: unknown }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input?: unknown }) => {
        const name = (context.commandName ?? "unknown").replace(/Command$/, "");
        into[name] = (into[name] ?? 0) + 1;
        if (
          stopCalls &&
          purposeOf(name, partitionKeys((args.input ?? {}) as Record<string, unknown>)) === "stop"
        )
          stopCalls[name] = (stopCalls[name] ?? 0) + 1;
        return next(args);
      },
    { step: "initialize", name: "benchCallCounter" },
  );
}

type Outcome = "sent" | "counted" | "duplicate";

export async function benchFlood(root: string, count = 1000, duplicateEvery = 10): Promise<FloodResult> {
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
    const stopCalls: Record<string, number> = {};
    const ecsCalls: Record<string, number> = {};
    const logsCalls: Record<string, number> = {};
    countCalls(dynamoClient() as unknown as Counted, stateCalls, stopCalls);
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
    const byOutcome: Record<Outcome, { events: number; calls: Record<string, number> }> = {
      sent: { events: 0, calls: {} },
      counted: { events: 0, calls: {} },
      duplicate: { events: 0, calls: {} },
    };
    /** Delivers one copy of the event and adds its stop calls to its outcome (`duplicate`, or by its Slack post). */
    const deliver = async (event: unknown, taskId: string, copy: boolean) => {
      const callsBefore = { ...stopCalls };
      const postsBefore = slack.requests.length;
      const t = performance.now();
      await dispatchEvent(event, deps);
      latencies.push(performance.now() - t);
      const sent = slack.requests.slice(postsBefore).some((post) => post.body.includes(taskId));
      const outcome = byOutcome[copy ? "duplicate" : sent ? "sent" : "counted"];
      outcome.events++;
      for (const [operation, calls] of Object.entries(stopCalls)) {
        const made = calls - (callsBefore[operation] ?? 0);
        if (made > 0) outcome.calls[operation] = (outcome.calls[operation] ?? 0) + made;
      }
    };
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
      await deliver(event, taskId, false);
      if (duplicateEvery > 0 && i % duplicateEvery === 0) await deliver(structuredClone(event), taskId, true);
    }
    const seconds = (performance.now() - started) / 1000;
    // The window is still open: the scheduled sweep sends the digest once it closes.
    await notifications.sweepDigests(Date.now() + 24 * 60 * 60_000);
    const emails = (await fetchPublishedSnsMessages(moto.endpoint)).length;
    const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
    const sorted = [...latencies].sort((a, b) => a - b);
    const invocations = latencies.length;
    const perEvent = ({ events, calls }: { events: number; calls: Record<string, number> }) =>
      Object.fromEntries(
        Object.entries(calls).map(([operation, n]) => [
          operation,
          Number((n / Math.max(1, events)).toFixed(3)),
        ]),
      );
    const callsPerEvent = ({ events, calls }: { events: number; calls: Record<string, number> }) =>
      Number((sum(calls) / Math.max(1, events)).toFixed(3));
    return {
      events: count,
      duplicateEvents: byOutcome.duplicate.events,
      slackPosts: slack.requests.length,
      emails,
      stateTableCallsPerEvent: Number((sum(stateCalls) / invocations).toFixed(2)),
      stateTableCalls: stateCalls,
      sentEvents: byOutcome.sent.events,
      countedEvents: byOutcome.counted.events,
      stateTableCallsPerSentEvent: Number(
        (sum(byOutcome.sent.calls) / Math.max(1, byOutcome.sent.events)).toFixed(2),
      ),
      stateTableCallsPerCountedEvent: callsPerEvent(byOutcome.counted),
      stateTableCallsPerDuplicateEvent: callsPerEvent(byOutcome.duplicate),
      sentEventCallsByOperation: perEvent(byOutcome.sent),
      countedEventCallsByOperation: perEvent(byOutcome.counted),
      duplicateEventCallsByOperation: perEvent(byOutcome.duplicate),
      ecsCallsPerEvent: Number(((sum(ecsCalls) + sum(logsCalls)) / invocations).toFixed(3)),
      ecsCalls: {
        ...ecsCalls,
        ...Object.fromEntries(Object.entries(logsCalls).map(([k, v]) => [`logs:${k}`, v])),
      },
      eventsPerSecond: Number((invocations / seconds).toFixed(1)),
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
    };
  } finally {
    await slack.close();
    await moto.stop();
  }
}
