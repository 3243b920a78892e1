import { describe, expect, it } from "vitest";
import {
  actOnPausedDeployment,
  type PauseActionPorts,
  type PauseActionRequest,
} from "../../src/shared/flows/paused-deployment-action.js";

const SERVICE_ARN = "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service";
const DEPLOYMENT_ARN =
  "arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/0EYSiB0qap8xf0N76FsbE";
const HOOK_ID = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw";
const NOW = Date.parse("2026-03-05T16:00:00Z");

function world(
  options: { tag?: string; status?: string; expiresAt?: string; known?: boolean; hookId?: string } = {},
) {
  const calls: unknown[] = [];
  const ports: PauseActionPorts = {
    serviceTags: async () =>
      options.known === false
        ? undefined
        : options.tag === undefined
          ? [{ key: "ecs-sentinel:auto-rollback", value: "manual" }]
          : [{ key: "ecs-sentinel:auto-rollback", value: options.tag }],
    serviceDeployment: async (arn) => ({
      serviceDeploymentArn: arn,
      lifecycleHookDetails: [
        {
          hookId: options.hookId ?? HOOK_ID,
          status: options.status ?? "AWAITING_ACTION",
          expiresAt: options.expiresAt ?? "2026-03-05T16:04:41Z",
          timeoutAction: "ROLLBACK",
        },
      ],
    }),
    continueDeployment: async (input) => void calls.push(input),
  };
  return { ports, calls };
}

const request = (overrides: Partial<PauseActionRequest> = {}): PauseActionRequest => ({
  serviceArn: SERVICE_ARN,
  serviceDeploymentArn: DEPLOYMENT_ARN,
  hookId: HOOK_ID,
  action: "CONTINUE",
  now: NOW,
  ...overrides,
});

describe("acting on a paused deployment", () => {
  it("continues an opted-in service's waiting pause with the hook's id", async () => {
    const { ports, calls } = world();

    const result = await actOnPausedDeployment(request(), ports);

    expect(result.status).toBe("done");
    expect(calls).toEqual([{ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: HOOK_ID, action: "CONTINUE" }]);
  });

  it("rolls back through the same call with ROLLBACK", async () => {
    const { ports, calls } = world({ tag: "true" });

    const result = await actOnPausedDeployment(request({ action: "ROLLBACK" }), ports);

    expect(result.result).toMatch(/^rolling back: ECS ContinueServiceDeployment ROLLBACK accepted/);
    expect(calls).toEqual([{ serviceDeploymentArn: DEPLOYMENT_ARN, hookId: HOOK_ID, action: "ROLLBACK" }]);
  });

  it.each([
    ["a service that is not opted in", { tag: "false" }, /not opted in/],
    ["a service ECS does not know", { known: false }, /my-service was not found/],
    ["a pause that is no longer waiting", { status: "SUCCEEDED" }, /no longer waiting \(SUCCEEDED\)/],
    [
      "a pause that has timed out",
      { expiresAt: "2026-03-05T15:59:59Z" },
      /timed out at 2026-03-05 15:59:59 UTC/,
    ],
    [
      "a later pause than the one shown (another hook id)",
      { hookId: "ecs-pause-later" },
      /no such pause hook/,
    ],
  ])("refuses %s and changes nothing", async (_name, options, why) => {
    const { ports, calls } = world(options);

    const result = await actOnPausedDeployment(request(), ports);

    expect(result.status).toBe("refused");
    expect(result.result).toMatch(why);
    expect(result.result).toMatch(/nothing was done$/);
    expect(calls).toHaveLength(0);
  });

  it("says what it would do in a dry run and changes nothing", async () => {
    const { ports, calls } = world();

    const result = await actOnPausedDeployment(request({ dryRun: true }), ports);

    expect(result).toEqual({
      status: "dry-run",
      result: "dry run: would continue the deployment 0EYSiB0qap8xf0N76FsbE of my-service",
    });
    expect(calls).toHaveLength(0);
  });
});
