/**
 * Every function of a fully parameterised stack (every channel, Slack buttons, jobs, an Organization hub) runs on
 * arm64 (Graviton: 20% less per GB-second than x86) with the memory docs/performance.md ("Memory") chose for it
 * from measurement. One package run: the other stack tests cover the parameters one by one.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_PARAMS, DOCUMENTED_STAGE } from "./support/documented-stack.js";
import { type CfnTemplate, packageStack, resourcesOfType } from "./support/package-stack.js";

const FULL_PARAMS = [
  ...DOCUMENTED_PARAMS,
  "alertEmail=ops@example.com",
  "hubMode=true",
  "organizationId=o-a1b2c3d4e5",
  "memberExternalId=ecs-sentinel-bench-external-id",
];

/** memorySize per function (serverless.yml, infra/slack-actions.cjs), by logical id. */
const MEMORY_MB: Record<string, number> = {
  TaskStateLambdaFunction: 512,
  DeploymentEventsLambdaFunction: 512,
  DeploymentHookLambdaFunction: 512,
  SlackActionsLambdaFunction: 512,
  RunJobLambdaFunction: 256,
  WatchdogLambdaFunction: 256,
};

let template: CfnTemplate;

beforeAll(async () => {
  template = (await packageStack(DOCUMENTED_STAGE, FULL_PARAMS)).template;
}, 600_000);

describe("a fully parameterised stack", () => {
  it("runs every Lambda function on arm64", () => {
    const functions = resourcesOfType(template, "AWS::Lambda::Function");

    expect(functions.map(([id]) => id).sort()).toEqual(Object.keys(MEMORY_MB).sort());
    for (const [id, fn] of functions) expect(fn.Properties.Architectures, id).toEqual(["arm64"]);
  });

  it("gives each function the memory chosen for it from measurement", () => {
    const memory = Object.fromEntries(
      resourcesOfType(template, "AWS::Lambda::Function").map(([id, fn]) => [id, fn.Properties.MemorySize]),
    );

    expect(memory).toEqual(MEMORY_MB);
  });
});
