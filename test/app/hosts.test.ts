/** The host adapters: the tasks on a container instance from ECS, the impaired-host record in the state table. */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { dynamoHostStatus, ecsHostTasksLister } from "../../src/app/hosts.js";

const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
const INSTANCE = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1";
const ecsMock = mockClient(ECSClient);
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const dynamoMock = mockClient(documentClient);

beforeEach(() => {
  ecsMock.reset();
  dynamoMock.reset();
});

describe("ecsHostTasksLister", () => {
  it("lists the container instance's tasks and describes them", async () => {
    const taskArn = "arn:aws:ecs:us-east-1:123456789012:task/prod/t1";
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn] });
    ecsMock
      .on(DescribeTasksCommand)
      .resolves({ tasks: [{ taskArn, group: "service:api", lastStatus: "RUNNING" }] });

    const tasks = await ecsHostTasksLister(new ECSClient({ region: "us-east-1" }))(CLUSTER, INSTANCE);

    expect(tasks).toEqual([{ taskArn, group: "service:api", lastStatus: "RUNNING" }]);
    expect(ecsMock.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({
      cluster: CLUSTER,
      containerInstance: INSTANCE,
    });
  });

  it("describes nothing when the host runs no task", async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });

    const tasks = await ecsHostTasksLister(new ECSClient({ region: "us-east-1" }))(CLUSTER, INSTANCE);

    expect(tasks).toEqual([]);
    expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });
});

describe("dynamoHostStatus", () => {
  const store = () => dynamoHostStatus(documentClient, "state", () => Date.parse("2026-01-01T00:00:00Z"));

  it("writes the impairment under host#<instance> with a one-day TTL", async () => {
    dynamoMock.on(PutCommand).resolves({});

    await store().remember({
      containerInstanceArn: INSTANCE,
      status: "IMPAIRED",
      since: "x",
      problems: ["p"],
    });

    expect(dynamoMock.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual({
      pk: `host#${INSTANCE}`,
      sk: "impairment",
      status: "IMPAIRED",
      since: "x",
      problems: ["p"],
      expiresAt: Date.parse("2026-01-02T00:00:00Z") / 1000,
    });
  });

  it("reads it back, and forgets it", async () => {
    dynamoMock.on(GetCommand).resolves({
      Item: { ec2InstanceId: "i-1", status: "IMPAIRED", since: "2026-01-01T00:00:00Z", problems: ["p"] },
    });
    dynamoMock.on(DeleteCommand).resolves({});

    const recalled = await store().recall(INSTANCE);
    await store().forget(INSTANCE);

    expect(recalled).toEqual({
      containerInstanceArn: INSTANCE,
      ec2InstanceId: "i-1",
      status: "IMPAIRED",
      since: "2026-01-01T00:00:00Z",
      problems: ["p"],
    });
    expect(dynamoMock.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({
      pk: `host#${INSTANCE}`,
      sk: "impairment",
    });
  });

  it("keeps the daemon whose failed task drained the host", async () => {
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock.on(GetCommand).resolves({
      Item: { status: "DRAINING", since: "2026-01-01T00:00:00Z", problems: ["DAEMON — x"], daemon: "agent" },
    });

    await store().remember({
      containerInstanceArn: INSTANCE,
      status: "DRAINING",
      since: "2026-01-01T00:00:00Z",
      problems: ["DAEMON — x"],
      daemon: "agent",
    });
    const recalled = await store().recall(INSTANCE);

    expect(dynamoMock.commandCalls(PutCommand)[0]?.args[0].input.Item?.daemon).toBe("agent");
    expect(recalled?.daemon).toBe("agent");
  });
});
