/**
 * The Slack stack parameters (infra/slack-params.cjs): the bot token secret and the channel of app mode, the
 * webhook secret, the IAM reads they grant, and the same channel rules as the handlers' configuration.
 */
import { describe, expect, it } from "vitest";
import { CHANNEL_ID_HINT, channelIdProblem as stackChannelIdProblem } from "../../infra/slack-params.cjs";
import {
  deploymentEventsStatements,
  type IamStatement,
  InvalidStackParameterError,
  runJobStatements,
  type StackParams,
  stackParams,
  taskStateStatements,
  watchdogStatements,
} from "../../infra/stack-config.cjs";
import { readStack } from "../../infra/stack-inputs.cjs";
import { CHANNEL_ID_HINT as CODE_HINT, channelIdProblem } from "../../src/shared/slack-channel-id.js";

const watching = (raw: Parameters<typeof stackParams>[0] = {}) =>
  stackParams({ watchedClusters: "prod", ...raw });
const APP_MODE = { slackBotTokenSecret: "ecs-sentinel/slack-bot-token", slackChannel: "C0123456789" };
const BUILDERS = { taskStateStatements, deploymentEventsStatements, runJobStatements, watchdogStatements };
const secretReads = (statements: IamStatement[]) =>
  statements.filter((s) =>
    s.Action.some((action) => action === "secretsmanager:GetSecretValue" || action === "ssm:GetParameter"),
  );

function problemsOf(raw: Parameters<typeof stackParams>[0]): string[] {
  try {
    watching(raw);
  } catch (error) {
    if (error instanceof InvalidStackParameterError) return error.problems;
    throw error;
  }
  return [];
}

