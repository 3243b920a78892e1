/** The DynamoDB throttle store against moto keeps the same stop-counting contract as the in-memory one. */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoThrottleStore } from "../../src/shared/notify/store/dynamo-throttle.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";
import { stopCountingContract, subject, T0, taskArn, W } from "../state/support/stop-counting-contract.js";

const { client, calls, reset } = countingDynamoClient();
let tables = 0;

async function freshStore() {
  const tableName = `state-throttle-stops-${++tables}`;
  await createStateTable(client, tableName);
  return dynamoThrottleStore({ client: DynamoDBDocumentClient.from(client), tableName });
}

describe("DynamoDB throttle store (moto): stops", () => {
  let stores: ReturnType<typeof dynamoThrottleStore>[] = [];
  beforeAll(async () => {
    stores = await Promise.all([1, 2, 3].map(() => freshStore()));
  });
  let next = 0;
  stopCountingContract(() => {
    const store = stores[next++];
    if (!store) throw new Error("no table left for this test");
    return store;
  });

  it("counts a stop of an in-order flood with one call once the window lists its tasks", async () => {
    const store = await freshStore();
    for (let n = 0; n <= 6; n++)
      await store.hit(subject, T0 + n * 1_000, W, { taskArn: taskArn(n), at: T0 + n * 1_000 });
    reset();

    await store.hit(subject, T0 + 7_000, W, { taskArn: taskArn(7), at: T0 + 7_000 });

    expect(calls).toEqual({ UpdateItemCommand: 1 });
  });
});
