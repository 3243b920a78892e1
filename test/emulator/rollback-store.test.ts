/**
 * The rollback store against DynamoDB's wire protocol (moto). The emulator harness points
 * AWS_ENDPOINT_URL at moto and resets it per file; this file creates its own table.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { claimKey, cooldownKey, dynamoRollbackStore } from "../../src/shared/rollback/rollback-store.js";

const TABLE = "ecs-sentinel-rollback-store-test";
const SERVICE_ARN = "arn:aws:ecs:us-east-1:111122223333:service/prod/web";
const NOW = new Date("2025-06-01T12:00:00.000Z");

let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  if (!process.env.AWS_ENDPOINT_URL) throw new Error("AWS_ENDPOINT_URL must point at the emulator");
  const client = new DynamoDBClient({
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  await client.send(
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
  documents = DynamoDBDocumentClient.from(client);
});

const store = () => dynamoRollbackStore({ tableName: TABLE, client: documents, now: () => NOW });

describe("rollbackClaimed", () => {
  it("is false before the deployment's claim and true after it, for that deployment only", async () => {
    const before = await store().rollbackClaimed("ecs-svc/400");
    await store().claimRollback("ecs-svc/400", SERVICE_ARN);

    expect([
      before,
      await store().rollbackClaimed("ecs-svc/400"),
      await store().rollbackClaimed("ecs-svc/401"),
    ]).toEqual([false, true, false]);
  });
});

describe("claimRollback", () => {
  it("grants the first claim for a deployment and refuses every later one", async () => {
    const results = [
      await store().claimRollback("ecs-svc/100", SERVICE_ARN),
      await store().claimRollback("ecs-svc/100", SERVICE_ARN),
    ];

    expect(results).toEqual([true, false]);
  });

  it("grants exactly one of many concurrent claims", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store().claimRollback("ecs-svc/200", SERVICE_ARN)),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("claims each deployment separately", async () => {
    expect(await store().claimRollback("ecs-svc/300", SERVICE_ARN)).toBe(true);
    expect(await store().claimRollback("ecs-svc/301", SERVICE_ARN)).toBe(true);
  });

  it("writes the claim under rollback#<deploymentId> / claim with a TTL 30 days out", async () => {
    await store().claimRollback("ecs-svc/400", SERVICE_ARN);

    const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: claimKey("ecs-svc/400") }));

    expect(Item).toEqual({
      pk: "rollback#ecs-svc/400",
      sk: "claim",
      serviceArn: SERVICE_ARN,
      claimedAt: NOW.toISOString(),
      expiresAt: NOW.getTime() / 1000 + 30 * 86_400,
    });
  });
});

describe("lastRollbackAt / recordRollback", () => {
  it("knows no rollback for a service never rolled back", async () => {
    expect(
      await store().lastRollbackAt("arn:aws:ecs:us-east-1:111122223333:service/prod/never"),
    ).toBeUndefined();
  });

  it("returns the time of the last recorded rollback", async () => {
    const serviceArn = "arn:aws:ecs:us-east-1:111122223333:service/prod/api";
    await store().recordRollback(serviceArn, new Date("2025-06-01T11:00:00.000Z"));
    await store().recordRollback(serviceArn, new Date("2025-06-01T11:40:00.000Z"));

    expect(await store().lastRollbackAt(serviceArn)).toEqual(new Date("2025-06-01T11:40:00.000Z"));
  });

  it("keeps the newest time when an older rollback is recorded late", async () => {
    const serviceArn = "arn:aws:ecs:us-east-1:111122223333:service/prod/worker";
    await store().recordRollback(serviceArn, new Date("2025-06-01T11:40:00.000Z"));
    await store().recordRollback(serviceArn, new Date("2025-06-01T11:00:00.000Z"));

    expect(await store().lastRollbackAt(serviceArn)).toEqual(new Date("2025-06-01T11:40:00.000Z"));
  });

  it("writes the cooldown under rollback-cooldown#<serviceArn> / last with a TTL", async () => {
    const at = new Date("2025-06-01T11:55:00.000Z");
    await store().recordRollback(SERVICE_ARN, at);

    const { Item } = await documents.send(
      new GetCommand({ TableName: TABLE, Key: cooldownKey(SERVICE_ARN) }),
    );

    expect(Item).toEqual({
      pk: `rollback-cooldown#${SERVICE_ARN}`,
      sk: "last",
      at: at.toISOString(),
      expiresAt: at.getTime() / 1000 + 7 * 86_400,
    });
  });
});
