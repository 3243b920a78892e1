/** The action store on DynamoDB's wire protocol (moto), answering like its in-memory twin. */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe } from "vitest";
import { dynamoActionStore } from "../../src/shared/slack-actions/dynamo-store.js";
import { actionStoreContract } from "../slack-actions/action-store.contract.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const TABLE = "ecs-sentinel-action-store";
// moto's conditional writes are not atomic under concurrent requests: the counting client sends one at a time.
const dynamo = countingDynamoClient();
beforeAll(async () => {
  await createStateTable(dynamo.client, TABLE);
});

let n = 0;
describe("the DynamoDB action store (moto)", () => {
  actionStoreContract(
    () =>
      dynamoActionStore(DynamoDBDocumentClient.from(dynamo.client), TABLE, () =>
        Date.parse("2026-12-02T10:00:00Z"),
      ),
    () => `1765000000.${String(++n).padStart(6, "0")}`,
  );
});
