/**
 * The composition counts the AWS SDK retries of every client aws.ts makes: the clients made before metrics were
 * switched on and after, the ones imported on first use (a promise), by a closed list of AWS service names.
 */
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { once, resetClients } from "../../src/app/aws.js";
import { countAwsRetries } from "../../src/app/aws-retries.js";
import { dynamoAnswering, ok, serverError } from "./sdk-clients.js";
import { countingMetrics } from "./support.js";

let stop: (() => void) | undefined;

afterEach(() => {
  stop?.();
  resetClients();
});

describe("countAwsRetries", () => {
  it("counts the retries of a client made after metrics were switched on, by its AWS service", async () => {
    const metrics = countingMetrics();
    stop = countAwsRetries(metrics);
    const client = once("dynamodb", () => dynamoAnswering([serverError, serverError, ok()]).client);

    await client.send(new ListTablesCommand({}));

    expect(metrics.counted).toEqual([
      { name: "AwsRetries", dimensions: { awsService: "DynamoDB" }, value: 2 },
    ]);
  });

  it("counts the retries of a client made before metrics were switched on (a cold start's first client)", async () => {
    const metrics = countingMetrics();
    const client = once("ecs", () => dynamoAnswering([serverError, ok()]).client);
    stop = countAwsRetries(metrics);

    await client.send(new ListTablesCommand({}));

    expect(metrics.counted).toEqual([{ name: "AwsRetries", dimensions: { awsService: "ECS" }, value: 1 }]);
  });

  it("counts a client imported on first use before its caller's first call", async () => {
    const metrics = countingMetrics();
    stop = countAwsRetries(metrics);

    const client = await once("logs", async () => dynamoAnswering([serverError, ok()]).client);
    await client.send(new ListTablesCommand({}));

    expect(metrics.counted).toEqual([
      { name: "AwsRetries", dimensions: { awsService: "CloudWatchLogs" }, value: 1 },
    ]);
  });

  it("counts another region's CloudWatch Logs client as CloudWatchLogs", async () => {
    const metrics = countingMetrics();
    stop = countAwsRetries(metrics);

    const client = await once("logs@eu-west-1", async () => dynamoAnswering([serverError, ok()]).client);
    await client.send(new ListTablesCommand({}));

    expect(metrics.counted).toEqual([
      { name: "AwsRetries", dimensions: { awsService: "CloudWatchLogs" }, value: 1 },
    ]);
  });

  it("leaves a client of a key it does not name uncounted (no new series from a new key)", async () => {
    const metrics = countingMetrics();
    stop = countAwsRetries(metrics);
    const client = once("something-new", () => dynamoAnswering([serverError, ok()]).client);

    await client.send(new ListTablesCommand({}));

    expect(metrics.counted).toEqual([]);
  });

  it("stops telling new clients once stopped", async () => {
    const metrics = countingMetrics();
    countAwsRetries(metrics)();
    const client = once("dynamodb", () => dynamoAnswering([serverError, ok()]).client);

    await client.send(new ListTablesCommand({}));

    expect(metrics.counted).toEqual([]);
  });
});
