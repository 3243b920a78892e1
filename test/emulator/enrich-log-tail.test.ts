/** Log tails read from moto's CloudWatch Logs over the real wire protocol. */
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it, vi } from "vitest";
import { logsClient, logsClientsByRegion } from "../../src/app/aws.js";
import { CallCounter, ENRICH_OPERATIONS } from "../../src/shared/enrich/call-counter.js";
import {
  fetchLogTail,
  type LogTailRequest,
  REASONS,
  type TaskDefinitionLogsLike,
} from "../../src/shared/enrich/log-tail.js";
import { MASK } from "../../src/shared/enrich/masking.js";

const GROUP = "/ecs/api";

function taskArn(taskId: string): string {
  return `arn:aws:ecs:us-east-1:123456789012:task/test-cluster/${taskId}`;
}

const definition: TaskDefinitionLogsLike = {
  containerDefinitions: [
    {
      name: "web",
      essential: true,
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs" },
      },
    },
  ],
};

async function createGroup(): Promise<void> {
  await (await logsClient())
    .send(new CreateLogGroupCommand({ logGroupName: GROUP }))
    .catch((error: Error) => {
      if (error.name !== "ResourceAlreadyExistsException") throw error;
    });
}

async function writeStream(stream: string, messages: string[]): Promise<void> {
  await (await logsClient()).send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
  const start = Date.now() - messages.length;
  await (await logsClient()).send(
    new PutLogEventsCommand({
      logGroupName: GROUP,
      logStreamName: stream,
      logEvents: messages.map((message, i) => ({ message, timestamp: start + i })),
    }),
  );
}

function request(taskId: string, extra: Partial<LogTailRequest> = {}): LogTailRequest {
  return { taskArn: taskArn(taskId), containerName: "web", taskDefinition: definition, ...extra };
}

describe("fetchLogTail against CloudWatch Logs", () => {
  it("reads the last lines of the container's stream prefix/container/task-id, masked", async () => {
    await createGroup();
    const messages = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
    messages.push("DATABASE_URL=postgres://app:pa55word@db:5432/app", "Killed");
    await writeStream("ecs/web/task-present", messages);

    const tail = await fetchLogTail(request("task-present"), { logs: logsClientsByRegion() });

    expect(tail.kind).toBe("lines");
    if (tail.kind !== "lines") return;
    expect(tail.lines).toHaveLength(20);
    expect(tail.lines.at(-1)).toBe("Killed");
    expect(tail.lines.at(-2)).toBe(`DATABASE_URL=postgres://app:${MASK}@db:5432/app`);
    expect(tail.lines[0]).toBe("line 23");
    expect(tail.stream).toBe("ecs/web/task-present");
    expect(tail.link).toContain("log-events/ecs$252Fweb$252Ftask-present");
  });

  it("finds a stream that appears after the first read, on the next attempt", async () => {
    await createGroup();
    const counter = new CallCounter();
    // The pause between attempts is when the log driver catches up: create the stream right then.
    const sleep = vi.fn(async () => {
      if (sleep.mock.calls.length === 1) await writeStream("ecs/web/task-late", ["late but here"]);
    });

    const tail = await fetchLogTail(request("task-late"), { logs: logsClientsByRegion(), sleep, counter });

    expect(tail).toMatchObject({ kind: "lines", lines: ["late but here"] });
    expect(counter.get(ENRICH_OPERATIONS.getLogEvents)).toBe(2);
  });

  it("falls back to a console link when the stream never appears", async () => {
    await createGroup();
    const sleep = vi.fn(async () => {});

    const tail = await fetchLogTail(request("task-never"), { logs: logsClientsByRegion(), sleep });

    expect(tail).toEqual({
      kind: "unavailable",
      reason: REASONS.notFoundYet,
      link:
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/" +
        "$252Fecs$252Fapi/log-events/ecs$252Fweb$252Ftask-never",
    });
    expect(sleep).toHaveBeenCalledTimes(2);
  });
});
