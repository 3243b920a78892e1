import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DispatchResult, dispatchEvent, type FlowDeps } from "../../src/shared/flows/dispatch.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import { TASK_EVENTS } from "./fixtures.js";
import { mutatedEventArb } from "./mutations.js";
import { FUZZ_TIMEOUT, runs } from "./runs.js";

const STATUSES = new Set(["dropped", "ignored", "diagnosed", "handled"]);
const DETAIL_TYPES = ["ECS Task State Change", "ECS Deployment State Change", "ECS Service Action"];

interface Harness {
  deps: FlowDeps;
  sent: Message[];
}

/** A notifier that records and sends nothing, a silent log, and optionally a deployment handler. */
function harness(withDeploymentHandler: boolean): Harness {
  const sent: Message[] = [];
  const deps: FlowDeps = {
    notify: async (message) => {
      sent.push(message);
      return [];
    },
    log: silentLog,
  };
  if (withDeploymentHandler) {
    deps.deploymentEvent = async (event) => ({
      status: "handled",
      detailType: event["detail-type"],
      summary: "ok",
    });
  }
  return { deps, sent };
}

/**
 * Dispatches and checks the result: it resolves to a known status, notifies exactly once when it diagnosed
 * and never otherwise. A rejection is allowed only for a known finding (FINDINGS.md).
 */
async function expectResolvesCleanly(
  raw: unknown,
  withDeploymentHandler: boolean,
  only?: string[],
): Promise<void> {
  const { deps, sent } = harness(withDeploymentHandler);
  const result: DispatchResult = await dispatchEvent(raw, deps, only);
  expect(STATUSES.has(result.status)).toBe(true);
  expect(sent.length).toBe(result.status === "diagnosed" ? 1 : 0);
  if (result.status === "dropped") expect(result.reason.length).toBeGreaterThan(0);
}

const handlerChoice = fc.boolean();
const onlyChoice = fc.option(fc.subarray(DETAIL_TYPES), { nil: undefined });

describe("dispatchEvent on any input", () => {
  it(
    "resolves with a known status for random JSON",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), handlerChoice, async (raw, withHandler) => {
          await expectResolvesCleanly(raw, withHandler);
        }),
        runs(2000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "resolves with a known status for any JavaScript value",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.anything({
            withBigInt: true,
            withDate: true,
            withMap: true,
            withSet: true,
            withNullPrototype: true,
          }),
          handlerChoice,
          async (raw, withHandler) => {
            await expectResolvesCleanly(raw, withHandler);
          },
        ),
        runs(1000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "resolves with a known status for mutated real events, with or without a deployment handler or filter",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          mutatedEventArb(),
          handlerChoice,
          onlyChoice,
          async ({ event }, withHandler, only) => {
            await expectResolvesCleanly(event, withHandler, only);
          },
        ),
        runs(2000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "resolves with a known status for mutated real events carrying 100 KB strings",
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedEventArb({ huge: true }), handlerChoice, async ({ event }, withHandler) => {
          await expectResolvesCleanly(event, withHandler);
        }),
        runs(100),
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe("known findings at the dispatch level, pinned until fixed (FINDINGS.md)", () => {
  const stopped = TASK_EVENTS.find(({ file }) => file.startsWith("app-exit")) ?? TASK_EVENTS[0];
  const base = stopped?.event ?? {};
  const detail = (base.detail ?? {}) as Record<string, unknown>;

  // F1: a stop event whose timestamp is a number out of Date's range makes the Lambda fail and retry.
  it("resolves for a task event whose stoppedAt is 1e300 (F1)", async () => {
    const { deps } = harness(false);

    await expect(
      dispatchEvent({ ...base, detail: { ...detail, stoppedAt: 1e300 } }, deps),
    ).resolves.toBeDefined();
  });

  // F2: a stop event whose cluster name holds a lone surrogate makes the Lambda fail and retry.
  it("resolves for a task event whose cluster name holds a lone surrogate (F2)", async () => {
    const { deps } = harness(false);
    const clusterArn = "arn:aws:ecs:us-east-1:123456789012:cluster/prod\ud800";

    await expect(
      dispatchEvent(
        { ...base, region: "us-east-1", detail: { ...detail, clusterArn, lastStatus: "STOPPED" } },
        deps,
      ),
    ).resolves.toBeDefined();
  });
});
