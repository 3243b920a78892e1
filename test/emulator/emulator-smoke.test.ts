import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { CreateTopicCommand, PublishCommand } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { dynamoClient, ecsClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import {
  advanceTask,
  createCluster,
  createNetwork,
  describeTask,
  emulatorEndpoint,
  getTransition,
  readPublishedSnsMessages,
  registerTaskDefinition,
  runTask,
} from "./support/index.js";
import { FROZEN_ECS_TASK_TRANSITION } from "./support/moto-api.js";
import { EmulatorStartError, startMotoServer } from "./support/moto-server.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("emulator harness", () => {
  it("points the AWS SDK at the emulator started for this run", () => {
    const endpoint = emulatorEndpoint();

    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_ENDPOINT_URL).toBe(endpoint);
    expect(process.env.AWS_REGION).toBe("us-east-1");
  });

  it("keeps ECS task transitions frozen after resetting the emulator", async () => {
    const transition = await getTransition(emulatorEndpoint(), "ecs::task");

    expect(transition).toEqual(FROZEN_ECS_TASK_TRANSITION);
  });

  it("stops the whole moto process group so no server is left running", async () => {
    const server = await startMotoServer({ projectRoot });

    await server.stop();

    expect(() => process.kill(server.pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    await expect(fetch(`${server.endpoint}/moto-api/`)).rejects.toThrow();
  });

  it("throws an error with the server's last lines and the fix when moto cannot start", async () => {
    const fakeRoot = await mkdtemp(join(tmpdir(), "fake-emulator-"));
    await mkdir(join(fakeRoot, "scripts"));
    const script = join(fakeRoot, "scripts/emulator.sh");
    await writeFile(
      script,
      '[ "$1" = check ] && exit 0\necho "ModuleNotFoundError: No module named \'flask_cors\'" >&2\nexit 1\n',
    );
    await chmod(script, 0o755);

    try {
      const starting = startMotoServer({ projectRoot: fakeRoot, readyTimeoutMs: 5_000 });

      await expect(starting).rejects.toThrow(EmulatorStartError);
      await expect(starting).rejects.toThrow(
        /No module named 'flask_cors'[\s\S]*scripts\/emulator\.sh install/,
      );
    } finally {
      await rm(fakeRoot, { recursive: true, force: true });
    }
  });
});

describe("DynamoDB in the emulator", () => {
  it("rejects a second conditional put of the same key with ConditionalCheckFailedException", async () => {
    const dynamo = dynamoClient();
    await dynamo.send(
      new CreateTableCommand({
        TableName: "smoke",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    const putOnce = (value: string) =>
      dynamo.send(
        new PutItemCommand({
          TableName: "smoke",
          Item: { pk: { S: "dedupe#1" }, value: { S: value } },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
    await putOnce("first");

    const second = putOnce("second");

    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(second).rejects.toMatchObject({ Item: { value: { S: "first" } } });
    const stored = await dynamo.send(
      new GetItemCommand({ TableName: "smoke", Key: { pk: { S: "dedupe#1" } } }),
    );
    expect(stored.Item?.value).toEqual({ S: "first" });
  });
});

describe("SNS in the emulator", () => {
  it("makes a published message readable with its topic, subject and attributes", async () => {
    const sns = snsClient();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "smoke-notify" }));

    await sns.send(
      new PublishCommand({
        TopicArn,
        Subject: "Task stopped: out-of-memory",
        Message: "The container app was killed for exceeding 512 MiB.",
        MessageAttributes: { severity: { DataType: "String", StringValue: "critical" } },
      }),
    );

    const messages = await readPublishedSnsMessages(TopicArn);
    expect(messages).toEqual([
      expect.objectContaining({
        topicArn: TopicArn,
        subject: "Task stopped: out-of-memory",
        message: "The container app was killed for exceeding 512 MiB.",
        attributes: { severity: { Type: "String", Value: "critical" } },
      }),
    ]);
  });
});

describe("ECS in the emulator", () => {
  it("keeps a run task RUNNING across DescribeTasks until it is advanced or stopped", async () => {
    const cluster = await createCluster("smoke");
    const taskDefinition = await registerTaskDefinition({ family: "smoke-job" });
    const network = await createNetwork();
    const [started] = await runTask({ cluster, taskDefinition, network, input: { startedBy: "smoke" } });
    const taskArn = started?.taskArn ?? "";

    const firstLook = await describeTask(cluster, taskArn);
    const secondLook = await describeTask(cluster, taskArn);
    const advanced = await advanceTask(cluster, taskArn);
    await ecsClient().send(new StopTaskCommand({ cluster, task: taskArn, reason: "smoke test done" }));
    const stopped = await describeTask(cluster, taskArn);

    expect(firstLook.lastStatus).toBe("RUNNING");
    expect(secondLook.lastStatus).toBe("RUNNING");
    expect(advanced.lastStatus).toBe("DEACTIVATING");
    expect(stopped).toMatchObject({
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stoppedReason: "smoke test done",
      taskDefinitionArn: taskDefinition,
      startedBy: "smoke",
    });
  });
});
