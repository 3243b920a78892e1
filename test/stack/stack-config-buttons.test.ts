/**
 * Slack buttons in the stack (infra/slack-params.cjs, infra/slack-actions.cjs): the slackSigningSecret and
 * slackApprovers parameters, what they require, and the slackActions function's environment and role.
 */
import { describe, expect, it } from "vitest";
import { slackActionsDefinition, slackActionsStatements } from "../../infra/slack-actions.cjs";
import { approverIdProblem } from "../../infra/slack-params.cjs";
import {
  deploymentEventsStatements,
  type IamStatement,
  InvalidStackParameterError,
  runJobStatements,
  type StackParams,
  stackParams,
} from "../../infra/stack-config.cjs";
import { readStack } from "../../infra/stack-inputs.cjs";

const APP_MODE = { slackBotTokenSecret: "ecs-sentinel/slack-bot-token", slackChannel: "C0123456789" };
const BUTTONS = {
  ...APP_MODE,
  slackSigningSecret: "ecs-sentinel/slack-signing-secret",
  slackApprovers: "U0123ABCD,S0456EFGH",
};
const JOBS = { clusters: ["prod"], taskDefinitions: ["app-migrate"] };
const NAME = "ecs-sentinel-prod-slackActions";
const TAG = "aws:ResourceTag/ecs-sentinel:auto-rollback";

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

const bySid = (statements: IamStatement[], sid: string) => statements.find((s) => s.Sid === sid);
const sub = (text: string) => ({ "Fn::Sub": text });
const ecsArn = (resource: string) =>
  sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

