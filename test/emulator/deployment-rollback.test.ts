/**
 * Rollback guard rails and crash-loop counting on DynamoDB's wire protocol (moto): duplicates and concurrent
 * copies of a trigger roll a service back exactly once. moto lacks service deployments, so ECS answers
 * through aws-sdk-client-mock (ecs-world.ts); the state table is the emulator's, with requests serialised
 * per client (test/state/support/state-table.ts: moto's DynamoDB is not atomic under concurrent requests).
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ECSClient } from "@aws-sdk/client-ecs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dynamoNotificationStore } from "../../src/shared/notify/store/index.js";
import { dynamoCrashLoopStore } from "../../src/shared/rollback/crash-loop-store.js";
import { dynamoRollbackStore } from "../../src/shared/rollback/rollback-store.js";
import { ecsWorld, NEW_ID, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import { deploymentEvent, stoppedTask } from "../scenarios/support/events.js";
import { decisions, scenarioHarness } from "../scenarios/support/harness.js";
import { type CountingClient, countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const ecsMock = mockClient(ECSClient);
let dynamo: CountingClient;
let table = "";
let tables = 0;

beforeAll(() => {
  dynamo = countingDynamoClient();
});

// A table per test: claims are per deployment id, and every test's story uses ecs-svc/2.
beforeEach(async () => {
  ecsMock.reset();
  table = `ecs-sentinel-deployment-rollback-${++tables}`;
  await createStateTable(dynamo.client, table);
  dynamo.reset();
});

const documents = () => DynamoDBDocumentClient.from(dynamo.client);
const rollbackStore = () => dynamoRollbackStore({ tableName: table, client: documents() });
const crashLoopStore = () => dynamoCrashLoopStore({ client: documents(), tableName: table });

/** The wiring of the Lambdas, on the emulator's table. */
function emulatorHarness() {
  return scenarioHarness({
    rollbackStore: rollbackStore(),
    crashLoopStore: crashLoopStore(),
    notificationStore: dynamoNotificationStore(DynamoDBDocumentClient.from(dynamo.client), table),
  });
}

const KEY = { cluster: "example", service: "sd-example", deploymentId: NEW_ID };

describe("crash-loop store on DynamoDB", () => {
  it("writes one item per failed task under crashloop#cluster#service#deployment with a TTL", async () => {
    const store = crashLoopStore();
    const failure = {
      taskArn: "arn:aws:ecs:us-west-2:123456789012:task/example/t1",
      stoppedAt: new Date("2024-09-10T16:50:30Z"),
      category: "app-exit" as const,
    };

    await store.recordFailure(KEY, failure);
    await store.recordFailure(KEY, failure);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: table,
        Key: {
          pk: { S: "crashloop#example#sd-example#ecs-svc/2" },
          sk: { S: "2024-09-10T16:50:30.000Z#t1" },
        },
      }),
    );
    const failures = await store.failuresSince(KEY, new Date("2024-09-10T16:40:00Z"));

    expect(Item).toMatchObject({
      taskArn: { S: failure.taskArn },
      category: { S: "app-exit" },
      stoppedAt: { S: "2024-09-10T16:50:30.000Z" },
      expiresAt: { N: expect.stringMatching(/^\d+$/) },
    });
    expect(failures).toEqual([{ ...failure, startedBy: NEW_ID }]);
  });

  it("returns only the failures since the given time", async () => {
    const store = crashLoopStore();
    for (const [id, at] of [
      ["old", "2024-09-10T16:20:00Z"],
      ["a", "2024-09-10T16:50:00Z"],
      ["b", "2024-09-10T16:53:00Z"],
    ] as const) {
      await store.recordFailure(KEY, {
        taskArn: `arn:aws:ecs:us-west-2:123456789012:task/example/${id}`,
        stoppedAt: new Date(at),
        category: "app-exit",
      });
    }

    const failures = await store.failuresSince(KEY, new Date("2024-09-10T16:40:00Z"));

    expect(failures.map((f) => f.taskArn.split("/").at(-1))).toEqual(["a", "b"]);
  });

  it("sees the rollback claim the rollback store writes", async () => {
    const before = await rollbackStore().rollbackClaimed(NEW_ID);
    await rollbackStore().claimRollback(NEW_ID, SERVICE_ARN);

    expect([before, await rollbackStore().rollbackClaimed(NEW_ID)]).toEqual([false, true]);
  });
});

const FAILED_WORLD = { rollout: "FAILED", rolloutReason: "failed", reflect: false } as const;
const failedEvent = () => deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" });

describe("(f) duplicate triggers roll back exactly once", () => {
  it("when the same FAILED event is delivered twice", async () => {
    const world = ecsWorld(ecsMock, FAILED_WORLD);
    const h = emulatorHarness();
    const event = failedEvent();

    await h.dispatch(event);
    await h.dispatch(event);

    expect(world.mutations().map((m) => m.api)).toEqual(["UpdateService"]);
    expect(h.delivered().map((m) => m.title)).toEqual([
      "sd-example: deployment failed",
      "sd-example: rolled back ecs-svc/2 to large-ngingx:1",
      "sd-example: not rolling back ecs-svc/2 (already-claimed)",
    ]);
  });

  it("when 10 copies of the FAILED event run at once", async () => {
    const world = ecsWorld(ecsMock, FAILED_WORLD);
    const event = failedEvent();
    const copies = Array.from({ length: 10 }, () => emulatorHarness());

    const results = await Promise.allSettled(copies.map((h) => h.dispatch(event)));

    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(world.mutations().map((m) => m.api)).toEqual(["UpdateService"]);
    const rolledBack = copies
      .flatMap((h) => h.delivered())
      .filter((m) => m.title.startsWith("sd-example: rolled back"));
    expect(rolledBack).toHaveLength(1);
    const codes = copies.flatMap((h) => decisions(h.log)).map((d) => String(d.code));
    expect(codes.sort()).toEqual([...Array(9).fill("already-claimed"), "rollback"]);
  });

  it("when 10 copies of the crash that completes a crash loop run at once", async () => {
    const world = ecsWorld(ecsMock, { reflect: false });
    const first = emulatorHarness();
    await first.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));
    await first.dispatch(stoppedTask({ taskId: "t2", time: "2024-09-10T16:52:00Z" }));
    const third = stoppedTask({ taskId: "t3", time: "2024-09-10T16:54:00Z" });
    const copies = Array.from({ length: 10 }, () => emulatorHarness());

    const results = await Promise.allSettled(copies.map((h) => h.dispatch(third)));

    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(world.mutations().map((m) => m.api)).toEqual(["StopServiceDeployment"]);
  });

  it("costs 4 state-table calls in guard rails for one rollback of a failed deployment", async () => {
    ecsWorld(ecsMock, FAILED_WORLD);
    const guardRails = countingDynamoClient();
    const h = scenarioHarness({
      rollbackStore: dynamoRollbackStore({
        tableName: table,
        client: DynamoDBDocumentClient.from(guardRails.client),
      }),
      crashLoopStore: dynamoCrashLoopStore({
        client: DynamoDBDocumentClient.from(guardRails.client),
        tableName: table,
      }),
      notificationStore: dynamoNotificationStore(DynamoDBDocumentClient.from(dynamo.client), table),
    });

    await h.dispatch(failedEvent());

    // Claim check and cooldown read, then the claim and the cooldown record.
    expect(guardRails.calls).toEqual({ GetItemCommand: 2, PutItemCommand: 2 });
  });
});
