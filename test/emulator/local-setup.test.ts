import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { localSetup } from "../../src/cli/local-stack.js";

describe("localSetup against the emulator", () => {
  it("creates the stack's state table with pk/sk keys and TTL on expiresAt", async () => {
    const { stateTable } = await localSetup({ stage: "emulator" });

    const { Table } = await dynamoClient().send(new DescribeTableCommand({ TableName: stateTable }));
    const { TimeToLiveDescription } = await dynamoClient().send(
      new DescribeTimeToLiveCommand({ TableName: stateTable }),
    );
    expect(stateTable).toBe("ecs-sentinel-emulator-state");
    expect(Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(TimeToLiveDescription).toEqual({ AttributeName: "expiresAt", TimeToLiveStatus: "ENABLED" });
  });

  it("creates the notification topic", async () => {
    const { topicArn } = await localSetup({ stage: "emulator" });

    const { Attributes } = await snsClient().send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(topicArn).toMatch(/:ecs-sentinel-emulator-notify$/);
    expect(Attributes?.TopicArn).toBe(topicArn);
  });

  it("returns the same table and topic when run again", async () => {
    const first = await localSetup({ stage: "again" });

    const second = await localSetup({ stage: "again" });

    expect(second).toEqual(first);
  });
});