describe("button parameters", () => {
  it("turns buttons on with a signing secret and approvers in app mode", () => {
    const params = watching(BUTTONS);

    expect(params).toMatchObject({
      slackSigningSecret: "ecs-sentinel/slack-signing-secret",
      slackApprovers: ["U0123ABCD", "S0456EFGH"],
      slackButtons: true,
    });
  });

  it("leaves buttons off by default, also in app mode", () => {
    expect(watching()).toMatchObject({ slackSigningSecret: "", slackApprovers: [], slackButtons: false });
    expect(watching(APP_MODE).slackButtons).toBe(false);
  });

  it("accepts Enterprise Grid member IDs and spaces around the commas, once each", () => {
    expect(
      watching({ ...BUTTONS, slackApprovers: " W0123ABCDE , U0123ABCD U0123ABCD" }).slackApprovers,
    ).toEqual(["W0123ABCDE", "U0123ABCD"]);
  });

  it("refuses a signing secret without approvers, saying what to give", () => {
    expect(problemsOf({ ...BUTTONS, slackApprovers: "" })).toEqual([
      expect.stringMatching(/^slackApprovers is required with slackSigningSecret: the Slack member IDs/),
    ]);
  });

  it("refuses approvers without a signing secret, saying where the secret is", () => {
    expect(problemsOf({ ...BUTTONS, slackSigningSecret: "" })).toEqual([
      expect.stringMatching(/^slackSigningSecret is required with slackApprovers: .*App Credentials/),
    ]);
  });

  it("refuses buttons without app mode, naming the two missing parameters", () => {
    const { slackSigningSecret, slackApprovers } = BUTTONS;

    expect(problemsOf({ slackSigningSecret, slackApprovers })).toEqual([
      expect.stringMatching(
        /^slackSigningSecret needs Slack app mode: set slackBotTokenSecret and slackChannel/,
      ),
    ]);
    expect(problemsOf({ slackApprovers, slackWebhookSecret: "ecs-sentinel/slack-webhook" })).toEqual([
      expect.stringMatching(/^slackSigningSecret is required with slackApprovers/),
      expect.stringMatching(/^slackApprovers needs Slack app mode/),
    ]);
  });

  it("refuses the bot token's secret as the signing secret", () => {
    expect(problemsOf({ ...BUTTONS, slackSigningSecret: APP_MODE.slackBotTokenSecret })).toEqual([
      expect.stringMatching(
        /^slackSigningSecret="ecs-sentinel\/slack-bot-token" names the same secret as slackBotTokenSecret/,
      ),
    ]);
  });

  it.each([
    ["a wildcard", "slack/*"],
    ["an SSM parameter ARN", "arn:aws:ssm:us-east-1:123456789012:parameter/x"],
  ])("refuses %s as the signing secret", (_what, name) => {
    expect(problemsOf({ ...BUTTONS, slackSigningSecret: name })).toEqual([
      expect.stringMatching(/^slackSigningSecret="/),
    ]);
  });

  it.each([
    ["u0123abcd", 'is not an ID as Slack writes it; did you mean "U0123ABCD"?'],
    ["@alice", "looks like a name or an address"],
    ["alice@example.com", "looks like a name or an address"],
    ["C0123456789", "is a channel ID, not a user or user group"],
    ["B0123456789", "is the ID of a bot"],
    ["D0123456789", "is the ID of a direct-message conversation"],
    ["U012", "is not a Slack user or user-group ID"],
  ])("refuses the approver %j: %s", (entry, why) => {
    expect(approverIdProblem(entry)).toContain(why);
    expect(problemsOf({ ...BUTTONS, slackApprovers: `U0123ABCD,${entry}` })).toEqual([
      expect.stringContaining(`slackApprovers="${entry}" ${why}`),
    ]);
  });

  it("lists every button problem with the others in one error", () => {
    const problems = problemsOf({
      slackSigningSecret: "slack/*",
      slackApprovers: "@alice,#ops",
      dryRun: "maybe",
    });

    expect(problems.map((problem) => problem.split(/[= ]/)[0])).toEqual([
      "slackSigningSecret",
      "slackApprovers",
      "slackApprovers",
      "slackSigningSecret",
      "dryRun",
    ]);
  });

  it.each([
    ["slackApprover", "slackApprovers"],
    ["slackSigningSecrets", "slackSigningSecret"],
    ["slacksigningsecret", "slackSigningSecret"],
  ])("names the misspelt --param %s and suggests %s", async (typo, meant) => {
    const failure = await readStack({
      options: { param: ["watchedClusters=prod", "jobsFile=none", `${typo}=x`] },
    }).catch((error: unknown) => error);

    expect((failure as InvalidStackParameterError).problems).toContainEqual(
      expect.stringContaining(`--param="${typo}=x": unknown parameter; did you mean "${meant}"?`),
    );
  });
});

describe("slackActions role", () => {
  const withJobs: StackParams = { ...watching({ ...BUTTONS, passRolePattern: "app-*" }), jobs: JOBS };
  const statements = slackActionsStatements(withJobs, NAME);

  it("may invoke itself and no other function", () => {
    const invokes = statements.filter((s) => s.Action.some((action) => action.startsWith("lambda:")));

    expect(invokes).toEqual([
      {
        Sid: "InvokeItself",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${NAME}`)],
      },
    ]);
  });

  it("reads exactly the signing secret and the bot token, never the webhook", () => {
    const params = watching({ ...BUTTONS, slackWebhookSecret: "ecs-sentinel/slack-webhook" });
    const reads = slackActionsStatements(params, NAME).filter((s) =>
      s.Action.some((action) => action === "secretsmanager:GetSecretValue" || action === "ssm:GetParameter"),
    );

    expect(reads.map((s) => s.Sid)).toEqual(["ReadSlackBotTokenSecret", "ReadSlackSigningSecret"]);
    expect(JSON.stringify(reads)).not.toContain("slack-webhook");
  });

  it("rolls back only watched services tagged true or manual, never a service only listed", () => {
    const params = watching({ ...BUTTONS, autoRollbackServices: "prod/api" });
    const writes = slackActionsStatements(params, NAME).filter((s) =>
      s.Action.some((action) => action === "ecs:UpdateService" || action === "ecs:StopServiceDeployment"),
    );

    expect(bySid(writes, "RollBackTaggedServices")).toMatchObject({
      Resource: [ecsArn("service/prod/*"), ecsArn("service/stage/*")],
      Condition: { StringEquals: { [TAG]: ["true", "manual"] } },
    });
    expect(writes.map((s) => s.Sid)).toEqual(["RollBackTaggedServices", "StopDeploymentsOfRollbackServices"]);
  });

  it("reads what the rollback path reads, exactly as deploymentEvents has it", () => {
    const reads = [
      "DescribeTaskDefinitions",
      "ReadWatchedServices",
      "ReadServiceDeployments",
      "ReadServiceRevisions",
    ];
    const automatic = deploymentEventsStatements(withJobs);

    for (const sid of reads) expect(bySid(statements, sid), sid).toEqual(bySid(automatic, sid));
  });

  it("re-runs jobs exactly as run-job may, and passes the task roles once", () => {
    const runJob = runJobStatements(withJobs);
    for (const sid of [
      "RunJobTasks",
      "TagJobTasksAtLaunch",
      "ListClusterTasks",
      "WatchJobTasks",
      "ReadJobClusterServices",
    ])
      expect(bySid(statements, sid), sid).toEqual(bySid(runJob, sid));
    const passRoles = statements.filter((s) => s.Action.includes("iam:PassRole"));

    expect(passRoles).toHaveLength(1);
    expect(passRoles[0]).toEqual({ ...bySid(runJob, "PassJobTaskRoles"), Sid: "PassTaskRoles" });
    expect(statements.filter((s) => s.Sid === "DescribeTaskDefinitions")).toHaveLength(1);
  });

  it("may start no task at all when the stack has no jobs", () => {
    const actions = slackActionsStatements(watching(BUTTONS), NAME).flatMap((s) => s.Action);

    for (const action of [
      "ecs:RunTask",
      "ecs:TagResource",
      "ecs:ListTasks",
      "ecs:DescribeTasks",
      "ecs:StopTask",
    ])
      expect(actions).not.toContain(action);
  });
});

describe("slackActions function", () => {
  const definition = slackActionsDefinition(
    watching({ ...BUTTONS, autoRollbackServices: "prod/api,web", rollbackCooldownMinutes: "45" }),
    NAME,
  );

  it("is the slack-actions handler behind a Function URL, answering within Slack's limits", () => {
    expect(definition).toMatchObject({
      name: NAME,
      handler: "src/handlers/slack-actions.handler",
      url: true,
    });
    expect(definition.timeout).toBeLessThanOrEqual(30);
  });

  it("gets the signing secret's name, the approvers and the rollback guard rails, and no webhook", () => {
    expect(definition.environment).toEqual({
      SLACK_SIGNING_SECRET_FROM: "ecs-sentinel/slack-signing-secret",
      SLACK_APPROVERS: "U0123ABCD,S0456EFGH",
      SLACK_WEBHOOK_URL_FROM: "",
      // Its messages go to Slack only: empty overrides of the other channels' provider.environment.
      PAGERDUTY_ROUTING_KEY_FROM: "",
      TEAMS_WEBHOOK_URL_FROM: "",
      CHATBOT_TOPIC_ARN: "",
      AUTO_ROLLBACK_SERVICES: "prod/api,web",
      POST_COMPLETION_MINUTES: "30",
      ROLLBACK_COOLDOWN_MINUTES: "45",
    });
  });

  it("sends a failed execution step to the dead-letter queue after bounded retries, within minutes", () => {
    expect(definition.maximumRetryAttempts).toBe(2);
    expect(definition.maximumEventAge).toBeLessThanOrEqual(300);
    expect(definition.destinations.onFailure.arn).toEqual({ "Fn::GetAtt": ["DeadLetterQueue", "Arn"] });
  });
});
