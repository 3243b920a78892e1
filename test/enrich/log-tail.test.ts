import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallCounter, ENRICH_OPERATIONS } from "../../src/shared/enrich/call-counter.js";
import {
  fetchLogTail,
  type LogTailRequest,
  logStreamUrl,
  logTailContainerName,
  REASONS,
  resolveLogLocation,
  shouldFetchLogTail,
  type TaskDefinitionLogsLike,
} from "../../src/shared/enrich/log-tail.js";
import { MASK } from "../../src/shared/enrich/masking.js";

const TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0123456789abcdef";
const TASK_ID = "0123456789abcdef0123456789abcdef";

const awslogs = (options: Record<string, string>): TaskDefinitionLogsLike => ({
  containerDefinitions: [
    { name: "web", essential: true, logConfiguration: { logDriver: "awslogs", options } },
  ],
});

const standardDefinition = awslogs({
  "awslogs-group": "/ecs/api",
  "awslogs-region": "eu-west-1",
  "awslogs-stream-prefix": "ecs",
});

function throttling(): Error {
  const error = new Error("Rate exceeded");
  error.name = "ThrottlingException";
  return error;
}

function streamMissing(): ResourceNotFoundException {
  return new ResourceNotFoundException({
    message: "The specified log stream does not exist.",
    $metadata: {},
  });
}

