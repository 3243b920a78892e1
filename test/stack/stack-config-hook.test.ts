/**
 * The deployment hook in the stack (infra/deployment-hook.cjs): the hookFailClosed parameter, validated like
 * the other booleans, and the deploymentHook function's read-only role.
 */
import { describe, expect, it } from "vitest";
import { deploymentHookStatements, hookFailClosedValue } from "../../infra/deployment-hook.cjs";
import {
  deploymentEventsStatements,
  InvalidStackParameterError,
  PARAMETER_NAMES,
  stackParams,
} from "../../infra/stack-config.cjs";
import { readStack } from "../../infra/stack-inputs.cjs";

const watching = (raw: Parameters<typeof stackParams>[0] = {}) =>
  stackParams({ watchedClusters: "prod,stage", ...raw });

function problemsOf(raw: Parameters<typeof stackParams>[0]): string[] {
  try {
    watching(raw);
  } catch (error) {
    if (error instanceof InvalidStackParameterError) return error.problems;
    throw error;
  }
  return [];
}

const sub = (text: string) => ({ "Fn::Sub": text });
const ecsArn = (resource: string) =>
  sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

/** ECS calls that change something: none of them may appear in the hook's role. */
const ECS_MUTATIONS = [
  "ecs:UpdateService",
  "ecs:StopServiceDeployment",
  "ecs:ContinueServiceDeployment",
  "ecs:StopTask",
  "ecs:RunTask",
  "ecs:StartTask",
  "ecs:TagResource",
  "ecs:DeleteService",
  "ecs:CreateService",
  "ecs:RegisterTaskDefinition",
];

describe("hookFailClosed", () => {
  it("is a declared parameter, false by default", () => {
    expect(PARAMETER_NAMES).toContain("hookFailClosed");
    expect(watching().hookFailClosed).toBe(false);
    expect(hookFailClosedValue(watching())).toBe("false");
  });

  it.each([
    ["true", true],
    ["YES", true],
    ["on", true],
    ["1", true],
    ["false", false],
    ["No", false],
    ["0", false],
  ])("reads %s as %s, and hands the handler exactly true or false", (given, expected) => {
    const params = watching({ hookFailClosed: given });

    expect(params.hookFailClosed).toBe(expected);
    expect(hookFailClosedValue(params)).toBe(String(expected));
  });

  it("refuses a value that is not a boolean, naming the parameter, instead of failing open or closed silently", () => {
    expect(problemsOf({ hookFailClosed: "closed" })).toEqual([
      'hookFailClosed="closed" must be one of 1, true, yes, on, 0, false, no, off',
    ]);
  });

  it("suggests hookFailClosed for a misspelt --param", async () => {
    const error = await readStack(
      { options: { param: ["watchedClusters=prod", "jobsFile=none", "hookFailClose=true"] } },
      process.cwd(),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidStackParameterError);
    expect((error as InvalidStackParameterError).problems).toEqual([
      '--param="hookFailClose=true": unknown parameter; did you mean "hookFailClosed"?',
    ]);
  });
});

describe("the deploymentHook role", () => {
  it("reads tasks only in the watched clusters: ListTasks and DescribeTasks under an ecs:cluster condition", () => {
    const statements = deploymentHookStatements(watching());
    const clusters = { ArnLike: { "ecs:cluster": [ecsArn("cluster/prod"), ecsArn("cluster/stage")] } };

    expect(statements.find((s) => s.Action.includes("ecs:ListTasks"))).toEqual({
      Sid: "ListWatchedClusterTasks",
      Effect: "Allow",
      Action: ["ecs:ListTasks"],
      Resource: ["*"],
      Condition: clusters,
    });
    expect(statements.find((s) => s.Action.includes("ecs:DescribeTasks"))).toEqual({
      Sid: "DescribeWatchedClusterTasks",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks"],
      Resource: [ecsArn("task/prod/*"), ecsArn("task/stage/*")],
      Condition: clusters,
    });
  });

  it("reads services, deployments and revisions exactly as deploymentEvents does", () => {
    const params = watching();
    const reads = ["ReadWatchedServices", "ReadServiceDeployments", "ReadServiceRevisions"];
    const bySid = (statements: ReturnType<typeof deploymentHookStatements>) =>
      statements.filter((s) => reads.includes(s.Sid));

    expect(bySid(deploymentHookStatements(params))).toEqual(bySid(deploymentEventsStatements(params)));
    expect(bySid(deploymentHookStatements(params))).toHaveLength(3);
  });

  it("changes nothing in ECS and may pass no role, whatever the parameters", () => {
    const wide = stackParams({
      watchedClusters: "*",
      autoRollbackServices: "prod/api",
      passRolePattern: "*",
      jobs: { clusters: ["prod"], taskDefinitions: ["app-migrate"] },
    });
    for (const params of [watching(), wide]) {
      const actions = deploymentHookStatements(params).flatMap((s) => s.Action);

      for (const action of ECS_MUTATIONS) expect(actions).not.toContain(action);
      expect(actions).not.toContain("iam:PassRole");
      expect(
        actions.filter(
          (a) =>
            !/^(ecs:(Describe|List)|dynamodb:|sns:Publish|kms:|secretsmanager:GetSecretValue|ssm:GetParameter)/.test(
              a,
            ),
        ),
      ).toEqual([]);
    }
  });

  it("has no dead-letter queue permission: ECS invokes it synchronously, no destination ever sends", () => {
    const actions = deploymentHookStatements(watching()).flatMap((s) => s.Action);

    expect(actions).not.toContain("sqs:SendMessage");
    expect(deploymentEventsStatements(watching()).flatMap((s) => s.Action)).toContain("sqs:SendMessage");
  });

  it("reads the Slack secrets the notifying functions read, and no other", () => {
    const params = watching({
      slackWebhookSecret: "ecs-sentinel/slack-webhook",
      slackBotTokenSecret: "ssm:/ops/slack/bot-token",
      slackChannel: "C0123456789",
      slackSigningSecret: "ecs-sentinel/slack-signing-secret",
      slackApprovers: "U0123ABCD",
    });
    const reads = (statements: ReturnType<typeof deploymentHookStatements>) =>
      statements.filter((s) => s.Sid.startsWith("ReadSlack"));

    expect(reads(deploymentHookStatements(params))).toEqual(reads(deploymentEventsStatements(params)));
    expect(reads(deploymentHookStatements(params)).map((s) => s.Sid)).toEqual([
      "ReadSlackWebhookSecret",
      "ReadSlackBotTokenSecret",
    ]);
  });

  it("is scoped to every cluster only with watchedClusters=*", () => {
    const statements = deploymentHookStatements(stackParams({ watchedClusters: "*" }));

    expect(statements.find((s) => s.Sid === "DescribeWatchedClusterTasks")?.Resource).toEqual([
      ecsArn("task/*/*"),
    ]);
  });
});
