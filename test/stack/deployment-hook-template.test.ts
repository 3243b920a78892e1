/**
 * The packaged deploymentHook (osls package, offline): present in every deployment with no event source, its
 * setting, the role ECS assumes to invoke it (trusting ECS of this account only, invoking only the hook) and
 * the two outputs a service's deploymentConfiguration.lifecycleHooks takes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import { allIamStatements, asArray, HOOK_INVOKE_ROLE } from "./support/iam.js";
import {
  type CfnTemplate,
  type PackagedStack,
  packageStack,
  resourcesOfType,
} from "./support/package-stack.js";

const FUNCTION = "DeploymentHookLambdaFunction";
const HOOK_NAME = "ecs-sentinel-test-deploymentHook";
const hookArn = (suffix = "") => ({
  "Fn::Sub": `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${HOOK_NAME}${suffix}`,
});
/** Far above the placeholder; the real hook bundles the ECS client and the diagnosis rules like taskState. */
const ARTIFACT_BUDGET_BYTES = 1024 * 1024;

let minimal: PackagedStack;
let failClosed: CfnTemplate;

beforeAll(async () => {
  // In turn: parallel esbuild runs only compete for this machine's cores.
  minimal = await packageStack("test", MINIMAL_PARAMS);
  failClosed = (
    await packageStack("test", ["watchedClusters=prod,stage", "jobsFile=none", "hookFailClosed=YES"])
  ).template;
}, 600_000);

function envOf(template: CfnTemplate): Record<string, unknown> {
  const environment = template.Resources[FUNCTION]?.Properties.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

const invokeRole = (template: CfnTemplate) => template.Resources[HOOK_INVOKE_ROLE]?.Properties ?? {};

describe("the deploymentHook function", () => {
  it("exists in the smallest deployment, with the deployment-hook handler, 30 s and the others' memory and runtime", () => {
    const props = minimal.template.Resources[FUNCTION]?.Properties ?? {};
    const taskState = minimal.template.Resources.TaskStateLambdaFunction?.Properties ?? {};

    expect(props.FunctionName).toBe(HOOK_NAME);
    expect(props.Handler).toBe("src/handlers/deployment-hook.handler");
    expect(props.Timeout).toBe(30);
    expect(props.MemorySize).toBe(taskState.MemorySize);
    expect(props.Runtime).toBe("nodejs22.x");
    expect(props.Architectures).toEqual(["arm64"]);
  });

  it("gets HOOK_FAIL_CLOSED=false by default, true for hookFailClosed=YES, and what the notifying functions get", () => {
    expect(envOf(minimal.template).HOOK_FAIL_CLOSED).toBe("false");
    expect(envOf(failClosed)).toMatchObject({
      HOOK_FAIL_CLOSED: "true",
      STATE_TABLE: { Ref: "StateTable" },
      NOTIFY_TOPIC_ARN: { Ref: "NotifyTopic" },
      SLACK_WEBHOOK_URL_FROM: "",
      SLACK_BOT_TOKEN_FROM: "",
      SLACK_CHANNEL: "",
      DRY_RUN: "false",
    });
  });

  it("has no event source, resource policy, URL or async retry configuration: only ECS calls it, synchronously", () => {
    const template = minimal.template;
    const naming = (type: string) =>
      resourcesOfType(template, type).filter(([, resource]) => JSON.stringify(resource).includes(FUNCTION));

    for (const type of [
      "AWS::Events::Rule",
      "AWS::Scheduler::Schedule",
      "AWS::Lambda::EventSourceMapping",
      "AWS::Lambda::Permission",
      "AWS::Lambda::Url",
      "AWS::Lambda::EventInvokeConfig",
    ]) {
      expect(naming(type), type).toEqual([]);
    }
  });

  it("is bundled as its own .mjs under the size budget", () => {
    expect(minimal.artifactBytes.deploymentHook).toBeLessThan(ARTIFACT_BUDGET_BYTES);
    expect(minimal.artifacts.deploymentHook?.includes("src/handlers/deployment-hook.mjs")).toBe(true);
  });
});

describe("the role ECS assumes to invoke the hook", () => {
  it("trusts ecs.amazonaws.com of this account only", () => {
    expect(invokeRole(minimal.template).AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ecs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
        },
      ],
    });
  });

  it("allows exactly lambda:InvokeFunction of the hook, unqualified and any version or alias, and nothing else", () => {
    const props = invokeRole(minimal.template);

    expect(props.ManagedPolicyArns).toBeUndefined();
    expect(props.PermissionsBoundary).toBeUndefined();
    expect(allIamStatements(minimal.template).filter(({ owner }) => owner === HOOK_INVOKE_ROLE)).toEqual([
      {
        owner: HOOK_INVOKE_ROLE,
        statement: {
          Sid: "InvokeDeploymentHook",
          Effect: "Allow",
          Action: "lambda:InvokeFunction",
          Resource: [hookArn(), hookArn(":*")],
        },
      },
    ]);
  });

  it("is the only role ECS may assume, and no other role may invoke the hook", () => {
    const trustingEcs = resourcesOfType(minimal.template, "AWS::IAM::Role")
      .filter(([, role]) =>
        JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes("ecs.amazonaws.com"),
      )
      .map(([id]) => id);
    const hookInvokers = allIamStatements(minimal.template)
      .filter(({ statement }) => asArray(statement.Action).some((action) => action.startsWith("lambda:")))
      .filter(({ statement }) => JSON.stringify(statement.Resource).includes("deploymentHook"))
      .map(({ owner }) => owner);

    expect(trustingEcs).toEqual([HOOK_INVOKE_ROLE]);
    expect(hookInvokers).toEqual([HOOK_INVOKE_ROLE]);
  });
});

describe("outputs", () => {
  it("gives DeploymentHookArn (hookTargetArn) and DeploymentHookRoleArn (roleArn), exported by stack name", () => {
    const outputs = minimal.template.Outputs ?? {};

    expect(outputs.DeploymentHookArn).toEqual({
      Description: expect.stringContaining("hookTargetArn"),
      Value: { "Fn::GetAtt": [FUNCTION, "Arn"] },
      Export: { Name: { "Fn::Sub": `\${AWS::StackName}-DeploymentHookArn` } },
    });
    expect(outputs.DeploymentHookRoleArn).toEqual({
      Description: expect.stringContaining("roleArn"),
      Value: { "Fn::GetAtt": [HOOK_INVOKE_ROLE, "Arn"] },
      Export: { Name: { "Fn::Sub": `\${AWS::StackName}-DeploymentHookRoleArn` } },
    });
  });
});
