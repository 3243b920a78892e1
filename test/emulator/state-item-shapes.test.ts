/**
 * The exact items the stores write, read back with the low-level client: attribute names and DynamoDB types
 * (N, S, SS, L). Pinned to what the stores wrote when they still used the low-level client and attribute maps
 * (the same scenario run against that code produced these items): a deployed table's items must stay
 * readable across the upgrade, and conditions on them (`#lease <= :now`, `size(#tasks) < :max`) must keep
 * comparing numbers with numbers.
 */
import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import { createHistoryStore } from "../../src/shared/enrich/history-store.js";
import { dynamoDedupeStore } from "../../src/shared/notify/store/dynamo-dedupe.js";
import { dynamoThrottleStore } from "../../src/shared/notify/store/dynamo-throttle.js";
import type { ThrottleSubject } from "../../src/shared/notify/store/types.js";
import { dynamoCrashLoopStore } from "../../src/shared/rollback/crash-loop-store.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const { client } = countingDynamoClient();
const documents = DynamoDBDocumentClient.from(client);
/** 2024-05-01T10:00:00Z = 1714557600000 ms. */
const T0 = Date.parse("2024-05-01T10:00:00Z");
const W = 10 * 60_000;
const ARN = "arn:aws:ecs:us-east-1:123456789012";
const taskArn = (id: string) => `${ARN}:task/prod/${id}`;
const S = (value: string) => ({ S: value });
const N = (value: string) => ({ N: value });
/** The random id of the compare-and-swap writer. */
const WRITER = { S: expect.stringMatching(/^[0-9a-f-]{36}$/) };
let tables = 0;

async function freshTable(): Promise<string> {
  const tableName = `state-item-shapes-${++tables}`;
  await createStateTable(client, tableName);
  return tableName;
}

/** Every item of the table in key order, string sets sorted (DynamoDB sets have no order). */
async function itemsOf(tableName: string): Promise<Record<string, AttributeValue>[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  const items = Items.map((item) =>
    Object.fromEntries(
      Object.entries(item).map(([name, value]): [string, AttributeValue] => [
        name,
        value.SS ? { SS: [...value.SS].sort() } : value,
      ]),
    ),
  );
  return items.sort((a, b) => `${a.pk?.S}|${a.sk?.S}`.localeCompare(`${b.pk?.S}|${b.sk?.S}`));
}

