/**
 * The PagerDuty, Microsoft Teams and Amazon Q Developer stack parameters (infra/channel-params.cjs): their
 * validation, the IAM they grant each function (the named secrets, the named topic, nothing when off), and
 * their declaration and environment in serverless.yml.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { topicArnProblem } from "../../infra/channel-params.cjs";
import { deploymentHookStatements } from "../../infra/deployment-hook.cjs";
import { slackActionsStatements } from "../../infra/slack-actions.cjs";
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
import { projectRoot } from "./support/package-stack.js";

const watching = (raw: Parameters<typeof stackParams>[0] = {}) =>
  stackParams({ watchedClusters: "prod", ...raw });
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops-chat";
const CHANNELS = {
  pagerDutyRoutingKeySecret: "ecs-sentinel/pagerduty-routing-key",
  teamsWebhookSecret: "ssm:/ops/teams/webhook",
  chatbotTopicArn: TOPIC,
};
const NOTIFYING: Record<string, (params: StackParams) => IamStatement[]> = {
  taskStateStatements,
  deploymentEventsStatements,
  runJobStatements,
  watchdogStatements,
  deploymentHookStatements,
};
const CHANNEL_SIDS = ["ReadPagerDutyRoutingKeySecret", "ReadTeamsWebhookSecret", "PublishToChatbotTopic"];
const bySid = (statements: IamStatement[], sid: string) => statements.filter((s) => s.Sid === sid);
const sub = (text: string) => ({ "Fn::Sub": text });
/** serverless.yml's `${param:NAME}` variable. */
const param = (name: string) => `\${param:${name}}`;

function problemsOf(raw: Parameters<typeof stackParams>[0]): string[] {
  try {
    watching(raw);
  } catch (error) {
    if (error instanceof InvalidStackParameterError) return error.problems;
    throw error;
  }
  return [];
}

async function cliProblems(params: string[]): Promise<string[]> {
  try {
    await readStack({ options: { param: ["watchedClusters=prod", "jobsFile=none", ...params] } });
  } catch (error) {
    if (error instanceof InvalidStackParameterError) return error.problems;
    throw error;
  }
  return [];
}

