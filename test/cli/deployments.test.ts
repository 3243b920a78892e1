/**
 * `ecs-sentinel deployments continue|rollback`: a deployment paused by an ECS pause hook. ECS answers through
 * aws-sdk-client-mock (moto has no service deployments), shaped like the API reference's DescribeServiceDeployments
 * output with a `lifecycleHookDetails` entry awaiting action.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const SERVICE_ARN = "arn:aws:ecs:us-west-2:123456789012:service/example/sd-example";
const DEPLOYMENT_ARN =
  "arn:aws:ecs:us-west-2:123456789012:service-deployment/example/sd-example/r9i43YFjvgF_xlg7m2eJ1r";
const ecsMock = mockClient(ECSClient);

const IN_TEN_MINUTES = () => new Date(Date.now() + 10 * 60_000);

function world(tag: string | undefined, hookStatus = "AWAITING_ACTION", expiresAt = IN_TEN_MINUTES()) {
  ecsMock.reset();
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceArn: SERVICE_ARN,
        serviceName: "sd-example",
        tags: tag ? [{ key: "ecs-sentinel:auto-rollback", value: tag }] : [],
      },
    ],
    failures: [],
  });
  ecsMock.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      { serviceDeploymentArn: DEPLOYMENT_ARN, serviceArn: SERVICE_ARN, status: "IN_PROGRESS" },
    ],
  });
  ecsMock.on(DescribeServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        serviceDeploymentArn: DEPLOYMENT_ARN,
        serviceArn: SERVICE_ARN,
        status: "IN_PROGRESS",
        lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
        lifecycleHookDetails: [
          {
            hookId: "hook-0123456789abcdef",
            targetType: "PAUSE",
            status: hookStatus as "AWAITING_ACTION",
            expiresAt,
            timeoutAction: "ROLLBACK",
          },
        ],
      },
    ],
    failures: [],
  });
  ecsMock.on(ContinueServiceDeploymentCommand).resolves({ serviceDeploymentArn: DEPLOYMENT_ARN });
}

const run = (args: string[]) => {
  const io = captureIo();
  return main(["deployments", ...args, "--cluster", "example", "--service", "sd-example"], io).then(
    (code) => ({
      code,
      io,
    }),
  );
};

beforeEach(() => {
  world("manual");
});

describe("ecs-sentinel deployments continue|rollback", () => {
  it("continues the paused deployment with the hook's id", async () => {
    const { code, io } = await run(["continue"]);

    expect(code).toBe(0);
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: DEPLOYMENT_ARN, hookId: "hook-0123456789abcdef", action: "CONTINUE" },
    ]);
    expect(io.out()).toMatch(
      /^done: continued: ECS ContinueServiceDeployment CONTINUE accepted for r9i43YFjvgF_xlg7m2eJ1r \(hook hook-0123456789abcdef, times out .* with ROLLBACK\)/,
    );
  });

  it("rolls the paused deployment back", async () => {
    const { code } = await run(["rollback"]);

    expect(code).toBe(0);
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)[0]?.args[0].input.action).toBe("ROLLBACK");
  });

  it("changes nothing in a dry run", async () => {
    const { code, io } = await run(["rollback", "--dry-run"]);

    expect(code).toBe(0);
    expect(io.out()).toMatch(/^dry run: would roll back the deployment r9i43YFjvgF_xlg7m2eJ1r of sd-example/);
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
  });

  it("refuses a service that is not opted in, naming the tag", async () => {
    world("false");

    const { code, io } = await run(["continue"]);

    expect(code).toBe(1);
    expect(io.err()).toMatch(/not opted in \(tag ecs-sentinel:auto-rollback=manual or true\)/);
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
  });

  it("says when nothing waits at a pause hook", async () => {
    world("true", "SUCCEEDED");

    const { code, io } = await run(["continue"]);

    expect(code).toBe(1);
    expect(io.err()).toMatch(/no deployment of sd-example is waiting at a pause hook/);
  });

  it("refuses a pause that has timed out, even while ECS still lists it as waiting", async () => {
    world("manual", "AWAITING_ACTION", new Date(Date.now() - 60_000));

    const { code, io } = await run(["continue"]);

    expect(code).toBe(1);
    expect(io.err()).toMatch(/the pause timed out at .*; nothing was done/);
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
  });

  it("needs a verb, a cluster and a service", async () => {
    const io = captureIo();

    expect(await main(["deployments", "resume", "--cluster", "c", "--service", "s"], io)).toBe(2);
    expect(io.err()).toMatch(/expected "continue" or "rollback"/);
  });
});
