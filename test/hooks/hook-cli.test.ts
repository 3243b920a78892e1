/** `ecs-sentinel hook`: the verdict for a service's newest service deployment, through the same code. */
import { DescribeServiceDeploymentsCommand, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { runHookCli } from "../../src/cli/hook.js";
import { main } from "../../src/cli/main.js";
import { describeDeployments, describedDeployment, LIST_SUCCESSFUL } from "../rollback/ecs-responses.js";
import { captureIo } from "../support/cli-io.js";
import { ecsWorld, runningTask, stoppedTask, T0 } from "./support.js";

function withDeployment(world: ReturnType<typeof ecsWorld>) {
  // Adapted from the API reference examples: the deployment is IN_PROGRESS at POST_TEST_TRAFFIC_SHIFT and its
  // Lambda hook is configured with a bake time.
  world.mock.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: LIST_SUCCESSFUL.serviceDeployments?.map((d) => ({
      ...d,
      status: "IN_PROGRESS",
      createdAt: new Date(T0),
    })),
  });
  world.mock.on(DescribeServiceDeploymentsCommand).resolves(
    describeDeployments([
      describedDeployment({
        status: "IN_PROGRESS",
        lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
        deploymentConfiguration: {
          lifecycleHooks: [
            {
              hookTargetArn:
                "arn:aws:lambda:us-west-2:123456789012:function:ecs-sentinel-prod-deploymentHook",
              roleArn: "arn:aws:iam::123456789012:role/ecs-sentinel-hook-invoke",
              lifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"],
              hookDetails: { bakeSeconds: 120 },
            },
          ],
        },
      }),
    ]),
  );
}

describe("ecs-sentinel hook", () => {
  it("prints SUCCEEDED when the new tasks have run healthy longer than the configured bake", async () => {
    const world = ecsWorld();
    withDeployment(world);
    world.tasks.push(runningTask("g1", "HEALTHY", new Date(T0)), runningTask("g2", "HEALTHY", new Date(T0)));
    const io = captureIo();

    const code = await runHookCli(["--cluster", "example", "--service", "sd-example", "--json"], io, {
      ecs: world.ecs,
      now: () => T0 + 180_000,
      env: {},
    });

    expect(code).toBe(0);
    const out = JSON.parse(io.out());
    expect(out).toMatchObject({
      hookStatus: "SUCCEEDED",
      stage: "POST_TEST_TRAFFIC_SHIFT",
      tasks: 2,
      warnings: [],
    });
    expect(out.reason).toContain("bake 120 s");
  });

  it("prints IN_PROGRESS while the bake is not over", async () => {
    const world = ecsWorld();
    withDeployment(world);
    world.tasks.push(runningTask("g1", "HEALTHY", new Date(T0)), runningTask("g2", "HEALTHY", new Date(T0)));
    const io = captureIo();

    await runHookCli(["--cluster", "example", "--service", "sd-example", "--json"], io, {
      ecs: world.ecs,
      now: () => T0 + 60_000,
      env: {},
    });

    expect(JSON.parse(io.out())).toMatchObject({ hookStatus: "IN_PROGRESS", callBackDelay: 30 });
  });

  it("prints FAILED with the culprit's diagnosis, and tells no one", async () => {
    const world = ecsWorld();
    withDeployment(world);
    world.tasks.push(stoppedTask("image-pull--docs-repository-not-found", "g1"));
    const io = captureIo();

    const code = await runHookCli(["--cluster", "example", "--service", "sd-example"], io, {
      ecs: world.ecs,
      now: () => T0,
      env: {},
    });

    expect(code).toBe(0);
    expect(io.out()).toMatch(
      /^FAILED: a task of the new revision stopped for a cause retrying will not fix \(image-pull\)/,
    );
    expect(io.out()).toContain("culprit: task g1 — image-pull");
  });

  it("is registered in the command list, and requires --cluster and --service", async () => {
    const help = captureIo();
    await main(["--help"], help);
    const io = captureIo();

    const code = await main(["hook", "--cluster", "example"], io);

    expect(help.out()).toContain("hook --cluster C --service S [--json]");
    expect(code).toBe(2);
    expect(io.err()).toContain("--cluster and --service are required");
  });
});
