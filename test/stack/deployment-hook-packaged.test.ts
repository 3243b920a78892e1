/**
 * The deploymentHook function as `osls package` builds it, run like Lambda runs it (its zip unpacked, its handler
 * imported once in a process of its own, a fake Context), invoked with ECS's documented payloads ("Lambda hooks for
 * Amazon ECS service deployments": executionDetails, executionId, lifecycleStage, resourceArn, hookDetails) against
 * the ECS stand-in holding green tasks in various states. Each test plays ECS: it calls, reads the answer, passes
 * the returned hookDetails back on the next call and changes the world in between. Lambda's clock cannot be moved,
 * so "ECS calls back after callBackDelay seconds" is played by moving the times the hook recorded in hookDetails
 * back by that delay (the hook honours its recorded firstCallAt / healthySince: src/shared/hooks/state.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EcsStandin, startEcsStandin } from "../support/ecs-standin.js";
import {
  BLUE_REVISION,
  blueGreenWorld,
  DEPLOYMENT_ARN,
  greenPending,
  greenRunning,
  greenStopped,
  REVISION_ARN,
  SERVICE_ARN,
  T0,
} from "../support/ecs-standin-world.js";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import { functionActions } from "./support/iam.js";
import { type LambdaContainer, removeUnpacked, startContainer, unpack } from "./support/lambda-container.js";
import { packageStack } from "./support/package-stack.js";

const FUNCTION = "DeploymentHookLambdaFunction";
const HOOK_KEYS = ["hookStatus", "callBackDelay", "hookDetails"];
const STEP_TIMEOUT_MS = 30_000;

type Answer = { hookStatus: string; callBackDelay?: number; hookDetails?: Record<string, unknown> };

let standin: EcsStandin;
let root: string;
let hook: LambdaContainer;
let failClosedHook: LambdaContainer;
/** The ECS operations the packaged function's role allows (`ecs:X` -> X). */
let allowedEcsOperations: string[];