describe("items the stores write (moto, read with the low-level client)", () => {
  it("dedupe: numbers as N, delivered channels as a string set, lease fields removed when done", async () => {
    // Arrange
    const tableName = await freshTable();
    const dedupe = dynamoDedupeStore({ client: documents, tableName });

    // Act: one event completed, one released after a failed attempt, one still held.
    await dedupe.claim("done", { owner: "o1", now: T0, leaseMs: 60_000 });
    await dedupe.recordDelivered("done", "slack", "send", T0 + 1);
    await dedupe.complete("done", "send", ["email"], T0 + 2);
    await dedupe.claim("released", { owner: "o2", now: T0, leaseMs: 60_000 });
    await dedupe.release("released", "o2", "counted", T0 + 3, ["slack"]);
    await dedupe.claim("held", { owner: "o3", now: T0, leaseMs: 60_000 });

    // Assert
    expect(await itemsOf(tableName)).toEqual([
      {
        pk: S("event#done"),
        sk: S("event"),
        expiresAt: N("1715162401"),
        firstSeenAt: N("1714557600000"),
        attempts: N("1"),
        deliveredTo: { SS: ["email", "slack"] },
        verdict: S("send"),
        doneAt: N("1714557600002"),
      },
      {
        pk: S("event#held"),
        sk: S("event"),
        leaseOwner: S("o3"),
        leaseUntil: N("1714557660000"),
        expiresAt: N("1715162400"),
        firstSeenAt: N("1714557600000"),
        attempts: N("1"),
      },
      {
        pk: S("event#released"),
        sk: S("event"),
        leaseOwner: S("o2"),
        leaseUntil: N("0"),
        expiresAt: N("1715162401"),
        firstSeenAt: N("1714557600000"),
        attempts: N("1"),
        verdict: S("counted"),
        deliveredTo: { SS: ["slack"] },
      },
    ]);
  });

  it("throttle: windows with optional fields absent, task lists as L of S, pointers, closed windows", async () => {
    // Arrange
    const tableName = await freshTable();
    const store = dynamoThrottleStore({ client: documents, tableName });
    const api: ThrottleSubject = {
      kind: "task-stopped",
      category: "out-of-memory",
      scope: "api",
      group: "service:api",
      severity: "critical",
      service: "api",
      cluster: "prod",
    };
    const job: ThrottleSubject = {
      kind: "task-stopped",
      category: "app-exit",
      scope: "job",
      group: "family:job",
      severity: "warning",
    };

    // Act: api opens a window and counts a later, an earlier and an untimed stop; job counts one without stops.
    await store.hit(api, T0, W, { at: T0 - 5_000, taskArn: taskArn("t1") });
    await store.hit(api, T0 + 1_000, W, { at: T0 + 500, taskArn: taskArn("t2") });
    await store.hit(api, T0 + 2_000, W, { at: T0 - 9_000, taskArn: taskArn("t3") });
    await store.hit(api, T0 + 3_000, W, undefined);
    await store.hit(job, T0, W, undefined);
    await store.hit(job, T0 + 1, W, undefined);
    const open = await itemsOf(tableName);
    for (const pointer of await store.duePointers(T0 + W + 1)) {
      const closed = await store.closeDue(pointer, T0 + W + 1);
      if (!closed.keep) await store.dropPointer(pointer);
    }
    const closed = await itemsOf(tableName);

    // Assert
    const apiSubject = {
      kind: S("task-stopped"),
      category: S("out-of-memory"),
      scope: S("api"),
      group: S("service:api"),
      severity: S("critical"),
      service: S("api"),
      cluster: S("prod"),
    };
    const jobSubject = {
      kind: S("task-stopped"),
      category: S("app-exit"),
      scope: S("job"),
      group: S("family:job"),
      severity: S("warning"),
    };
    const counted = { L: [S(taskArn("t2")), S(taskArn("t3"))] };
    expect(open).toEqual([
      {
        pk: S("digest-due"),
        sk: S("2024-05-01T10:10:00.000Z#task-stopped#app-exit#job"),
        throttleKey: S("task-stopped#app-exit#job"),
        windowEnd: N("1714558200000"),
        expiresAt: N("1715163000"),
      },
      {
        pk: S("digest-due"),
        sk: S("2024-05-01T10:10:00.000Z#task-stopped#out-of-memory#api"),
        throttleKey: S("task-stopped#out-of-memory#api"),
        windowEnd: N("1714558200000"),
        expiresAt: N("1715163000"),
      },
      {
        pk: S("throttle#task-stopped#app-exit#job"),
        sk: S("window"),
        version: N("1"),
        ...jobSubject,
        windowStart: N("1714557600000"),
        windowEnd: N("1714558200000"),
        pending: N("1"),
        lastAt: N("1714557600001"),
        due: N("0"),
        expiresAt: N("1715162401"),
        writer: WRITER,
      },
      {
        pk: S("throttle#task-stopped#out-of-memory#api"),
        sk: S("window"),
        version: N("1"),
        ...apiSubject,
        windowStart: N("1714557600000"),
        windowEnd: N("1714558200000"),
        pending: N("3"),
        lastAt: N("1714557603000"),
        due: N("0"),
        expiresAt: N("1715162403"),
        writer: WRITER,
        lastStopAt: N("1714557600500"),
        firstStopAt: N("1714557591000"),
        tasks: counted,
      },
    ]);
    expect(closed).toEqual([
      {
        pk: S("throttle#task-stopped#app-exit#job"),
        sk: S("window"),
        version: N("2"),
        ...jobSubject,
        pending: N("0"),
        lastAt: N("1714557600001"),
        due: N("1"),
        dueSince: N("1714557600000"),
        dueLastAt: N("1714557600001"),
        expiresAt: N("1715163001"),
        writer: WRITER,
      },
      {
        pk: S("throttle#task-stopped#out-of-memory#api"),
        sk: S("window"),
        version: N("2"),
        ...apiSubject,
        pending: N("0"),
        lastAt: N("1714557603000"),
        due: N("3"),
        dueSince: N("1714557600000"),
        dueLastAt: N("1714557603000"),
        dueFirstStopAt: N("1714557591000"),
        dueLastStopAt: N("1714557600500"),
        dueTasks: counted,
        expiresAt: N("1715163001"),
        writer: WRITER,
      },
    ]);
  });

  it("crash loop and history: strings, N for TTL and exit code, optional fields absent", async () => {
    // Arrange
    const tableName = await freshTable();
    const crashLoop = dynamoCrashLoopStore({ client: documents, tableName, now: () => T0 });
    const history = createHistoryStore({ client: documents, tableName, now: () => T0 });
    const key = { cluster: "prod", service: "api", deploymentId: "ecs-svc/123" };
    const diagnosis = (taskId: string, extra: Partial<Diagnosis>): Diagnosis => ({
      taskArn: taskArn(taskId),
      clusterArn: `${ARN}:cluster/prod`,
      group: "service:api",
      service: "api",
      category: "out-of-memory",
      subCause: "container-oom-killed",
      severity: "critical",
      title: "Container `web` ran out of memory",
      summary: "",
      evidence: [],
      remediation: [],
      docs: [],
      stoppedAt: "2024-05-01T09:00:00Z",
      ...extra,
    });

    // Act
    await crashLoop.recordFailure(key, {
      taskArn: taskArn("t1"),
      stoppedAt: new Date(T0),
      category: "app-exit",
    });
    await crashLoop.recordFailure(key, {
      taskArn: taskArn("t2"),
      stoppedAt: new Date(T0 + 1),
      category: "out-of-memory",
      taskDefinitionArn: `${ARN}:task-definition/api:3`,
    });
    await history.recordDiagnosis(diagnosis("h1", { culprit: { name: "web", exitCode: 137 } }));
    await history.recordDiagnosis(diagnosis("h2", { stoppedAt: "2024-05-01T09:01:00Z" }));

    // Assert
    const stop = (taskId: string, stoppedAt: string) => ({
      cluster: S("prod"),
      group: S("service:api"),
      taskArn: S(taskArn(taskId)),
      taskId: S(taskId),
      stoppedAt: S(stoppedAt),
      category: S("out-of-memory"),
      subCause: S("container-oom-killed"),
      severity: S("critical"),
      title: S("Container `web` ran out of memory"),
      expiresAt: N("1717149600"),
    });
    const h1 = { ...stop("h1", "2024-05-01T09:00:00.000Z"), culprit: S("web"), exitCode: N("137") };
    const h2 = stop("h2", "2024-05-01T09:01:00.000Z");
    expect(await itemsOf(tableName)).toEqual([
      {
        pk: S("crashloop#prod#api#ecs-svc/123"),
        sk: S("2024-05-01T10:00:00.000Z#t1"),
        taskArn: S(taskArn("t1")),
        category: S("app-exit"),
        stoppedAt: S("2024-05-01T10:00:00.000Z"),
        expiresAt: N("1714644000"),
      },
      {
        pk: S("crashloop#prod#api#ecs-svc/123"),
        sk: S("2024-05-01T10:00:00.001Z#t2"),
        taskArn: S(taskArn("t2")),
        category: S("out-of-memory"),
        stoppedAt: S("2024-05-01T10:00:00.001Z"),
        taskDefinitionArn: S(`${ARN}:task-definition/api:3`),
        expiresAt: N("1714644000"),
      },
      { pk: S("history#prod#service:api"), sk: S("2024-05-01T09:00:00.000Z#h1"), ...h1 },
      { pk: S("history#prod#service:api"), sk: S("2024-05-01T09:01:00.000Z#h2"), ...h2 },
      { pk: S("history#prod"), sk: S("2024-05-01T09:00:00.000Z#service:api#h1"), ...h1 },
      { pk: S("history#prod"), sk: S("2024-05-01T09:01:00.000Z#service:api#h2"), ...h2 },
    ]);
  });
});
