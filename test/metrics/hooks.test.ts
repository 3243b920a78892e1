/**
 * A deployment-hook payload the hook cannot read is answered by its fail-open policy and counted as a dropped
 * event (hook-unparseable); the deployed handler, with ECS_SENTINEL_METRICS=on, writes that count as EMF.
 */
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recordHookPayload } from "../../src/shared/metrics/hooks.js";
import { hookPayload } from "../hooks/support.js";
import { countingMetrics, METRICS_HANDLER_ENV } from "./support.js";

describe("recordHookPayload", () => {
  it("counts a payload without a service ARN nor a target revision as hook-unparseable", () => {
    const metrics = countingMetrics();

    recordHookPayload(metrics, { lifecycleStage: "POST_SCALE_UP", executionDetails: { serviceArn: 42 } });

    expect(metrics.counted).toEqual([
      { name: "EventsDropped", dimensions: { reason: "hook-unparseable" }, value: 1 },
    ]);
  });

  it("counts nothing for a payload ECS sends", () => {
    const metrics = countingMetrics();

    recordHookPayload(metrics, hookPayload("POST_SCALE_UP"));

    expect(metrics.counted).toEqual([]);
  });
});

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const ENV = METRICS_HANDLER_ENV;

describe("the deploymentHook handler's metrics", () => {
  let handler: Handler;

  beforeAll(async () => {
    Object.assign(process.env, ENV);
    ({ handler } = (await import("../../src/handlers/deployment-hook.js")) as { handler: Handler });
  });

  afterAll(() => {
    for (const name of Object.keys(ENV)) delete process.env[name];
  });

  it("answers SUCCEEDED to a payload it cannot read and writes it as a dropped event", async () => {
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const context = { awsRequestId: "req-1", getRemainingTimeInMillis: () => 25_000 } as unknown as Context;

    const response = await handler({ hello: "world" }, context);

    const lines = stdout.mock.calls
      .map(([chunk]) => String(chunk))
      .filter((text) => text.includes('"_aws"'))
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    stdout.mockRestore();
    expect(response).toEqual({ hookStatus: "SUCCEEDED" });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: "hook-unparseable", EventsDropped: 1, stage: "test" }),
      ]),
    );
  });
});
