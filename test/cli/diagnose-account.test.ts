/**
 * `diagnose --cluster --task --account`: the live task and the failing container's log tail are read with the
 * clients of that account and region (aws-sdk-client-mock answers as ECS and CloudWatch Logs would).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import type { Scope } from "../../src/app/member-access.js";
import { runDiagnose } from "../../src/cli/diagnose.js";
import { captureIo } from "../support/cli-io.js";

const MEMBER = "111122223333";
const oom = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../examples/events/01-api-oom-killed.json"), "utf8"),
) as { detail: Record<string, unknown> & { taskArn: string } };
const credentials = { accessKeyId: "a", secretAccessKey: "b" };

function memberClients() {
  const ecs = new ECSClient({ region: "us-east-1", credentials });
  const logs = new CloudWatchLogsClient({ region: "us-east-1", credentials });
  mockClient(ecs)
    .on(DescribeTasksCommand)
    .resolves({ tasks: [oom.detail], failures: [] })
    .on(DescribeTaskDefinitionCommand)
    .resolves({
      taskDefinition: {
        taskDefinitionArn: `arn:aws:ecs:us-east-1:${MEMBER}:task-definition/api:41`,
        containerDefinitions: [
          {
            name: "api",
            memory: 512,
            essential: true,
            logConfiguration: {
              logDriver: "awslogs",
              options: {
                "awslogs-group": "/ecs/api",
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "ecs",
              },
            },
          },
        ],
      },
    });
  const logsMock = mockClient(logs)
    .on(GetLogEventsCommand)
    .resolves({
      events: [
        { message: "loading cache", timestamp: 1 },
        { message: "Killed", timestamp: 2 },
      ],
    });
  const scopes: Scope[] = [];
  return {
    scopes,
    logsMock,
    clientsFor: (scope: Scope) => {
      scopes.push(scope);
      return { ecs, logs: () => logs };
    },
  };
}

describe("diagnose --account", () => {
  it("diagnoses a member's task with the log tail read through that account's clients", async () => {
    const member = memberClients();
    const io = Object.assign(captureIo(), {
      env: { HUB_ACCOUNT_ID: "123456789012", AWS_REGION: "us-east-1" },
    });

    const code = await runDiagnose(
      ["--json", "--cluster", "prod", "--task", oom.detail.taskArn, "--account", MEMBER],
      io,
      { clientsFor: member.clientsFor },
    );

    expect(code).toBe(0);
    expect(member.scopes).toEqual([{ account: MEMBER, region: "us-east-1" }]);
    expect(member.logsMock.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: "/ecs/api",
      logStreamName: "ecs/api/1d39aa210cd41c8d540788b34b40c11e",
    });
    const record = JSON.parse(io.out()) as { category: string; logTail: { lines: string[]; source: string } };
    expect(record.category).toBe("out-of-memory");
    expect(record.logTail).toMatchObject({
      lines: ["loading cache", "Killed"],
      source: "container api · /ecs/api",
    });
  });

  it("refuses --account without HUB_ACCOUNT_ID, and --account without --cluster/--task", async () => {
    const io = Object.assign(captureIo(), { env: { AWS_REGION: "us-east-1" } });

    await expect(
      runDiagnose(["--cluster", "prod", "--task", "t", "--account", MEMBER], io, memberClients()),
    ).rejects.toThrow(/HUB_ACCOUNT_ID/);
    await expect(runDiagnose(["--account", MEMBER], io)).rejects.toThrow(/go with --cluster and --task/);
  });
});
