/** The pure core of the deployment hook: payload, policy data, settings, state and the judge. */
import { describe, expect, it } from "vitest";
import { hookDefaultsFromEnv } from "../../src/app/deployment-hook.js";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { CATEGORIES } from "../../src/shared/diagnosis/types.js";
import { taskSchema } from "../../src/shared/events/schemas.js";
import {
  FATAL_CATEGORIES,
  hookResponse,
  IGNORED_CATEGORIES,
  judgeHook,
  parseHookPayload,
  resolveSettings,
  stopWeight,
} from "../../src/shared/hooks/index.js";
import { hookPayload, REVISION_ARN, runningTask, stoppedTask, T0 } from "./support.js";

const settings = {
  bakeSeconds: 60,
  callBackDelaySeconds: 30,
  crashThreshold: 3,
  elbUnhealthyThreshold: 2,
  failClosed: false,
};
const task = (raw: Record<string, unknown>) => taskSchema.parse(raw);

describe("hook policy (data)", () => {
  it("fails at once for the causes retrying will not fix, and never for stops that are not the revision's fault", () => {
    expect([...FATAL_CATEGORIES].sort()).toEqual(
      ["image-pull", "iam", "log-driver", "out-of-memory", "secrets", "start-failure", "storage"].sort(),
    );
    expect([...IGNORED_CATEGORIES].sort()).toEqual([
      "placement",
      "platform",
      "scaling",
      "spot-interruption",
      "user-stopped",
    ]);
    expect(CATEGORIES.filter((c) => FATAL_CATEGORIES.has(c) && IGNORED_CATEGORIES.has(c))).toEqual([]);
  });

  it("counts a registry rate limit as a crash, not a fatal stop", () => {
    expect(stopWeight("image-pull", "registry-rate-limited")).toBe("crash");
    expect(stopWeight("image-pull", "image-not-found")).toBe("fatal");
    expect(stopWeight("elb-health-check", "target-unhealthy")).toBe("elb");
    expect(stopWeight("app-exit", "non-zero-exit")).toBe("crash");
  });

  it.each([
    ["image-pull--docs-repository-not-found", "FAILED"],
    ["secrets--ssm-invalid-parameters", "FAILED"],
    ["iam--kms-access-not-allowed", "FAILED"],
    ["out-of-memory--fargate-exit-137", "FAILED"],
    ["app-exit--fargate-exit-1", "IN_PROGRESS"],
    ["spot-interruption--fargate-spot-final-stopped", "IN_PROGRESS"],
  ])("one stop of %s answers %s", (fixture, status) => {
    const verdict = judgeHook({
      stage: "POST_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [task(runningTask("a", "HEALTHY")), task(stoppedTask(fixture, "b"))],
      settings,
      hookDetails: {},
      now: T0,
      expectedCount: 2,
    });
    expect(verdict.hookStatus).toBe(status);
  });
});

describe("judgeHook", () => {
  it("answers SUCCEEDED at once before scale-up, when the new revision has no tasks", () => {
    const verdict = judgeHook({
      stage: "PRE_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [],
      settings,
      hookDetails: {},
      now: T0,
    });
    expect(verdict.hookStatus).toBe("SUCCEEDED");
  });

  it("waits when fewer tasks are healthy than the deployment wants", () => {
    const verdict = judgeHook({
      stage: "POST_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [task(runningTask("a", "HEALTHY"))],
      settings: { ...settings, bakeSeconds: 0 },
      hookDetails: {},
      now: T0,
      expectedCount: 2,
    });
    expect(verdict.hookStatus).toBe("IN_PROGRESS");
    expect(verdict.reason).toContain("1 of 2");
  });

  it("shortens the callback to the end of the bake", () => {
    const first = judgeHook({
      stage: "POST_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [task(runningTask("a", "HEALTHY"))],
      settings: { ...settings, bakeSeconds: 40 },
      hookDetails: {},
      now: T0,
    });
    const second = judgeHook({
      stage: "POST_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [task(runningTask("a", "HEALTHY"))],
      settings: { ...settings, bakeSeconds: 40 },
      hookDetails: first.hookDetails,
      now: T0 + 30_000,
    });
    expect(first.callBackDelay).toBe(30);
    expect(second.callBackDelay).toBe(10);
  });

  it("starts afresh when hookDetails carries the state of another stage", () => {
    const before = judgeHook({
      stage: "POST_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [task(runningTask("a", "HEALTHY"))],
      settings,
      hookDetails: {},
      now: T0,
    });
    const next = judgeHook({
      stage: "POST_TEST_TRAFFIC_SHIFT",
      revision: REVISION_ARN,
      tasks: [task(runningTask("a", "HEALTHY"))],
      settings,
      hookDetails: before.hookDetails,
      now: T0 + 600_000,
    });
    expect(next.hookDetails).toMatchObject({
      ecsSentinel: {
        stage: "POST_TEST_TRAFFIC_SHIFT",
        calls: 1,
        firstCallAt: new Date(T0 + 600_000).toISOString(),
      },
    });
  });

  it("names the diagnosis of the culprit task in a FAILED verdict", () => {
    const stopped = task(stoppedTask("out-of-memory--fargate-exit-137", "b"));
    const verdict = judgeHook({
      stage: "POST_SCALE_UP",
      revision: REVISION_ARN,
      tasks: [stopped],
      settings,
      hookDetails: {},
      now: T0,
    });
    expect(verdict.failure).toEqual(diagnoseTask(stopped));
  });
});