/** A clock that only moves when a test or a fake call moves it. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: vi.fn(async (ms: number) => {
      now += ms;
    }),
  };
}

describe("resolveLogLocation", () => {
  it("names the awslogs stream prefix/container/task-id in the configured group and region", () => {
    const location = resolveLogLocation({
      taskArn: TASK_ARN,
      containerName: "web",
      taskDefinition: standardDefinition,
    });

    expect(location).toEqual({
      kind: "awslogs",
      group: "/ecs/api",
      stream: `ecs/web/${TASK_ID}`,
      region: "eu-west-1",
      partition: "aws",
    });
  });

  it("uses the task's region when awslogs-region is absent", () => {
    const location = resolveLogLocation({
      taskArn: TASK_ARN,
      containerName: "web",
      taskDefinition: awslogs({ "awslogs-group": "/ecs/api", "awslogs-stream-prefix": "svc" }),
    });

    expect(location).toMatchObject({ kind: "awslogs", region: "eu-west-1", stream: `svc/web/${TASK_ID}` });
  });

  it("uses the Docker container id as the stream when awslogs has no prefix (EC2)", () => {
    const location = resolveLogLocation({
      taskArn: TASK_ARN,
      containerName: "web",
      taskDefinition: awslogs({ "awslogs-group": "/ecs/api" }),
      runtimeId: "4f1c2d3e5a6b",
    });

    expect(location).toMatchObject({ kind: "awslogs", stream: "4f1c2d3e5a6b" });
  });

  it("links the log group when awslogs has no prefix and the container id is unknown", () => {
    const location = resolveLogLocation({
      taskArn: TASK_ARN,
      containerName: "web",
      taskDefinition: awslogs({ "awslogs-group": "/ecs/api" }),
    });

    expect(location.kind).toBe("unavailable");
    expect(location).toMatchObject({ link: expect.stringContaining("log-group/$252Fecs$252Fapi") });
  });

  it("says where FireLens logs go and links a CloudWatch output's log group", () => {
    const location = resolveLogLocation({
      taskArn: TASK_ARN,
      containerName: "web",
      taskDefinition: {
        containerDefinitions: [
          {
            name: "web",
            logConfiguration: {
              logDriver: "awsfirelens",
              options: { Name: "cloudwatch_logs", log_group_name: "/firelens/api", region: "eu-west-1" },
            },
          },
        ],
      },
    });

    expect(location).toEqual({
      kind: "unavailable",
      reason: "container logs with awsfirelens: see your FireLens destination",
      link: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Ffirelens$252Fapi",
    });
  });

  it.each([
    ["splunk", { logDriver: "splunk" }, "container logs with splunk: see your Splunk index"],
    ["fluentd", { logDriver: "fluentd" }, "container logs with fluentd: see that log destination"],
    ["no configuration", undefined, "container web has no log configuration: its output was not kept"],
  ])("explains a container that logs with %s", (_name, logConfiguration, reason) => {
    const location = resolveLogLocation({
      taskArn: TASK_ARN,
      containerName: "web",
      taskDefinition: { containerDefinitions: [{ name: "web", logConfiguration }] },
    });

    expect(location).toEqual({ kind: "unavailable", reason });
  });
});

describe("logStreamUrl", () => {
  it("encodes group and stream the CloudWatch console way ($252F for /)", () => {
    const url = logStreamUrl("aws", "eu-west-1", "/ecs/api", `ecs/web/${TASK_ID}`);

    expect(url).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/" +
        `$252Fecs$252Fapi/log-events/ecs$252Fweb$252F${TASK_ID}`,
    );
  });

  it("gives no link for partitions without a public console", () => {
    expect(logStreamUrl("aws-iso", "us-iso-east-1", "/ecs/api", "s")).toBeUndefined();
  });
});

describe("shouldFetchLogTail", () => {
  it("fetches for a crash and skips expected stops and containers that never ran", () => {
    expect(shouldFetchLogTail({ severity: "critical", category: "out-of-memory" })).toBe(true);
    expect(shouldFetchLogTail({ severity: "warning", category: "app-exit" })).toBe(true);
    expect(shouldFetchLogTail({ severity: "info", category: "completed" })).toBe(false);
    expect(shouldFetchLogTail({ severity: "critical", category: "image-pull" })).toBe(false);
    expect(shouldFetchLogTail({ severity: "warning", category: "secrets" })).toBe(false);
  });

  it("picks the culprit, else the first essential container", () => {
    const definition = {
      containerDefinitions: [
        { name: "sidecar", essential: false },
        { name: "web", essential: true },
      ],
    };

    expect(logTailContainerName({ culprit: { name: "worker" } }, definition)).toBe("worker");
    expect(logTailContainerName({}, definition)).toBe("web");
  });
});

describe("fetchLogTail", () => {
  const logs = mockClient(CloudWatchLogsClient);
  const client = new CloudWatchLogsClient({ region: "eu-west-1" });
  const request: LogTailRequest = {
    taskArn: TASK_ARN,
    containerName: "web",
    taskDefinition: standardDefinition,
  };
  let clock: ReturnType<typeof manualClock>;
  let counter: CallCounter;
  const deps = () => ({ logs: () => client, sleep: clock.sleep, now: clock.now, counter });

  beforeEach(() => {
    logs.reset();
    clock = manualClock();
    counter = new CallCounter();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads the last events of the stream, newest last, masked", async () => {
    logs.on(GetLogEventsCommand).resolves({
      events: [{ message: "starting" }, { message: "password=hunter2" }, { message: "Killed" }],
    });

    const tail = await fetchLogTail({ ...request, lines: 5 }, deps());

    expect(tail).toEqual({
      kind: "lines",
      lines: ["starting", `password=${MASK}`, "Killed"],
      group: "/ecs/api",
      stream: `ecs/web/${TASK_ID}`,
      link: expect.stringContaining("log-events/ecs$252Fweb$252F"),
      truncated: false,
    });
    expect(logs.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toEqual({
      logGroupName: "/ecs/api",
      logStreamName: `ecs/web/${TASK_ID}`,
      startFromHead: false,
      limit: 5,
    });
    expect(counter.get(ENRICH_OPERATIONS.getLogEvents)).toBe(1);
  });

  it("reads again after a pause when the stream does not exist yet", async () => {
    logs
      .on(GetLogEventsCommand)
      .rejectsOnce(streamMissing())
      .resolves({ events: [{ message: "late line" }] });

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({ kind: "lines", lines: ["late line"] });
    expect(clock.sleep).toHaveBeenCalledTimes(1);
  });

  it("falls back to a link and says the stream was not found when it never appears", async () => {
    logs.on(GetLogEventsCommand).rejects(streamMissing());

    const tail = await fetchLogTail(request, deps());

    expect(tail).toEqual({
      kind: "unavailable",
      reason: REASONS.notFoundYet,
      link: expect.stringContaining("#logsV2:log-groups/log-group/$252Fecs$252Fapi/log-events/"),
    });
    expect(counter.get(ENRICH_OPERATIONS.getLogEvents)).toBe(3);
  });

  it("reads again while the stream is still empty", async () => {
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [] })
      .resolves({ events: [{ message: "now there" }] });

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({ kind: "lines", lines: ["now there"] });
  });

  it("waits for a missing log group too: awslogs-create-group makes it with the first line", async () => {
    logs
      .on(GetLogEventsCommand)
      .rejectsOnce(
        new ResourceNotFoundException({ message: "The specified log group does not exist.", $metadata: {} }),
      )
      .resolves({ events: [{ message: "first line" }] });

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({ kind: "lines", lines: ["first line"] });
  });

  it("retries once throttled and returns the lines", async () => {
    logs
      .on(GetLogEventsCommand)
      .rejectsOnce(throttling())
      .resolves({ events: [{ message: "ok" }] });

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({ kind: "lines", lines: ["ok"] });
  });

  it("says CloudWatch Logs throttled, with the link, when throttling lasts", async () => {
    logs.on(GetLogEventsCommand).rejects(throttling());

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({ kind: "unavailable", reason: REASONS.throttled, link: expect.any(String) });
  });

  it("does not retry when a slow answer used up the budget", async () => {
    logs.on(GetLogEventsCommand).callsFake(() => {
      clock.advance(3900);
      throw streamMissing();
    });

    const tail = await fetchLogTail({ ...request, budgetMs: 4000 }, deps());

    expect(tail).toMatchObject({ kind: "unavailable", reason: REASONS.notFoundYet });
    expect(clock.sleep).not.toHaveBeenCalled();
    expect(counter.get(ENRICH_OPERATIONS.getLogEvents)).toBe(1);
  });

  it("gives up with 'timed out' when CloudWatch does not answer within the budget", async () => {
    vi.useFakeTimers();
    logs.on(GetLogEventsCommand).callsFake(() => new Promise(() => {}));

    const pending = fetchLogTail({ ...request, budgetMs: 2500 }, { logs: () => client, counter });
    await vi.advanceTimersByTimeAsync(2500);
    const tail = await pending;

    expect(tail).toMatchObject({ kind: "unavailable", reason: REASONS.timedOut, link: expect.any(String) });
  });

  it("follows the caller's remaining time when given", async () => {
    logs.on(GetLogEventsCommand).resolves({ events: [{ message: "never read" }] });

    const tail = await fetchLogTail({ ...request, remainingMs: () => 50 }, deps());

    expect(tail).toMatchObject({ kind: "unavailable", reason: REASONS.timedOut });
    expect(counter.get(ENRICH_OPERATIONS.getLogEvents)).toBe(0);
  });

  it("explains a missing permission without retrying", async () => {
    const denied = new Error("not authorized to perform logs:GetLogEvents");
    denied.name = "AccessDeniedException";
    logs.on(GetLogEventsCommand).rejects(denied);

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({
      kind: "unavailable",
      reason: "no permission to read the logs (logs:GetLogEvents)",
    });
    expect(clock.sleep).not.toHaveBeenCalled();
  });

  it("never throws, whatever the client does", async () => {
    logs.on(GetLogEventsCommand).callsFake(() => {
      throw new TypeError("socket hang up");
    });

    const tail = await fetchLogTail(request, deps());

    expect(tail).toMatchObject({ kind: "unavailable", reason: "could not read CloudWatch Logs (TypeError)" });
  });

  it("asks the region the container logs to", async () => {
    logs.on(GetLogEventsCommand).resolves({ events: [{ message: "x" }] });
    const regions: Array<string | undefined> = [];

    await fetchLogTail(request, {
      ...deps(),
      logs: (region) => {
        regions.push(region);
        return client;
      },
    });

    expect(regions).toEqual(["eu-west-1"]);
  });
});