beforeAll(async () => {
  const packaged = await packageStack("test", MINIMAL_PARAMS);
  const props = packaged.template.Resources[FUNCTION]?.Properties ?? {};
  const artifact = packaged.artifacts.deploymentHook;
  if (!artifact) throw new Error("the package has no deploymentHook artifact");
  root = unpack(artifact);
  allowedEcsOperations = functionActions(packaged.template, "DeploymentHook")
    .filter((action) => action.startsWith("ecs:"))
    .map((action) => action.slice("ecs:".length));
  standin = await startEcsStandin(blueGreenWorld());
  // The packaged environment's literal values (Refs such as the state table and topic have no value here, so
  // nothing is sent), pointed at the stand-in; AWS_ENDPOINT_URL too, so a call to any other service is recorded.
  const variables =
    (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const literal = Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  const env = {
    ...literal,
    AWS_REGION: "us-west-2",
    AWS_ACCESS_KEY_ID: "AKIASTANDINHOOK",
    AWS_SECRET_ACCESS_KEY: "standin-hook",
    AWS_ENDPOINT_URL: standin.endpoint,
    AWS_ENDPOINT_URL_ECS: standin.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: String(props.FunctionName),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const container = { root, handler: String(props.Handler), timeoutMs: Number(props.Timeout) * 1000 };
  hook = await startContainer({ ...container, env });
  failClosedHook = await startContainer({ ...container, env: { ...env, HOOK_FAIL_CLOSED: "true" } });
}, 600_000);

afterAll(async () => {
  hook?.close();
  failClosedHook?.close();
  await standin?.close();
  if (root) removeUnpacked(root);
});

beforeEach(() => {
  Object.assign(standin.world, blueGreenWorld());
  standin.calls.length = 0;
  standin.clearFaults();
});

/** ECS's payload at `stage` (test/hooks/support.ts shape), with `hookDetails` as ECS passes them. */
function payload(stage: string, hookDetails?: Record<string, unknown>) {
  return {
    executionId: "2e4d5c7a-0b3e-4f0e-9a8f-3c1d2b4a5e6f",
    lifecycleStage: stage,
    resourceArn: DEPLOYMENT_ARN,
    executionDetails: {
      testTrafficWeights: { [REVISION_ARN]: 100, [BLUE_REVISION]: 0 },
      productionTrafficWeights: { [BLUE_REVISION]: 100, [REVISION_ARN]: 0 },
      serviceArn: SERVICE_ARN,
      targetServiceRevisionArn: REVISION_ARN,
    },
    ...(hookDetails ? { hookDetails } : {}),
  };
}

/** Exactly one of the documented answers: hookStatus; callBackDelay and hookDetails only with IN_PROGRESS. */
function expectDocumentedAnswer(answer: unknown): Answer {
  expect(typeof answer === "object" && answer !== null && !Array.isArray(answer)).toBe(true);
  const a = answer as Record<string, unknown>;
  expect(["SUCCEEDED", "FAILED", "IN_PROGRESS"]).toContain(a.hookStatus);
  if (a.hookStatus !== "IN_PROGRESS") {
    expect(Object.keys(a)).toEqual(["hookStatus"]);
    return a as Answer;
  }
  expect(Object.keys(a).filter((key) => !HOOK_KEYS.includes(key))).toEqual([]);
  if ("callBackDelay" in a) {
    expect(Number.isInteger(a.callBackDelay)).toBe(true);
    expect(a.callBackDelay as number).toBeGreaterThan(0);
  }
  if ("hookDetails" in a) {
    expect(typeof a.hookDetails === "object" && a.hookDetails !== null && !Array.isArray(a.hookDetails)).toBe(
      true,
    );
  }
  return a as Answer;
}

async function call(container: LambdaContainer, event: unknown): Promise<Answer> {
  return expectDocumentedAnswer(await container.invoke(event));
}

/** The state the hook keeps in hookDetails. */
const stateOf = (answer: Answer) =>
  (answer.hookDetails?.ecsSentinel ?? {}) as { calls?: number; firstCallAt?: string; healthySince?: string };

/** The hookDetails ECS passes back after waiting the answer's callBackDelay (recorded times moved back by it). */
function passedBackAfterDelay(answer: Answer): Record<string, unknown> {
  const details = structuredClone(answer.hookDetails ?? {});
  const state = details.ecsSentinel as Record<string, unknown> | undefined;
  const delayMs = (answer.callBackDelay ?? 30) * 1000;
  for (const key of ["firstCallAt", "healthySince"]) {
    const at = state?.[key];
    if (state && typeof at === "string") state[key] = new Date(Date.parse(at) - delayMs).toISOString();
  }
  return details;
}

/** Every call the function made is an ECS read its packaged role allows (a call to anything else is recorded too). */
function expectOnlyAllowedReads(): void {
  const operations = [...new Set(standin.calls.map((c) => c.operation))];
  expect(operations.filter((op) => !allowedEcsOperations.includes(op))).toEqual([]);
  expect(operations.filter((op) => !/^(Describe|List)/.test(op))).toEqual([]);
}

/** The function's log line of a FAILED verdict, among what it printed after `mark` characters. */
function failedVerdictLog(container: LambdaContainer, mark: number): Record<string, unknown> | undefined {
  const lines = container
    .output()
    .slice(mark)
    .split("\n")
    .filter((line) => line.startsWith("{"));
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((entry) => String(entry.message).includes("FAILED, ECS rolls back"));
}

/** Replaces a green task (by ID) with what it became. */
function replaceTask(taskId: string, ...next: ReturnType<typeof greenRunning>[]): void {
  const index = standin.world.tasks.findIndex((t) => t.taskArn?.endsWith(`/${taskId}`));
  standin.world.tasks.splice(index, 1, ...next);
}

describe("the packaged deploymentHook against the ECS stand-in", () => {
  it(
    "answers FAILED on the first call that sees a green task stopped by CannotPullContainerError",
    async () => {
      standin.world.tasks.push(greenPending("green-1"), greenPending("green-2"));
      const mark = hook.output().length;
      const first = await call(hook, payload("POST_SCALE_UP"));
      replaceTask(
        "green-1",
        greenStopped(
          "image-pull--fargate-pv14-failed-to-resolve-ref-not-found",
          "green-1",
          new Date(T0 + 20_000),
        ),
      );

      const second = await call(hook, payload("POST_SCALE_UP", passedBackAfterDelay(first)));

      expect(first).toMatchObject({ hookStatus: "IN_PROGRESS", callBackDelay: 30 });
      expect(stateOf(first)).toMatchObject({ calls: 1, stage: "POST_SCALE_UP", revision: REVISION_ARN });
      expect(stateOf(first).healthySince).toBeUndefined();
      expect(second).toEqual({ hookStatus: "FAILED" });
      expect(failedVerdictLog(hook, mark)).toMatchObject({ category: "image-pull", culpritTask: "green-1" });
      expectOnlyAllowedReads();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "bakes healthy green tasks: IN_PROGRESS with callBackDelay until the bake set in hookDetails has passed, then SUCCEEDED",
    async () => {
      standin.world.tasks.push(greenRunning("green-1"), greenRunning("green-2"));
      const configured = { bakeSeconds: { POST_TEST_TRAFFIC_SHIFT: 60 } };
      const answers: Answer[] = [await call(hook, payload("POST_TEST_TRAFFIC_SHIFT", configured))];
      for (let i = 0; i < 5 && answers.at(-1)?.hookStatus === "IN_PROGRESS"; i++) {
        const previous = answers.at(-1) as Answer;
        answers.push(await call(hook, payload("POST_TEST_TRAFFIC_SHIFT", passedBackAfterDelay(previous))));
      }

      expect(answers.map((a) => [a.hookStatus, a.callBackDelay])).toEqual([
        ["IN_PROGRESS", 30],
        ["IN_PROGRESS", 30],
        ["SUCCEEDED", undefined],
      ]);
      expect(answers.slice(0, 2).map((a) => stateOf(a).calls)).toEqual([1, 2]);
      expect(answers[1]?.hookDetails?.bakeSeconds).toEqual(configured.bakeSeconds);
      const firstPassedBack = passedBackAfterDelay(answers[0] as Answer).ecsSentinel as {
        healthySince?: string;
      };
      expect(firstPassedBack.healthySince).toEqual(expect.any(String));
      expect(stateOf(answers[1] as Answer).healthySince).toBe(firstPassedBack.healthySince);
      expectOnlyAllowedReads();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "answers IN_PROGRESS while green tasks crash after RUNNING below the threshold, FAILED at the third crash",
    async () => {
      standin.world.tasks.push(greenRunning("green-1"), greenRunning("green-2"));
      const mark = hook.output().length;
      const crash = (id: string, n: number) =>
        greenStopped("app-exit--fargate-exit-1", id, new Date(T0 + n * 60_000));
      const answers: Answer[] = [await call(hook, payload("POST_SCALE_UP"))];
      const crashes: [string, string][] = [
        ["green-1", "green-3"],
        ["green-3", "green-4"],
        ["green-4", "green-5"],
      ];
      for (const [n, [crashed, replacement]] of crashes.entries()) {
        replaceTask(crashed, crash(crashed, n + 1), greenRunning(replacement));
        const previous = answers.at(-1) as Answer;
        answers.push(await call(hook, payload("POST_SCALE_UP", previous.hookDetails)));
      }

      expect(standin.world.tasks.filter((t) => t.stopCode === "EssentialContainerExited")).toHaveLength(3);
      expect(answers.map((a) => a.hookStatus)).toEqual([
        "IN_PROGRESS",
        "IN_PROGRESS",
        "IN_PROGRESS",
        "FAILED",
      ]);
      expect(answers.slice(0, 3).map((a) => stateOf(a).calls)).toEqual([1, 2, 3]);
      expect(failedVerdictLog(hook, mark)).toMatchObject({ category: "app-exit", culpritTask: "green-4" });
      expectOnlyAllowedReads();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "answers SUCCEEDED to malformed payloads without calling ECS, and FAILED when HOOK_FAIL_CLOSED=true",
    async () => {
      const malformed = [
        { executionDetails: { serviceArn: 42 } },
        { ...payload("POST_SCALE_UP"), executionDetails: { serviceArn: SERVICE_ARN } },
        { ...payload("POST_SCALE_UP"), hookDetails: "{not json" },
        "POST_SCALE_UP",
        null,
      ];

      const open = [];
      const closed = [];
      for (const event of malformed) {
        open.push(await call(hook, event));
        closed.push(await call(failClosedHook, event));
      }

      expect(open).toEqual(malformed.map(() => ({ hookStatus: "SUCCEEDED" })));
      expect(closed).toEqual(malformed.map(() => ({ hookStatus: "FAILED" })));
      expect(standin.calls).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "answers IN_PROGRESS with a callBackDelay when ECS answers 500 (after the SDK's retries), keeping its state",
    async () => {
      standin.world.tasks.push(greenRunning("green-1"), greenRunning("green-2"));
      standin.failNext("DescribeServiceRevisions", {
        type: "ServerException",
        times: Number.POSITIVE_INFINITY,
      });
      const during = await call(hook, payload("POST_SCALE_UP"));
      const failedCalls = standin.calls.filter((c) => c.error === "ServerException").length;
      standin.clearFaults();

      const after = await call(hook, payload("POST_SCALE_UP", during.hookDetails));

      expect(during).toMatchObject({ hookStatus: "IN_PROGRESS", callBackDelay: 10 });
      expect(failedCalls).toBeGreaterThan(1);
      expect(stateOf(during).calls).toBe(1);
      expect(after.hookStatus).toBe("IN_PROGRESS");
      expect(stateOf(after)).toMatchObject({ calls: 2, firstCallAt: stateOf(during).firstCallAt });
      expectOnlyAllowedReads();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "answers IN_PROGRESS with a callBackDelay, never a throw, when ECS throttles ListTasks",
    async () => {
      standin.world.tasks.push(greenRunning("green-1"), greenRunning("green-2"));
      standin.failNext("ListTasks", { type: "ThrottlingException", times: Number.POSITIVE_INFINITY });

      const answer = await call(hook, payload("POST_SCALE_UP"));

      expect(answer).toMatchObject({ hookStatus: "IN_PROGRESS", callBackDelay: 10 });
      expect(standin.calls.filter((c) => c.error === "ThrottlingException").length).toBeGreaterThan(1);
      expectOnlyAllowedReads();
    },
    STEP_TIMEOUT_MS,
  );
});
