/**
 * The packaged slackActions function (osls package, offline): present only with Slack buttons, behind a Function
 * URL with AuthType NONE and no CORS, invocable by nothing but that URL and its own role, with the
 * SlackActionsUrl output; and the parameter mistakes osls itself refuses, in one message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import { allIamStatements, asArray } from "./support/iam.js";
import {
  type CfnTemplate,
  PackageFailedError,
  packageStack,
  resourcesOfType,
} from "./support/package-stack.js";

const BUTTON_PARAMS = [
  "watchedClusters=prod",
  "jobsFile=none",
  "slackBotTokenSecret=ecs-sentinel/slack-bot-token",
  "slackChannel=C0123456789",
  "slackSigningSecret=ecs-sentinel/slack-signing-secret",
  "slackApprovers=U0123ABCD,S0456EFGH",
];
const FUNCTION = "SlackActionsLambdaFunction";

let buttons: CfnTemplate;
let minimal: CfnTemplate;
let failure = "";

beforeAll(async () => {
  // In turn: parallel esbuild runs only compete for this machine's cores.
  buttons = (await packageStack("test", BUTTON_PARAMS)).template;
  minimal = (await packageStack("test", MINIMAL_PARAMS)).template;
  const error = await packageStack("test", [
    "watchedClusters=prod",
    "jobsFile=none",
    "slackSigningSecret=ecs-sentinel/slack-signing-secret",
    "slackApprovers=U0123ABCD,@alice",
  ]).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PackageFailedError);
  failure = (error as Error).message;
}, 600_000);

const permissionsOf = (template: CfnTemplate) =>
  resourcesOfType(template, "AWS::Lambda::Permission").filter(([, permission]) =>
    JSON.stringify(permission.Properties.FunctionName).includes(FUNCTION),
  );

describe("without Slack buttons", () => {
  it("has no slackActions function, URL, permission, role or output", () => {
    expect(JSON.stringify(minimal.Resources)).not.toMatch(/SlackActions/);
    expect(minimal.Outputs ?? {}).not.toHaveProperty("SlackActionsUrl");
  });
});

describe("with Slack buttons", () => {
  it("creates the slackActions function with the slack-actions handler, 30 s and the others' memory", () => {
    const props = buttons.Resources[FUNCTION]?.Properties ?? {};
    const taskState = buttons.Resources.TaskStateLambdaFunction?.Properties ?? {};

    expect(props.Handler).toBe("src/handlers/slack-actions.handler");
    expect(props.Timeout).toBe(30);
    expect(props.MemorySize).toBe(taskState.MemorySize);
    expect(props.Runtime).toBe("nodejs22.x");
  });

  it("gives it the signing secret's name, the approvers and what the notifying functions get", () => {
    const environment = buttons.Resources[FUNCTION]?.Properties.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const env = environment?.Variables ?? {};

    expect(env).toMatchObject({
      SLACK_SIGNING_SECRET_FROM: "ecs-sentinel/slack-signing-secret",
      SLACK_APPROVERS: "U0123ABCD,S0456EFGH",
      SLACK_BOT_TOKEN_FROM: "ecs-sentinel/slack-bot-token",
      SLACK_CHANNEL: "C0123456789",
      STATE_TABLE: { Ref: "StateTable" },
      NOTIFY_TOPIC_ARN: { Ref: "NotifyTopic" },
      DRY_RUN: "false",
    });
    expect(JSON.stringify(env)).not.toMatch(/xox[a-z]-|SLACK_SIGNING_SECRET"/);
  });

  it("serves it through a Function URL with AuthType NONE and no CORS", () => {
    const urls = resourcesOfType(buttons, "AWS::Lambda::Url");

    expect(urls).toHaveLength(1);
    expect(urls[0]?.[1].Properties).toEqual({
      AuthType: "NONE",
      TargetFunctionArn: { "Fn::GetAtt": [FUNCTION, "Arn"] },
    });
  });

  it("lets anyone reach it only through the URL: InvokeFunctionUrl for AuthType NONE, InvokeFunction only via the URL", () => {
    const permissions = permissionsOf(buttons).map(([, permission]) => permission.Properties);

    expect(permissions).toEqual([
      {
        FunctionName: { "Fn::GetAtt": [FUNCTION, "Arn"] },
        Action: "lambda:InvokeFunctionUrl",
        Principal: "*",
        FunctionUrlAuthType: "NONE",
      },
      {
        FunctionName: { "Fn::GetAtt": [FUNCTION, "Arn"] },
        Action: "lambda:InvokeFunction",
        Principal: "*",
        InvokedViaFunctionUrl: true,
      },
    ]);
  });

  it("lets no other role invoke slackActions, and slackActions invoke only itself", () => {
    const invokers = allIamStatements(buttons).filter(({ statement }) =>
      asArray(statement.Action).some((action) => action.startsWith("lambda:")),
    );
    const ofSlackActions = invokers.filter(({ statement }) =>
      JSON.stringify(statement.Resource).includes("slackActions"),
    );
    const own = invokers.filter(({ owner }) => owner === "SlackActionsIamRoleLambdaExecution");

    // The scheduler's role invokes runJob and the watchdog only; ECS's hook role the deployment hook only.
    expect(invokers.map(({ owner }) => owner).sort()).toEqual([
      "DeploymentHookInvokeRole",
      "SchedulerRole",
      "SlackActionsIamRoleLambdaExecution",
    ]);
    expect(ofSlackActions.map(({ owner }) => owner)).toEqual(["SlackActionsIamRoleLambdaExecution"]);
    expect(own.map(({ statement }) => statement.Resource)).toEqual([
      [
        {
          "Fn::Sub": `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:ecs-sentinel-test-slackActions`,
        },
      ],
    ]);
    expect(buttons.Resources[FUNCTION]?.Properties.FunctionName).toBe("ecs-sentinel-test-slackActions");
  });

  it("has no event source: no rule, schedule or queue invokes it", () => {
    const rules = resourcesOfType(buttons, "AWS::Events::Rule").map(([, rule]) => JSON.stringify(rule));
    const mappings = resourcesOfType(buttons, "AWS::Lambda::EventSourceMapping");

    for (const rule of rules) expect(rule).not.toContain(FUNCTION);
    expect(mappings).toEqual([]);
  });

  it("outputs SlackActionsUrl: the Function URL followed by slack/actions", () => {
    expect(buttons.Outputs?.SlackActionsUrl).toEqual({
      Description: expect.stringContaining("Slack interactivity Request URL"),
      Value: {
        "Fn::Join": [
          "",
          [{ "Fn::GetAtt": ["SlackActionsLambdaFunctionUrl", "FunctionUrl"] }, "slack/actions"],
        ],
      },
    });
  });
});

describe("osls package with button mistakes", () => {
  it("fails once, listing the missing app mode and the bad approver, without a stack trace", () => {
    expect(failure).toContain("ecs-sentinel stack parameters: 2 problems (nothing was packaged)");
    expect(failure).toContain(
      "slackSigningSecret needs Slack app mode: set slackBotTokenSecret and slackChannel",
    );
    expect(failure).toContain('slackApprovers="@alice" looks like a name or an address');
    expect(failure).not.toMatch(/^\s+at .*\.c?js:\d+/m);
  });
});
