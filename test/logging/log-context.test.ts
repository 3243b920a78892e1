/**
 * The handlers' one log-context wrapper (`withLogContext`): keys are on every line of an invocation and gone
 * after it, also when it throws — and the watchdog handler, which used to append context but never reset its
 * keys, goes through the same wrapper.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";

const watchdogResult = { stopped: [], wouldStop: [], missed: [], errors: [], digests: 0 };

vi.mock("../../src/app/jobs-lambda.js", () => ({
  memoisedJobsDeps: () => async () => ({}),
}));
vi.mock("../../src/shared/flows/job-watchdog.js", async () => {
  const { logger } = await import("../../src/app/logger.js");
  return {
    // A key appended while the watchdog runs (as any code under it may): it must not outlive the invocation.
    handleWatchdog: async () => {
      logger.appendKeys({ job: "nightly-report" });
      return watchdogResult;
    },
  };
});

const context = {
  functionName: "ecs-sentinel-dev-watchdog",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:ecs-sentinel-dev-watchdog",
  memoryLimitInMB: "256",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The JSON lines Powertools writes (stdout and stderr) while `act` runs. */
async function captureLines(act: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const keep = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(keep),
    vi.spyOn(process.stderr, "write").mockImplementation(keep),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join("")
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe("withLogContext", () => {
  it("puts the event's keys and the Lambda context on the invocation's lines and removes the keys after it", async () => {
    // Arrange
    const { withLogContext } = await import("../../src/app/logger.js");
    const log = new Logger({ serviceName: "ecs-sentinel" });
    const handler = withLogContext(
      async (_event: { id: string }) => {
        log.info("inside");
      },
      (event) => ({ eventId: event.id }),
      log,
    );

    // Act
    const lines = await captureLines(async () => {
      await handler({ id: "evt-1" }, context);
      log.info("after");
    });

    // Assert
    expect(lines.find((l) => l.message === "inside")).toMatchObject({
      eventId: "evt-1",
      function_request_id: context.awsRequestId,
    });
    expect(lines.find((l) => l.message === "after")).not.toHaveProperty("eventId");
  });

  it("removes the keys when the handler throws, and rethrows its error", async () => {
    // Arrange
    const { withLogContext } = await import("../../src/app/logger.js");
    const log = new Logger({ serviceName: "ecs-sentinel" });
    const handler = withLogContext(
      async (_event: { id: string }) => {
        throw new Error("DescribeTasks throttled");
      },
      (event) => ({ eventId: event.id }),
      log,
    );

    // Act
    let thrown: unknown;
    const lines = await captureLines(async () => {
      thrown = await handler({ id: "evt-2" }, context).catch((error: unknown) => error);
      log.info("after");
    });

    // Assert
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe("DescribeTasks throttled");
    expect(lines.find((l) => l.message === "after")).not.toHaveProperty("eventId");
  });
});

describe("the watchdog handler", () => {
  it("resets the log keys appended during its invocation", async () => {
    // Arrange
    const { handler } = await import("../../src/handlers/watchdog.js");
    const { logger } = await import("../../src/app/logger.js");

    // Act
    const lines = await captureLines(async () => {
      await handler({}, context);
      logger.info("next invocation");
    });

    // Assert: the key was there while the watchdog ran, and is gone afterwards.
    expect(lines.find((l) => l.message === "watchdog done")).toMatchObject({ job: "nightly-report" });
    expect(lines.find((l) => l.message === "next invocation")).not.toHaveProperty("job");
  });
});
