/**
 * The task-state Lambda with ECS_SENTINEL_METRICS=on: one invocation writes its metrics as EMF lines on stdout,
 * once, at its end — the event's kind, the diagnosis' category and each channel's delivery.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { METRICS_HANDLER_ENV } from "../metrics/support.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";

type Handler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<unknown>;

const ecsMock = mockClient(ECSClient);
const context = {
  functionName: "ecs-sentinel-test-taskState",
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 25_000,
} as unknown as Context;
const example = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, "../../examples/events", name), "utf8"),
  ) as EventBridgeEvent<string, unknown>;

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const ENV = METRICS_HANDLER_ENV;

describe("task-state handler metrics", () => {
  let handler: Handler;
  let slack: SlackServer;
  let stdout: MockInstance<typeof process.stdout.write>;
  const emfLines = () =>
    stdout.mock.calls
      .map(([chunk]) => String(chunk))
      .filter((text) => text.includes('"_aws"'))
      .map((text) => JSON.parse(text) as EmfLine);

  beforeAll(async () => {
    slack = await startSlackServer();
    Object.assign(process.env, ENV, { SLACK_WEBHOOK_URL: slack.url });
    // The handler reads its configuration (and whether metrics are on) at import: its cold start.
    ({ handler } = (await import("../../src/handlers/task-state.js")) as { handler: Handler });
  });

  afterEach(() => {
    stdout.mockRestore();
  });

  afterAll(async () => {
    for (const name of [...Object.keys(ENV), "SLACK_WEBHOOK_URL"]) delete process.env[name];
    ecsMock.restore();
    await slack.close();
  });

  it("writes the event, its diagnosis and the Slack delivery as EMF, in one flush", async () => {
    stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

    await handler(example("01-api-oom-killed.json"), context);

    const lines = emfLines();
    expect(slack.requests).toHaveLength(1);
    expect(new Set(lines.map((line) => line._aws.CloudWatchMetrics[0]?.Namespace))).toEqual(
      new Set(["ECSSentinel"]),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "ECS Task State Change", Events: 1, stage: "test" }),
        expect.objectContaining({ category: "out-of-memory", Diagnoses: 1 }),
        expect.objectContaining({ channel: "slack", outcome: "sent", Notifications: 1 }),
        expect.objectContaining({ function: "taskState", ColdStarts: 1, HandlerLatency: expect.any(Number) }),
      ]),
    );
    // One flush: each combination of dimensions appears on exactly one line.
    const combinations = lines.map((line) => JSON.stringify({ ...line, _aws: undefined }));
    expect(new Set(combinations).size).toBe(lines.length);
  });

  it("still flushes once when the invocation throws: the failed delivery, the diagnosis and the latency", async () => {
    stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    slack.replyAlways({ status: 400, body: "invalid_payload" });

    const invocation = handler(example("07-worker-image-pull-failed.json"), context);

    await expect(invocation).rejects.toThrow();
    const lines = emfLines();
    // The result's counts (event, diagnosis) wait for the retry that completes: a retried event counts once.
    expect(lines.some((line) => "Diagnoses" in line || "Events" in line)).toBe(false);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: "slack", outcome: "failed", Notifications: 1 }),
        expect.objectContaining({ DeliveryFailures: 1 }),
        expect.objectContaining({ function: "taskState", HandlerLatency: expect.any(Number) }),
      ]),
    );
    expect(lines.filter((line) => "HandlerLatency" in line)).toHaveLength(1);
  });

  it("counts an event that does not parse as dropped and still flushes its latency", async () => {
    stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

    await handler({ "detail-type": "ECS Task State Change", detail: 42 } as never, context);

    const lines = emfLines();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: "unparseable", EventsDropped: 1 }),
        expect.objectContaining({ function: "taskState", HandlerLatency: expect.any(Number) }),
      ]),
    );
    expect(lines.some((line) => "ColdStarts" in line)).toBe(false);
  });
});
