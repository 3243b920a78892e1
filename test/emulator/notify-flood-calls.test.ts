/**
 * A flood of stopped tasks of one service through the task-state code path (the real composition root, the shared
 * SDK clients, the emulator's table) with every state-table call counted by operation around each event: the
 * stop that opens the window costs at most 3 calls, each stop counted into it at most 2 (issue 19, item 3), and the
 * incident history still shows every stop. Calls of other flows on the way are set apart by their keys: the
 * crash-loop hook (its records, rollback claim and "check failed" report: the emulator has no such service) and the history
 * line's Query (context of a message that goes out).
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { createHistoryStore } from "../../src/shared/enrich/history-store.js";
import { type FaultPipeline, startFaultPipeline, stoppedTaskEvent } from "./support/faults-pipeline.js";

const SERVICE = "flood-calls";
const STOPS = 25;

let pipeline: FaultPipeline;
let calls: Record<string, number> = {};
let otherFlows: string[] = [];

/** Every partition key a request names (its key, item, transaction items or key condition). */
function partitionKeys(input: Record<string, unknown>): string[] {
  const writes = Array.isArray(input.TransactItems)
    ? (input.TransactItems as Record<string, Record<string, unknown>>[]).flatMap((item) =>
        Object.values(item),
      )
    : [input];
  // The document client's requests are not marshalled yet at this step: a key is a string or `{ S }`.
  const text = (value: unknown) =>
    typeof value === "string" ? value : ((value as { S?: string } | undefined)?.S ?? "");
  const keys = writes.map((write) => text(((write.Key ?? write.Item) as { pk?: unknown } | undefined)?.pk));
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  return [...keys, text(values?.[":pk"])].filter((key) => key !== "");
}

const ofOtherFlow = (command: string, keys: string[]) =>
  keys.some((key) => ["crashloop#", "rollback#"].some((prefix) => key.startsWith(prefix))) ||
  keys.some((key) => key.includes("check-failed")) ||
  (command === "QueryCommand" && keys.every((key) => key.startsWith("history#")));

beforeAll(async () => {
  pipeline = await startFaultPipeline("flood-calls");
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "unknown";
      if (ofOtherFlow(name, partitionKeys(args.input as Record<string, unknown>))) otherFlows.push(name);
      else calls[name] = (calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "countFloodCalls" },
  );
});
afterAll(async () => {
  await pipeline.close();
});

/** The n-th stopped task of the service, all stopped at the fixture's time: one flood window. */
function stop(n: number): Record<string, unknown> {
  // A warning: Slack only (a second channel costs one more write while the first is saved; see deliver-once.ts).
  const event = stoppedTaskEvent(SERVICE, "elb-health-check--fargate-target-group-exit-137.json");
  const detail = event.detail as Record<string, unknown> & { containers: Record<string, unknown>[] };
  const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/faults/${SERVICE}-${n}`;
  return {
    ...event,
    resources: [taskArn],
    detail: {
      ...detail,
      taskArn,
      containers: detail.containers.map((container) => ({ ...container, taskArn })),
    },
  };
}

const sum = (byOperation: Record<string, number>) => Object.values(byOperation).reduce((a, b) => a + b, 0);

describe("state-table calls per stopped task in a flood (moto)", () => {
  it("costs at most 3 calls for the stop that is sent and at most 2 for each one counted, history complete", async () => {
    const perEvent: Record<string, number>[] = [];
    for (let n = 0; n < STOPS; n++) {
      calls = {};
      otherFlows = [];
      await pipeline.invoke(stop(n));
      perEvent.push(calls);
    }
    const history = createHistoryStore({
      client: DynamoDBDocumentClient.from(dynamoClient()),
      tableName: pipeline.stateTable,
    });
    const [sent, ...counted] = perEvent;
    const stops = await history.recentStops({ cluster: "faults", service: SERVICE, since: 0 });

    const messages = pipeline.slackPosts(SERVICE).filter((post) => !post.body.includes("check failed"));

    expect(messages).toHaveLength(1);
    expect(sum(sent ?? {})).toBeLessThanOrEqual(3);
    expect(counted.map(sum).every((n) => n <= 2)).toBe(true);
    // The container opened the window itself, so it knows when the digest's task list is full: one call each.
    expect(counted).toEqual(Array(STOPS - 1).fill({ TransactWriteItemsCommand: 1 }));
    expect(sent).toEqual({ TransactWriteItemsCommand: 2, UpdateItemCommand: 1 });
    expect(stops).toHaveLength(STOPS);
  });
});
