/** Incident history and the task definition loader against moto's DynamoDB and ECS. */
import { CreateTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, dynamoDocumentClient, ecsClient } from "../../src/app/aws.js";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import { CallCounter, ENRICH_OPERATIONS } from "../../src/shared/enrich/call-counter.js";
import { historyLine, summarizeHistory } from "../../src/shared/enrich/history.js";
import { createHistoryStore } from "../../src/shared/enrich/history-store.js";
import { buildTaskDefinitionLoader } from "../../src/shared/enrich/task-definition-cache.js";
import { describeChanges, diffTaskDefinitions } from "../../src/shared/enrich/task-definition-diff.js";
import { registerTaskDefinition } from "./support/index.js";

const TABLE = "ecs-sentinel-state";
const CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
const NOW = Date.parse("2024-05-02T10:00:00Z");
const DAY_S = 24 * 3600;

function diagnosis(taskId: string, stoppedAt: string, overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${taskId}`,
    clusterArn: CLUSTER_ARN,
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
    stoppedAt,
    culprit: { name: "web", exitCode: 137 },
    ...overrides,
  };
}

beforeAll(async () => {
  await dynamoClient().send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
});

describe("history store against DynamoDB", () => {
  const counter = new CallCounter();
  const store = createHistoryStore({
    client: dynamoDocumentClient(),
    tableName: TABLE,
    now: () => NOW,
    counter,
  });

  beforeAll(async () => {
    await store.recordDiagnosis(diagnosis("t1", "2024-05-02T08:12:00Z"));
    await store.recordDiagnosis(
      diagnosis("t2", "2024-05-02T09:00:00Z", { group: "service:worker", service: "worker" }),
    );
    await store.recordDiagnosis(diagnosis("t3", "2024-05-02T09:30:00Z"));
    await store.recordDiagnosis(
      diagnosis("t4", "2024-05-02T09:40:00Z", {
        category: "scaling",
        severity: "info",
        subCause: "scale-in",
      }),
    );
    await store.recordDiagnosis(diagnosis("old", "2024-04-20T09:00:00Z"));
    // The same event delivered twice overwrites its own record.
    await store.recordDiagnosis(diagnosis("t3", "2024-05-02T09:30:00Z"));
  });

  it("writes each stop once per key, expiring after the retention", async () => {
    const { Items = [] } = await dynamoClient().send(new ScanCommand({ TableName: TABLE }));

    expect(Items).toHaveLength(10);
    const expiresAt = Items.map((item) => Number(item.expiresAt?.N));
    expect(new Set(expiresAt)).toEqual(new Set([NOW / 1000 + 30 * DAY_S]));
    expect(counter.get(ENRICH_OPERATIONS.historyWrite)).toBe(6);
  });

  it("returns one service's stops since a time, oldest first", async () => {
    const stops = await store.recentStops({ cluster: "prod", service: "api", since: NOW - DAY_S * 1000 });

    expect(stops.map((stop) => stop.taskId)).toEqual(["t1", "t3", "t4"]);
    expect(stops[0]).toEqual({
      cluster: "prod",
      group: "service:api",
      taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/t1",
      taskId: "t1",
      stoppedAt: "2024-05-02T08:12:00.000Z",
      category: "out-of-memory",
      subCause: "container-oom-killed",
      severity: "critical",
      title: "Container `web` ran out of memory",
      culprit: "web",
      exitCode: 137,
    });
  });

  it("returns the whole cluster's stops when no service is given, by cluster ARN or name", async () => {
    const byArn = await store.recentStops({ cluster: CLUSTER_ARN, since: new Date(NOW - DAY_S * 1000) });
    const byName = await store.recentStops({ cluster: "prod", since: new Date(NOW - DAY_S * 1000) });

    expect(byArn.map((stop) => stop.taskId)).toEqual(["t1", "t2", "t3", "t4"]);
    expect(byName).toEqual(byArn);
  });

  it("keeps the newest stops when a limit applies", async () => {
    const stops = await store.recentStops({ cluster: "prod", since: 0, limit: 2 });

    expect(stops.map((stop) => stop.taskId)).toEqual(["t3", "t4"]);
  });

  it("feeds the history line and the CLI summary", async () => {
    const current = diagnosis("t5", "2024-05-02T09:58:00Z");
    const stops = await store.recentStops({
      cluster: "prod",
      group: "service:api",
      since: NOW - DAY_S * 1000,
    });

    const line = historyLine(stops, current, NOW);
    const rows = summarizeHistory(await store.recentStops({ cluster: "prod", since: NOW - DAY_S * 1000 }));

    expect(line).toBe("3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC");
    expect(rows.map((row) => [row.category, row.count])).toEqual([
      ["out-of-memory", 3],
      ["scaling", 1],
    ]);
  });

  it("hides records past their expiry that DynamoDB's TTL has not deleted yet", async () => {
    const later = createHistoryStore({
      client: dynamoDocumentClient(),
      tableName: TABLE,
      now: () => NOW + 31 * DAY_S * 1000,
    });

    const stops = await later.recentStops({ cluster: "prod", since: 0 });

    expect(stops).toEqual([]);
  });
});

describe("task definition loader against ECS", () => {
  it("describes registered revisions once each and diffs them", async () => {
    const counter = new CallCounter();
    const load = buildTaskDefinitionLoader(ecsClient(), { counter });
    const good = await registerTaskDefinition({
      family: "api",
      image: "repo/api:1.4.2",
      containerName: "web",
      container: { environment: [{ name: "DB_HOST", value: "a" }] },
    });
    const bad = await registerTaskDefinition({
      family: "api",
      image: "repo/api:1.5.0",
      containerName: "web",
      container: {
        environment: [
          { name: "DB_HOST", value: "b" },
          { name: "FEATURE_X", value: "on" },
        ],
      },
    });

    const before = await load(good);
    const after = await load(bad);
    await load(bad);
    const changes = before && after ? describeChanges(diffTaskDefinitions(before, after)) : [];

    expect(changes).toEqual([
      "web image: repo/api:1.4.2 -> repo/api:1.5.0",
      "web environment: added FEATURE_X, changed DB_HOST (value hidden)",
    ]);
    expect(counter.snapshot()).toEqual({
      [ENRICH_OPERATIONS.describeTaskDefinition]: 2,
      [ENRICH_OPERATIONS.taskDefinitionCacheHit]: 1,
    });
  });

  it("returns undefined for a revision ECS does not know", async () => {
    const load = buildTaskDefinitionLoader(ecsClient(), { counter: new CallCounter() });

    const missing = await load("arn:aws:ecs:us-east-1:123456789012:task-definition/nope:1");

    expect(missing).toBeUndefined();
  });
});
