/**
 * Issue #11 item 7: every rollback decision is notified, including the failures to make one. ECS errors are
 * the SDK's own exception classes (name, $fault, $metadata.httpStatusCode as the SDK builds them) answered
 * through aws-sdk-client-mock (ecs-world.ts); the channels are the harness's Slack and email stand-ins.
 */
import {
  AccessDeniedException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  ECSClient,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { deploymentDeps } from "../../src/app/deployments.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import type { Notifier } from "../../src/shared/notify/port.js";
import { DeliveryError } from "../../src/shared/notify/transports/errors.js";
import { memoryCrashLoopStore } from "../../src/shared/rollback/crash-loop-store.js";
import { memoryRollbackStore } from "../../src/shared/rollback/memory-rollback-store.js";
import { ecsWorld } from "../scenarios/support/ecs-world.js";
import { deploymentEvent, stoppedTask } from "../scenarios/support/events.js";
import { recordingLog, scenarioHarness } from "../scenarios/support/harness.js";

const ecsMock = mockClient(ECSClient);
beforeEach(() => ecsMock.reset());

const meta = { httpStatusCode: 400, requestId: "0e1c2f8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f", attempts: 1 };
const ERRORS = {
  ClusterNotFoundException: () =>
    new ClusterNotFoundException({ message: "Cluster not found.", $metadata: meta }),
  ServiceNotFoundException: () =>
    new ServiceNotFoundException({ message: "Service not found.", $metadata: meta }),
  AccessDeniedException: () =>
    new AccessDeniedException({
      message:
        "User: arn:aws:sts::123456789012:assumed-role/ecs-sentinel/deploymentEvents is not authorized to perform: ecs:ListServiceDeployments",
      $metadata: meta,
    }),
};
const throttling = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { ...meta, attempts: 3 },
  });
const OPERATIONS = [
  "DescribeServices",
  "ListServiceDeployments",
  "DescribeServiceDeployments",
  "DescribeServiceRevisions",
] as const;
const CASES = OPERATIONS.flatMap((op) => Object.keys(ERRORS).map((name) => [op, name] as const));

const FAILED = () => deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" });
const checkFailures = (h: ReturnType<typeof scenarioHarness>) =>
  h.delivered().filter((m) => m.category === "rollback-check-failed");

describe("a rollback check that fails on a failed deployment", () => {
  it.each(CASES)("is notified when %s answers %s, and nothing is changed", async (operation, name) => {
    const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    world.failOnce(operation, ERRORS[name as keyof typeof ERRORS]());
    const h = scenarioHarness();

    const result = await h.dispatch(FAILED());

    expect(result).toMatchObject({
      status: "handled",
      summary: expect.stringContaining("rollback check failed"),
    });
    expect(world.mutations()).toEqual([]);
    const [message] = checkFailures(h);
    expect(message).toMatchObject({
      kind: "rollback",
      severity: "critical",
      title: "sd-example: rollback check failed",
      cause: expect.stringMatching(
        new RegExp(`^rollback check failed for \`sd-example\`: ${name}: .+ — nothing was changed\\.$`),
      ),
    });
    expect(h.email.map((e) => e.subject).join("\n")).toContain("rollback check failed");
    expect(h.log.lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        fields: expect.objectContaining({ ecsService: "sd-example", error: expect.stringContaining(name) }),
      }),
    );
  });

  it("is notified once, as a warning, while throttling persists over three attempts, and each attempt is rethrown", async () => {
    ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    ecsMock.on(DescribeServicesCommand).rejects(throttling());
    const h = scenarioHarness();
    const event = FAILED();

    for (let attempt = 0; attempt < 3; attempt++)
      await expect(h.dispatch(event)).rejects.toThrow("Rate exceeded");

    expect(checkFailures(h)).toEqual([
      expect.objectContaining({
        severity: "warning",
        cause: expect.stringContaining("ThrottlingException: Rate exceeded — nothing was changed yet"),
      }),
    ]);
    expect(h.notified.filter((n) => n.message.category === "rollback-check-failed")).toHaveLength(3);
  });

  it("is not reported when the decision's own notification fails: that propagates for a Lambda retry", async () => {
    ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    const log = recordingLog();
    const sent: string[] = [];
    const notify: Notifier = async (message) => {
      if (message.kind === "rollback") {
        throw new DeliveryError([{ channel: "slack", error: new Error("Slack answered 503") }]);
      }
      sent.push(message.title);
      return [{ channel: "slack", status: "sent" }];
    };
    const rollbackStore = memoryRollbackStore();
    const deps = deploymentDeps(loadConfig({ AWS_REGION: "us-west-2" }), {
      log,
      notify,
      adapters: {
        ecs: new ECSClient({ region: "us-west-2" }),
        rollbackStore,
        crashLoopStore: memoryCrashLoopStore(),
      },
    });

    const dispatched = dispatchEvent(FAILED(), { notify, log, ...deps });

    await expect(dispatched).rejects.toBeInstanceOf(DeliveryError);
    expect(sent).toEqual(["sd-example: deployment failed"]);
    expect(log.lines.map((l) => l.message)).not.toContain("rollback check failed; nothing was changed");
  });

  it("includes the rollback call itself failing: a critical message that says the service was NOT rolled back", async () => {
    const world = ecsWorld(ecsMock, { rollout: "FAILED", rolloutReason: "failed" });
    ecsMock.on(UpdateServiceCommand).rejects(ERRORS.AccessDeniedException());
    const h = scenarioHarness();

    await h.dispatch(FAILED());

    expect(world.mutations()).toHaveLength(1);
    expect(h.delivered().find((m) => m.kind === "rollback")).toMatchObject({
      severity: "critical",
      title: "sd-example: automatic rollback of ecs-svc/2 FAILED",
      cause: expect.stringContaining("NOT rolled back"),
    });
  });
});

describe("a crash-loop check that fails", () => {
  const crashLoop = async (h: ReturnType<typeof scenarioHarness>) => {
    for (const [i, time] of ["16:50:30", "16:52:00", "16:54:00"].entries()) {
      await h.dispatch(stoppedTask({ taskId: `t${i}`, time: `2024-09-10T${time}Z` }));
    }
  };

  it("is notified when the cluster is gone, and every stopped task is still notified", async () => {
    const world = ecsWorld(ecsMock);
    world.failOnce("DescribeServices", ERRORS.ClusterNotFoundException());
    const h = scenarioHarness();

    await crashLoop(h);

    expect(h.notified.filter((n) => n.message.kind === "task-stopped")).toHaveLength(3);
    expect(checkFailures(h)).toEqual([
      expect.objectContaining({
        severity: "critical",
        title: "sd-example: crash-loop check failed",
        cause:
          "crash-loop check failed for `sd-example`: ClusterNotFoundException: Cluster not found. — nothing was changed.",
      }),
    ]);
    expect(world.mutations()).toEqual([]);
  });

  it("is notified when the crash-loop store cannot be written", async () => {
    ecsWorld(ecsMock);
    const store = memoryCrashLoopStore();
    store.recordFailure = async () => {
      throw Object.assign(new Error("not authorized to perform: dynamodb:PutItem"), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: meta,
      });
    };
    const h = scenarioHarness({ crashLoopStore: store });

    await h.dispatch(stoppedTask({ taskId: "t1", time: "2024-09-10T16:50:30Z" }));

    expect(checkFailures(h).map((m) => m.cause)).toEqual([
      "crash-loop check failed for `sd-example`: AccessDeniedException: not authorized to perform: dynamodb:PutItem — nothing was changed.",
    ]);
  });
});