describe("channel parameters", () => {
  it("leaves every channel off by default, at its documented minimum severity", () => {
    expect(watching()).toMatchObject({
      pagerDutyRoutingKeySecret: "",
      pagerDutyMinSeverity: "critical",
      teamsWebhookSecret: "",
      teamsMinSeverity: "warning",
      chatbotTopicArn: "",
      chatbotMinSeverity: "warning",
    });
  });

  it("accepts secret names, an SSM parameter and a topic ARN, and severities in any case", () => {
    const params = watching({ ...CHANNELS, pagerDutyMinSeverity: "Warning", chatbotMinSeverity: "INFO" });

    expect(params).toMatchObject({
      ...CHANNELS,
      pagerDutyMinSeverity: "warning",
      chatbotMinSeverity: "info",
    });
  });

  it("refuses a misspelt severity, suggesting the one it probably meant", () => {
    const problems = problemsOf({
      ...CHANNELS,
      pagerDutyMinSeverity: "critcal",
      teamsMinSeverity: "warnign",
    });

    expect(problems).toEqual([
      'pagerDutyMinSeverity="critcal" must be one of info, warning, critical; did you mean "critical"?',
      'teamsMinSeverity="warnign" must be one of info, warning, critical; did you mean "warning"?',
    ]);
  });

  it("refuses a severity that is no severity at all, without a wild guess", () => {
    expect(problemsOf({ ...CHANNELS, chatbotMinSeverity: "everything" })).toEqual([
      'chatbotMinSeverity="everything" must be one of info, warning, critical',
    ]);
  });

  it("refuses a minimum severity for a channel that is off, which would be ignored", () => {
    expect(problemsOf({ teamsMinSeverity: "critical" })).toEqual([
      expect.stringMatching(/^teamsMinSeverity="critical" has no effect without teamsWebhookSecret/),
    ]);
    expect(problemsOf({ pagerDutyMinSeverity: "critical", chatbotMinSeverity: "warning" })).toEqual([]);
  });

  it("refuses a wildcard or an SSM parameter ARN as a secret, like the Slack secrets", () => {
    const problems = problemsOf({
      pagerDutyRoutingKeySecret: "ecs-sentinel/*",
      teamsWebhookSecret: "arn:aws:ssm:eu-west-1:123456789012:parameter/ops/teams",
    });

    expect(problems).toEqual([
      expect.stringMatching(
        /^pagerDutyRoutingKeySecret="ecs-sentinel\/\*" is not a Secrets Manager secret name/,
      ),
      expect.stringMatching(
        /^teamsWebhookSecret=".*" an SSM parameter ARN would be read as a Secrets Manager/,
      ),
    ]);
  });

  it.each([
    ["a topic name", "ops-chat", /is not an ARN: give the topic's ARN/],
    ["a FIFO topic", `${TOPIC}.fifo`, /is a FIFO topic: every publish to it needs a MessageGroupId/],
    [
      "a subscription",
      `${TOPIC}:0f1e2d3c-aaaa-bbbb-cccc-0123456789ab`,
      /is a subscription ARN: drop the last/,
    ],
    [
      "a channel configuration",
      "arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops",
      /is an Amazon Q Developer channel configuration ARN: give the ARN of the SNS topic/,
    ],
    ["a wildcard", "arn:aws:sns:eu-west-1:123456789012:ops-*", /has a wildcard/],
    ["another service's ARN", "arn:aws:sqs:eu-west-1:123456789012:ops-chat", /is not an SNS topic ARN/],
    ["an account that is not 12 digits", "arn:aws:sns:eu-west-1:1234:ops-chat", /is not an SNS topic ARN/],
  ])("refuses %s as chatbotTopicArn, saying what to give instead", (_what, arn, why) => {
    expect(problemsOf({ chatbotTopicArn: arn })).toEqual([expect.stringMatching(why)]);
  });

  it("accepts a standard topic in any partition", () => {
    for (const arn of [TOPIC, "arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops_chat"]) {
      expect(topicArnProblem(arn), arn).toBeUndefined();
    }
  });

  it("lists every channel problem at once, with the other parameters' problems", () => {
    const problems = problemsOf({
      chatbotTopicArn: "ops-chat",
      teamsWebhookSecret: "teams?",
      pagerDutyMinSeverity: "loud",
      slackMinSeverity: "loud",
    });

    expect(problems.map((problem) => problem.split("=")[0])).toEqual([
      "teamsWebhookSecret",
      "chatbotTopicArn",
      "pagerDutyMinSeverity",
      "slackMinSeverity",
    ]);
  });

  it.each([
    ["pagerDutyRoutingKey", "pagerDutyRoutingKeySecret"],
    ["pagerdutyMinSeverity", "pagerDutyMinSeverity"],
    ["teamWebhookSecret", "teamsWebhookSecret"],
    ["chatbotTopic", "chatbotTopicArn"],
    ["chatBotMinSeverity", "chatbotMinSeverity"],
  ])("suggests the channel parameter a misspelt --param %s probably meant", async (typo, meant) => {
    const problems = await cliProblems([`${typo}=x`]);

    expect(problems).toEqual([`--param="${typo}=x": unknown parameter; did you mean "${meant}"?`]);
  });
});

describe("channel permissions", () => {
  it("grants no channel permission to any function when no channel is set", () => {
    const params = watching();

    for (const [name, build] of Object.entries(NOTIFYING)) {
      const sids = build(params).map((s) => s.Sid);
      for (const sid of CHANNEL_SIDS) expect(sids, `${name} ${sid}`).not.toContain(sid);
    }
  });

  it("lets every notifying function read exactly the named secrets and publish to exactly the named topic", () => {
    const params = watching(CHANNELS);

    for (const [name, build] of Object.entries(NOTIFYING)) {
      const statements = build(params);
      expect(bySid(statements, "ReadPagerDutyRoutingKeySecret"), name).toEqual([
        expect.objectContaining({
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [
            sub(
              `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:ecs-sentinel/pagerduty-routing-key-??????`,
            ),
          ],
        }),
      ]);
      expect(bySid(statements, "ReadTeamsWebhookSecret"), name).toEqual([
        expect.objectContaining({
          Action: ["ssm:GetParameter"],
          Resource: [
            sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/ops/teams/webhook`),
          ],
        }),
      ]);
      expect(bySid(statements, "PublishToChatbotTopic"), name).toEqual([
        { Sid: "PublishToChatbotTopic", Effect: "Allow", Action: ["sns:Publish"], Resource: [TOPIC] },
      ]);
    }
  });

  it("grants a secret given by ARN on exactly that ARN", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pagerduty-AbCdEf";

    const [read] = bySid(
      taskStateStatements(watching({ pagerDutyRoutingKeySecret: arn })),
      "ReadPagerDutyRoutingKeySecret",
    );

    expect(read?.Resource).toEqual([arn]);
  });

  it("grants no KMS use beyond the stack's own topic key, whatever the chatbot topic", () => {
    for (const build of Object.values(NOTIFYING)) {
      const kmsResources = build(watching(CHANNELS))
        .filter((s) => s.Action.some((action) => action.startsWith("kms:")))
        .flatMap((s) => s.Resource);
      expect(kmsResources).toEqual([{ "Fn::GetAtt": ["NotifyTopicKey", "Arn"] }]);
    }
  });

  it("gives slackActions none of the three channels: it records its actions in Slack only", () => {
    const params = watching({
      ...CHANNELS,
      slackBotTokenSecret: "ecs-sentinel/slack-bot-token",
      slackChannel: "C0123456789",
      slackSigningSecret: "ecs-sentinel/slack-signing-secret",
      slackApprovers: "U0123ABCD",
    });

    const statements = slackActionsStatements(params, "ecs-sentinel-test-slackActions");

    for (const sid of CHANNEL_SIDS) expect(bySid(statements, sid), sid).toEqual([]);
    expect(JSON.stringify(statements)).not.toMatch(/pagerduty|teams|ops-chat/);
  });
});

describe("serverless.yml", () => {
  const serverless = YAML.parse(readFileSync(join(projectRoot, "serverless.yml"), "utf8")) as {
    params: { default: Record<string, string> };
    provider: { environment: Record<string, string> };
  };

  it("declares each channel parameter, off and at the handlers' default severity", () => {
    expect(serverless.params.default).toMatchObject({
      pagerDutyRoutingKeySecret: "",
      pagerDutyMinSeverity: "critical",
      teamsWebhookSecret: "",
      teamsMinSeverity: "warning",
      chatbotTopicArn: "",
      chatbotMinSeverity: "warning",
    });
  });

  it("passes every function the secrets' names and the topic, never a value variable or the events URL", () => {
    const environment = serverless.provider.environment;

    expect(environment).toMatchObject({
      PAGERDUTY_ROUTING_KEY_FROM: param("pagerDutyRoutingKeySecret"),
      PAGERDUTY_MIN_SEVERITY: param("pagerDutyMinSeverity"),
      TEAMS_WEBHOOK_URL_FROM: param("teamsWebhookSecret"),
      TEAMS_MIN_SEVERITY: param("teamsMinSeverity"),
      CHATBOT_TOPIC_ARN: param("chatbotTopicArn"),
      CHATBOT_MIN_SEVERITY: param("chatbotMinSeverity"),
    });
    for (const name of ["PAGERDUTY_ROUTING_KEY", "PAGERDUTY_EVENTS_URL", "TEAMS_WEBHOOK_URL"]) {
      expect(environment, name).not.toHaveProperty(name);
    }
  });
});