describe("app mode parameters", () => {
  it("accepts a token secret with a channel ID", () => {
    const params = watching(APP_MODE);

    expect(params.slackBotTokenSecret).toBe("ecs-sentinel/slack-bot-token");
    expect(params.slackChannel).toBe("C0123456789");
  });

  it("leaves app mode off by default", () => {
    expect(watching()).toMatchObject({ slackBotTokenSecret: "", slackChannel: "" });
  });

  it("refuses a token secret without a channel", () => {
    expect(problemsOf({ slackBotTokenSecret: "ecs-sentinel/slack-bot-token" })).toEqual([
      expect.stringMatching(/^slackChannel is required with slackBotTokenSecret: the ID of the channel/),
    ]);
  });

  it("refuses a channel without a token secret, which would be ignored", () => {
    expect(problemsOf({ slackChannel: "C0123456789" })).toEqual([
      expect.stringMatching(/^slackBotTokenSecret is required with slackChannel/),
    ]);
  });

  it.each(["#alerts", "alerts", "ops-alerts"])(
    "refuses the channel name %j and says where to find the ID",
    (name) => {
      expect(problemsOf({ ...APP_MODE, slackChannel: name })).toEqual([
        `slackChannel="${name}" looks like a channel name: ${CHANNEL_ID_HINT}`,
      ]);
    },
  );

  it.each([
    ["a wildcard", "slack/*"],
    ["a substitution", `ssm:/ops/\${AWS::Region}`],
    [
      "an SSM parameter ARN, which would be read from Secrets Manager",
      "arn:aws:ssm:us-east-1:123456789012:parameter/x",
    ],
  ])("refuses %s as the token secret", (_what, name) => {
    expect(problemsOf({ ...APP_MODE, slackBotTokenSecret: name })).toEqual([
      expect.stringMatching(/^slackBotTokenSecret="/),
    ]);
  });

  it("lists every Slack problem with the others in one error", () => {
    const problems = problemsOf({
      slackWebhookSecret: "slack/*",
      slackBotTokenSecret: "slack/bot*",
      slackChannel: "#alerts",
      dryRun: "maybe",
    });

    expect(problems.map((problem) => problem.split(/[= ]/)[0])).toEqual([
      "slackWebhookSecret",
      "slackBotTokenSecret",
      "slackChannel",
      "dryRun",
    ]);
  });

  it.each([
    ["slackChanel", "slackChannel"],
    ["slackBotTokenSecrets", "slackBotTokenSecret"],
    ["slackbottokensecret", "slackBotTokenSecret"],
  ])("names the misspelt --param %s and suggests %s", async (typo, meant) => {
    const failure = await readStack({
      options: { param: ["watchedClusters=prod", "jobsFile=none", `${typo}=x`] },
    }).catch((error: unknown) => error);

    expect((failure as InvalidStackParameterError).problems).toContainEqual(
      expect.stringContaining(`--param="${typo}=x": unknown parameter; did you mean "${meant}"?`),
    );
  });

  it("reads the app mode parameters from --param like every other", async () => {
    const { params } = await readStack({
      options: {
        param: [
          "watchedClusters=prod",
          "jobsFile=none",
          "slackBotTokenSecret=ssm:/ops/slack-bot",
          "slackChannel=G01ABCDEF2",
        ],
      },
    });

    expect(params).toMatchObject({ slackBotTokenSecret: "ssm:/ops/slack-bot", slackChannel: "G01ABCDEF2" });
  });
});

describe("channel rules", () => {
  it.each([
    "C0123456789",
    "G01ABCDEF2",
    "C024BE91L",
    "#alerts",
    "alerts",
    "ops-alerts",
    "c0123456789",
    "U0123456789",
    "W0123456789",
    "D0123456789",
    "B0123456789",
    "C012",
    "X0123456789",
    "C0123 456789",
    "",
  ])("are the same for %j at packaging and in the handlers", (channel) => {
    expect(stackChannelIdProblem(channel)).toBe(channelIdProblem(channel));
  });

  it("give the same hint", () => {
    expect(CHANNEL_ID_HINT).toBe(CODE_HINT);
  });
});

describe("secret reads", () => {
  const tokenRead = (params: StackParams, build: (p: StackParams) => IamStatement[]) =>
    build(params).find((s) => s.Sid === "ReadSlackBotTokenSecret");

  it("lets every function read exactly the bot token secret, by name with Secrets Manager's suffix", () => {
    for (const [name, build] of Object.entries(BUILDERS)) {
      expect(tokenRead(watching(APP_MODE), build), name).toEqual({
        Sid: "ReadSlackBotTokenSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [
          {
            "Fn::Sub": `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:ecs-sentinel/slack-bot-token-??????`,
          },
        ],
      });
    }
  });

  it("reads a token kept as an SSM SecureString with GetParameter on that parameter only", () => {
    const read = tokenRead(
      watching({ ...APP_MODE, slackBotTokenSecret: "ssm:/ops/slack-bot" }),
      watchdogStatements,
    );

    expect(read?.Action).toEqual(["ssm:GetParameter"]);
    expect(read?.Resource).toEqual([
      { "Fn::Sub": `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/ops/slack-bot` },
    ]);
  });

  it("grants a token secret given by ARN on exactly that ARN", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-bot-AbCdEf";

    expect(
      tokenRead(watching({ ...APP_MODE, slackBotTokenSecret: arn }), taskStateStatements)?.Resource,
    ).toEqual([arn]);
  });

  it("grants no secret read at all when neither Slack secret is set", () => {
    for (const [name, build] of Object.entries(BUILDERS))
      expect(secretReads(build(watching())), name).toEqual([]);
  });

  it("grants the webhook and the token reads side by side, each on its own secret, and no KMS key", () => {
    const params = watching({ ...APP_MODE, slackWebhookSecret: "/ops/slack-webhook" });

    for (const [name, build] of Object.entries(BUILDERS)) {
      const reads = secretReads(build(params));
      expect(
        reads.map((s) => s.Sid),
        name,
      ).toEqual(["ReadSlackWebhookSecret", "ReadSlackBotTokenSecret"]);
      expect(
        reads.flatMap((s) => s.Action),
        name,
      ).not.toContain("kms:Decrypt");
    }
  });
});