describe("hookResponse", () => {
  it("gives ECS only hookStatus, and callBackDelay and hookDetails with IN_PROGRESS", () => {
    expect(hookResponse({ hookStatus: "SUCCEEDED", callBackDelay: 30, hookDetails: { a: 1 } })).toEqual({
      hookStatus: "SUCCEEDED",
    });
    expect(hookResponse({ hookStatus: "IN_PROGRESS", callBackDelay: 12.4, hookDetails: { a: 1 } })).toEqual({
      hookStatus: "IN_PROGRESS",
      callBackDelay: 12,
      hookDetails: { a: 1 },
    });
  });
});

describe("parseHookPayload", () => {
  it("reads the documented payload and keeps hookDetails", () => {
    const parsed = parseHookPayload(hookPayload("TEST_TRAFFIC_SHIFT", { bakeSeconds: 30 }));
    expect(parsed.ok && parsed.payload.lifecycleStage).toBe("TEST_TRAFFIC_SHIFT");
    expect(parsed.ok && parsed.payload.hookDetails).toEqual({ bakeSeconds: 30 });
  });

  it("reads hookDetails given as a JSON string, and execution details at the top level", () => {
    const { executionDetails, ...rest } = hookPayload("POST_SCALE_UP") as { executionDetails: object };
    const parsed = parseHookPayload({ ...rest, ...executionDetails, hookDetails: '{"bakeSeconds": 5}' });
    expect(parsed.ok && parsed.payload.hookDetails).toEqual({ bakeSeconds: 5 });
  });

  it("tolerates unknown fields", () => {
    expect(parseHookPayload({ ...hookPayload("POST_SCALE_UP"), somethingNew: { x: 1 } }).ok).toBe(true);
  });
});

describe("resolveSettings", () => {
  it("lets hookDetails win over the tag, and the tag over the stage default", () => {
    const tags = { "ecs-sentinel:hook-bake-seconds": "200" };
    expect(resolveSettings("POST_SCALE_UP", {}, {}, {}).settings.bakeSeconds).toBe(60);
    expect(resolveSettings("POST_SCALE_UP", {}, tags, {}).settings.bakeSeconds).toBe(200);
    expect(resolveSettings("POST_SCALE_UP", { bakeSeconds: 120 }, tags, {}).settings.bakeSeconds).toBe(120);
    expect(
      resolveSettings("POST_SCALE_UP", { bakeSeconds: { POST_SCALE_UP: 10 } }, tags, {}).settings.bakeSeconds,
    ).toBe(10);
  });

  it("names a typo and a bad value in warnings and keeps the default", () => {
    const { settings: s, warnings } = resolveSettings(
      "POST_SCALE_UP",
      { bakeSecond: 5, crashThreshold: -1 },
      {},
      {},
    );
    expect(s.bakeSeconds).toBe(60);
    expect(s.crashThreshold).toBe(3);
    expect(warnings).toEqual([
      'hookDetails.bakeSecond is not a setting of ecs-sentinel\'s hook (did you mean "bakeSeconds"?); ignored',
      "hookDetails.crashThreshold must be an integer from 1 to 50; ignored",
    ]);
  });
});

describe("hookDefaultsFromEnv", () => {
  it("reads HOOK_FAIL_CLOSED and the numbers, and names what is wrong", () => {
    expect(hookDefaultsFromEnv({ HOOK_FAIL_CLOSED: "true", HOOK_BAKE_SECONDS: "90" })).toEqual({
      defaults: { failClosed: true, bakeSeconds: 90 },
      problems: [],
    });
    expect(hookDefaultsFromEnv({ HOOK_FAIL_CLOSED: "ture", HOOK_CRASH_THRESHOLD: "x" }).problems).toEqual([
      "HOOK_FAIL_CLOSED must be true or false; using false",
      "HOOK_CRASH_THRESHOLD must be an integer from 1 to 50; using the default",
    ]);
  });
});
