/**
 * The AWS SDK's own retries, counted by one initialize-step middleware, against a real DynamoDB client: its
 * request handler answers as DynamoDB would (500 InternalServerError, then 200), and the SDK's standard retry
 * strategy decides and retries without waiting (a zero backoff).
 */
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { countSdkRetries } from "../../src/shared/metrics/sdk-retries.js";
import { dynamoAnswering, ok, serverError, validation } from "./sdk-clients.js";
import { countingMetrics } from "./support.js";

describe("countSdkRetries", () => {
  it("counts two retries of a call the SDK retried twice before it succeeded", async () => {
    const metrics = countingMetrics();
    const { client, sent } = dynamoAnswering([serverError, serverError, ok()]);
    countSdkRetries(client, metrics, "DynamoDB");

    const output = await client.send(new ListTablesCommand({}));

    expect(output.TableNames).toEqual([]);
    expect(sent()).toBe(3);
    expect(metrics.counted).toEqual([
      { name: "AwsRetries", dimensions: { awsService: "DynamoDB" }, value: 2 },
    ]);
  });

  it("counts the retries of a call that failed for good, and rethrows the SDK's error unchanged", async () => {
    const metrics = countingMetrics();
    const { client, sent } = dynamoAnswering([serverError], 3);
    countSdkRetries(client, metrics, "DynamoDB");

    const error = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "InternalServerError", $metadata: { attempts: 3 } });
    expect(sent()).toBe(3);
    expect(metrics.counted).toEqual([
      { name: "AwsRetries", dimensions: { awsService: "DynamoDB" }, value: 2 },
    ]);
  });

  it("counts nothing for a call answered at its first attempt, nor for an error the SDK does not retry", async () => {
    const metrics = countingMetrics();
    const { client } = dynamoAnswering([ok(), validation]);
    countSdkRetries(client, metrics, "DynamoDB");

    await client.send(new ListTablesCommand({}));
    const refused = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);

    expect(refused).toMatchObject({ name: "ValidationException" });
    expect(metrics.counted).toEqual([]);
  });

  it("counts a DocumentClient's call once, though its stack is shared with the client it wraps", async () => {
    const metrics = countingMetrics();
    const { client } = dynamoAnswering([serverError, ok({ Item: { pk: { S: "a" } } })]);
    const documents = DynamoDBDocumentClient.from(client);
    countSdkRetries(client, metrics, "DynamoDB");
    countSdkRetries(documents, metrics, "DynamoDB");

    const output = await documents.send(new GetCommand({ TableName: "state", Key: { pk: "a" } }));

    expect(output.Item).toEqual({ pk: "a" });
    expect(metrics.counted).toEqual([
      { name: "AwsRetries", dimensions: { awsService: "DynamoDB" }, value: 1 },
    ]);
  });

  it("never fails a call because counting failed", async () => {
    const broken = {
      count: () => {
        throw new Error("buffer full");
      },
      timing: () => {},
    };
    const { client } = dynamoAnswering([serverError, ok()]);
    countSdkRetries(client, broken, "DynamoDB");

    const output = await client.send(new ListTablesCommand({}));

    expect(output.TableNames).toEqual([]);
  });
});
