/**
 * Enforces the claims of docs/security.md on the PACKAGED template (osls package, offline) of three
 * deployments: the minimal one (one watched cluster, no jobs), the documented one (watched clusters, a listed
 * rollback service, a Slack secret, a jobs file, a PassRole pattern) and a wide one (every cluster, every log
 * group in other regions too, a PassRole pattern, no jobs).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_PARAMS, DOCUMENTED_STAGE, MINIMAL_PARAMS } from "./support/documented-stack.js";
import {
  allIamStatements,
  asArray,
  FUNCTIONS,
  type FunctionName,
  functionActions,
  functionRoleId,
  functionStatements,
  functionsIn,
  type Statement,
  statementsAllowing,
} from "./support/iam.js";
import { type CfnTemplate, packageStack, projectRoot } from "./support/package-stack.js";
import { permissionTable, tableIn } from "./support/permission-table.js";

const WIDE_PARAMS = [
  "watchedClusters=*",
  "jobsFile=none",
  "logGroupPattern=*",
  "autoRollbackServices=batch/web",
  "logRegions=eu-west-1,us-west-2",
  "passRolePattern=app-*",
  "slackWebhookSecret=ssm:/ops/slack",
];

/** Resource "*" is allowed only for these actions, for the reason given (docs/security.md lists them). */
const STAR_RESOURCE_ALLOWED: Record<string, string> = {
  "ecs:DescribeTaskDefinition": "supports no resource-level permissions",
  "ecs:ListTasks":
    "authorised on container instances, which Fargate tasks lack; scoped by ecs:cluster instead",
};

/** Every action each function may take: the list docs/security.md explains, one by one. */
const EXPECTED_ACTIONS: Record<FunctionName, string[]> = {
  TaskState: [
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "ecs:DescribeServiceDeployments",
    "ecs:DescribeServiceRevisions",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:ListServiceDeployments",
    "ecs:ListTagsForResource",
    "ecs:StopServiceDeployment",
    "ecs:UpdateService",
    "iam:PassRole",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:GetLogEvents",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "sns:Publish",
    "sqs:SendMessage",
  ],
  DeploymentEvents: [
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "ecs:DescribeServiceDeployments",
    "ecs:DescribeServiceRevisions",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListServiceDeployments",
    "ecs:ListTagsForResource",
    "ecs:ListTasks",
    "ecs:StopServiceDeployment",
    "ecs:UpdateService",
    "iam:PassRole",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "sns:Publish",
    "sqs:SendMessage",
  ],
  RunJob: [
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListTasks",
    "ecs:RunTask",
    "ecs:StopTask",
    "ecs:TagResource",
    "iam:PassRole",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "sns:Publish",
    "sqs:SendMessage",
  ],
  // Only with Slack buttons (the documented deployment has them): roll back, re-run, mute, continue a pause.
  SlackActions: [
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "ecs:ContinueServiceDeployment",
    "ecs:DescribeServiceDeployments",
    "ecs:DescribeServiceRevisions",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListServiceDeployments",
    "ecs:ListTagsForResource",
    "ecs:ListTasks",
    "ecs:RunTask",
    "ecs:StopServiceDeployment",
    "ecs:StopTask",
    "ecs:TagResource",
    "ecs:UpdateService",
    "iam:PassRole",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "lambda:InvokeFunction",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "sns:Publish",
    "sqs:SendMessage",
  ],
  // Read only: ECS itself rolls back on the hook's FAILED. No DLQ: ECS invokes it synchronously.
  DeploymentHook: [
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "ecs:DescribeServiceDeployments",
    "ecs:DescribeServiceRevisions",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListServiceDeployments",
    "ecs:ListTagsForResource",
    "ecs:ListTasks",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "sns:Publish",
  ],
  Watchdog: [
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "ecs:DescribeTasks",
    "ecs:ListTagsForResource",
    "ecs:ListTasks",
    "ecs:StopTask",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "secretsmanager:GetSecretValue",
    "sns:Publish",
    "sqs:SendMessage",
  ],
};

const ROLLBACK_WRITES = ["ecs:UpdateService", "ecs:StopServiceDeployment"];
const OPT_IN = { StringEquals: { "aws:ResourceTag/ecs-sentinel:auto-rollback": "true" } };
/** `manual` opts out of automatic rollback too: the Slack button only. */
const NOT_OPTED_OUT = {
  StringNotEqualsIgnoreCase: { "aws:ResourceTag/ecs-sentinel:auto-rollback": ["false", "manual"] },
};
/** The Slack buttons' rollback: tagged true or manual, never a service only listed. */
const BUTTON_OPT_IN = {
  StringEquals: { "aws:ResourceTag/ecs-sentinel:auto-rollback": ["true", "manual"] },
};
const TO_ECS_TASKS = { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } };
const sub = (arn: string) => ({ "Fn::Sub": arn });
const ecsArn = (resource: string) =>
  sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

let plain: CfnTemplate;
let documented: CfnTemplate;
let wide: CfnTemplate;
let all: Array<[string, CfnTemplate]>;

beforeAll(async () => {
  // In turn: parallel esbuild runs only compete for this machine's cores.
  plain = (await packageStack("test", MINIMAL_PARAMS)).template;
  documented = (await packageStack(DOCUMENTED_STAGE, DOCUMENTED_PARAMS)).template;
  wide = (await packageStack("test", WIDE_PARAMS)).template;
  all = [
    ["minimal", plain],
    ["documented", documented],
    ["wide", wide],
  ];
}, 600_000);

function envOf(template: CfnTemplate, fn: FunctionName): Record<string, unknown> {
  const environment = template.Resources[`${fn}LambdaFunction`]?.Properties.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

describe("what no function may do", () => {
  it("grants no wildcard action in any deployment", () => {
    for (const [name, template] of all) {
      const wildcards = allIamStatements(template)
        .flatMap(({ statement }) => asArray(statement.Action))
        .filter((action) => action === "*" || action.endsWith(":*"));
      expect(wildcards, name).toEqual([]);
    }
  });

  it("uses Resource * only for actions AWS cannot scope, ListTasks only with a cluster condition", () => {
    for (const [name, template] of all) {
      for (const { owner, statement } of allIamStatements(template)) {
        if (!asArray(statement.Resource).includes("*")) continue;
        for (const action of asArray(statement.Action)) {
          expect(Object.keys(STAR_RESOURCE_ALLOWED), `${name} ${owner}: ${action}`).toContain(action);
        }
        if (asArray(statement.Action).includes("ecs:ListTasks")) {
          expect(statement.Condition?.ArnLike?.["ecs:cluster"], `${name} ${owner}`).toBeDefined();
        }
      }
    }
  });

  it("grants each function exactly the actions the security review explains", () => {
    expect(functionsIn(documented)).toContain("SlackActions");
    for (const fn of functionsIn(documented))
      expect(functionActions(documented, fn), fn).toEqual(EXPECTED_ACTIONS[fn]);
  });

  it("lets only runJob start tasks, and neither runJob nor watchdog change a service", () => {
    for (const [name, template] of all) {
      for (const fn of ["TaskState", "DeploymentEvents", "Watchdog", "DeploymentHook"] as const) {
        expect(statementsAllowing(template, fn, "ecs:RunTask"), `${name} ${fn}`).toEqual([]);
      }
      for (const fn of ["RunJob", "Watchdog", "DeploymentHook"] as const) {
        for (const action of ROLLBACK_WRITES) {
          expect(statementsAllowing(template, fn, action), `${name} ${fn} ${action}`).toEqual([]);
        }
      }
      for (const fn of ["TaskState", "DeploymentEvents", "DeploymentHook"] as const) {
        expect(statementsAllowing(template, fn, "ecs:StopTask"), `${name} ${fn}`).toEqual([]);
      }
    }
  });

  it("keeps every ECS resource inside the watched clusters", () => {
    const ecsResources = functionsIn(documented)
      .flatMap((fn) => functionStatements(documented, fn))
      .flatMap((statement) => [
        ...asArray(statement.Resource),
        ...Object.values(statement.Condition ?? {}).flatMap((keys) => Object.values(keys).flatMap(asArray)),
      ])
      .map((resource) => JSON.stringify(resource))
      .filter((text) => text.includes(":ecs:"));
    expect(ecsResources.length).toBeGreaterThan(0);

    for (const text of ecsResources) {
      expect(text).toMatch(
        /:(cluster|service|task|service-deployment|service-revision)\/(prod|stage)\b|task-definition\//,
      );
    }
  });

  it("never gives a function's role to another function, and deploys no unused default role", () => {
    for (const [name, template] of all) {
      const roles = functionsIn(template).map((fn) => functionRoleId(template, fn));

      expect(new Set(roles).size, name).toBe(functionsIn(template).length);
      expect(template.Resources, name).not.toHaveProperty("IamRoleLambdaExecution");
      expect(
        allIamStatements(template).map(({ owner }) => owner),
        name,
      ).not.toContain("IamRoleLambdaExecution");
    }
  });
});

describe("automatic rollback", () => {
  const serviceHalf = (statement: Statement) =>
    asArray(statement.Action).includes("ecs:UpdateService") ||
    /:service\//.test(JSON.stringify(statement.Resource));

  it("allows UpdateService and StopServiceDeployment on a service only with the opt-in tag or as a listed service not opted out", () => {
    for (const [name, template] of all) {
      const writes = allIamStatements(template).filter(({ statement }) =>
        asArray(statement.Action).some((action) => ROLLBACK_WRITES.includes(action)),
      );
      for (const { owner, statement } of writes) {
        if (serviceHalf(statement)) {
          const allowed = owner.startsWith("SlackActions") ? [BUTTON_OPT_IN] : [OPT_IN, NOT_OPTED_OUT];
          expect(allowed, `${name} ${owner}`).toContainEqual(statement.Condition);
          expect(statement.Action, `${name} ${owner}`).toEqual(ROLLBACK_WRITES);
        } else {
          expect(statement.Action, `${name} ${owner}`).toEqual(["ecs:StopServiceDeployment"]);
          expect(JSON.stringify(statement.Resource), `${name} ${owner}`).toMatch(/:service-deployment\//);
        }
      }
    }
  });

  it("names exactly the listed services in the statement without the tag", () => {
    const listed = (template: CfnTemplate, fn: FunctionName) =>
      functionStatements(template, fn).filter(
        (s) => JSON.stringify(s.Condition) === JSON.stringify(NOT_OPTED_OUT),
      );

    for (const fn of ["TaskState", "DeploymentEvents"] as const) {
      expect(listed(plain, fn), fn).toEqual([]);
      expect(
        listed(documented, fn).flatMap((s) => asArray(s.Resource)),
        fn,
      ).toEqual([ecsArn("service/prod/api")]);
      expect(
        listed(wide, fn).flatMap((s) => asArray(s.Resource)),
        fn,
      ).toEqual([ecsArn("service/batch/web")]);
    }
  });

  it("allows PassRole only to ECS tasks, only to functions that RunTask or UpdateService, on the configured roles", () => {
    for (const [name, template] of all) {
      for (const { owner, statement } of allIamStatements(template)) {
        if (!asArray(statement.Action).includes("iam:PassRole")) continue;
        expect(statement.Condition, `${name} ${owner}`).toEqual(TO_ECS_TASKS);
        expect(statement.Action, `${name} ${owner}`).toEqual(["iam:PassRole"]);
      }
      expect(statementsAllowing(template, "Watchdog", "iam:PassRole"), name).toEqual([]);
    }
    const appRoles = [sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/app-*`)];
    for (const fn of ["TaskState", "DeploymentEvents", "RunJob"] as const) {
      const resources = statementsAllowing(documented, fn, "iam:PassRole").flatMap((s) =>
        asArray(s.Resource),
      );
      expect(resources, fn).toEqual(appRoles);
    }
    // No passRolePattern: no PassRole at all. No jobs: run-job passes nothing even with one.
    for (const fn of FUNCTIONS) expect(statementsAllowing(plain, fn, "iam:PassRole"), fn).toEqual([]);
    expect(statementsAllowing(wide, "RunJob", "iam:PassRole")).toEqual([]);
  });
});

describe("secrets and logs", () => {
  const SECRET_READS = ["secretsmanager:GetSecretValue", "ssm:GetParameter"];
  const secretReads = (template: CfnTemplate, sid?: string) =>
    allIamStatements(template)
      .map(({ statement }) => statement)
      .filter((s) => asArray(s.Action).some((a) => SECRET_READS.includes(a)) && (!sid || s.Sid === sid));
  const secretArn = (name: string) =>
    sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`);

  it("reads the Slack webhook only from the named secret or parameter, and nothing without one", () => {
    expect(secretReads(plain)).toEqual([]);
    const webhookReads = secretReads(documented, "ReadSlackWebhookSecret");
    expect(webhookReads.length).toBe(FUNCTIONS.length);
    for (const s of webhookReads) expect(s.Resource).toEqual([secretArn("ecs-sentinel/slack-webhook")]);
    const parameterRead = {
      Action: ["ssm:GetParameter"],
      Resource: [sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/ops/slack`)],
    };
    expect(secretReads(wide)).toEqual(FUNCTIONS.map(() => expect.objectContaining(parameterRead)));
  });

  it("reads the Slack bot token only from the named secret, and the documented stack reads nothing else", () => {
    const tokenReads = secretReads(documented, "ReadSlackBotTokenSecret");
    const arn = secretArn("ecs-sentinel/slack-bot-token");

    const readers = functionsIn(documented);
    expect(tokenReads).toEqual(readers.map(() => expect.objectContaining({ Resource: [arn] })));
    expect(tokenReads.flatMap((s) => s.Action)).toEqual(readers.map(() => "secretsmanager:GetSecretValue"));
    // Webhook, token, PagerDuty key and Teams webhook for every notifying function; slackActions: token and
    // signing secret only.
    expect(secretReads(documented).length).toBe(4 * (readers.length - 1) + 2);
    expect(secretReads(documented, "ReadSlackSigningSecret")).toEqual([
      expect.objectContaining({ Resource: [secretArn("ecs-sentinel/slack-signing-secret")] }),
    ]);
  });

  it("reads the PagerDuty routing key and the Teams webhook only from the named secrets, in every notifying function but slackActions", () => {
    const notifying = functionsIn(documented).filter((fn) => fn !== "SlackActions");
    const readsOf = (sid: string) =>
      notifying.map((fn) => functionStatements(documented, fn).filter((s) => s.Sid === sid));

    expect(secretReads(plain, "ReadPagerDutyRoutingKeySecret")).toEqual([]);
    expect(secretReads(plain, "ReadTeamsWebhookSecret")).toEqual([]);
    expect(readsOf("ReadPagerDutyRoutingKeySecret")).toEqual(
      notifying.map(() => [
        expect.objectContaining({
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [secretArn("ecs-sentinel/pagerduty-routing-key")],
        }),
      ]),
    );
    expect(readsOf("ReadTeamsWebhookSecret")).toEqual(
      notifying.map(() => [
        expect.objectContaining({
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [secretArn("ecs-sentinel/teams-webhook")],
        }),
      ]),
    );
  });

  it("publishes only to the stack's topic and the named Amazon Q Developer topic, and to no topic by default but its own", () => {
    const topicsOf = (template: CfnTemplate, fn: FunctionName) =>
      statementsAllowing(template, fn, "sns:Publish").flatMap((s) => asArray(s.Resource));

    for (const fn of FUNCTIONS) {
      expect(topicsOf(plain, fn), fn).toEqual([{ Ref: "NotifyTopic" }]);
      expect(topicsOf(documented, fn), fn).toEqual([
        { Ref: "NotifyTopic" },
        "arn:aws:sns:us-east-1:123456789012:ecs-sentinel-chat",
      ]);
    }
    expect(topicsOf(documented, "SlackActions")).toEqual([{ Ref: "NotifyTopic" }]);
  });

  it("reads container logs of /ecs/ log groups in the stack's region by default, plus only the regions logRegions names", () => {
    const logReads = (template: CfnTemplate) =>
      statementsAllowing(template, "TaskState", "logs:GetLogEvents").flatMap((s) => asArray(s.Resource));
    const streams = (region: string, group = "*") =>
      sub(`arn:\${AWS::Partition}:logs:${region}:\${AWS::AccountId}:log-group:${group}:log-stream:*`);

    expect(logReads(plain)).toEqual([streams(`\${AWS::Region}`, "/ecs/*")]);
    expect(logReads(wide)).toEqual([streams(`\${AWS::Region}`), streams("eu-west-1"), streams("us-west-2")]);
  });
});

describe("handler settings", () => {
  it("passes each function the settings it reads and no others", () => {
    const rollback = ["AUTO_ROLLBACK_SERVICES", "POST_COMPLETION_MINUTES", "ROLLBACK_COOLDOWN_MINUTES"];
    const taskOnly = [
      "CRASH_LOOP_THRESHOLD",
      "CRASH_LOOP_WINDOW_MINUTES",
      "LOG_TAIL_LINES",
      "HISTORY_RETENTION_DAYS",
      "ENRICH_BUDGET_MS",
    ];

    for (const fn of FUNCTIONS) {
      const names = Object.keys(envOf(documented, fn));
      expect(names, fn).toContain("THROTTLE_WINDOW_MINUTES");
      const expectRollback = fn === "TaskState" || fn === "DeploymentEvents";
      for (const name of rollback) expect(names.includes(name), `${fn} ${name}`).toBe(expectRollback);
      for (const name of taskOnly) expect(names.includes(name), `${fn} ${name}`).toBe(fn === "TaskState");
    }
    expect(envOf(documented, "TaskState")).toMatchObject({
      AUTO_ROLLBACK_SERVICES: "prod/api",
      CRASH_LOOP_THRESHOLD: "3",
      CRASH_LOOP_WINDOW_MINUTES: "15",
      POST_COMPLETION_MINUTES: "30",
      ROLLBACK_COOLDOWN_MINUTES: "30",
      HISTORY_RETENTION_DAYS: "30",
      ENRICH_BUDGET_MS: "4000",
      THROTTLE_WINDOW_MINUTES: "10",
    });
  });

  it("names the channels' secrets and topic to every notifying function, and none of them to slackActions", () => {
    for (const fn of FUNCTIONS) {
      expect(envOf(documented, fn), fn).toMatchObject({
        PAGERDUTY_ROUTING_KEY_FROM: "ecs-sentinel/pagerduty-routing-key",
        PAGERDUTY_MIN_SEVERITY: "critical",
        TEAMS_WEBHOOK_URL_FROM: "ecs-sentinel/teams-webhook",
        TEAMS_MIN_SEVERITY: "warning",
        CHATBOT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:ecs-sentinel-chat",
        CHATBOT_MIN_SEVERITY: "warning",
      });
    }
    expect(envOf(documented, "SlackActions")).toMatchObject({
      PAGERDUTY_ROUTING_KEY_FROM: "",
      TEAMS_WEBHOOK_URL_FROM: "",
      CHATBOT_TOPIC_ARN: "",
    });
  });

  it("never puts a webhook URL in the environment, only the secret's name", () => {
    for (const [name, template] of all) {
      for (const fn of functionsIn(template)) {
        const env = envOf(template, fn);
        expect(env, `${name} ${fn}`).not.toHaveProperty("SLACK_WEBHOOK_URL");
        expect(env, `${name} ${fn}`).not.toHaveProperty("SLACK_BOT_TOKEN");
        expect(JSON.stringify(env), `${name} ${fn}`).not.toMatch(/hooks\.slack\.com|xox[a-z]-/);
        // PagerDuty's routing key and the Teams Workflows URL: only the secrets' names, and no URL at all.
        expect(env, `${name} ${fn}`).not.toHaveProperty("PAGERDUTY_ROUTING_KEY");
        expect(env, `${name} ${fn}`).not.toHaveProperty("TEAMS_WEBHOOK_URL");
        expect(env, `${name} ${fn}`).not.toHaveProperty("PAGERDUTY_EVENTS_URL");
        expect(JSON.stringify(env), `${name} ${fn}`).not.toMatch(/https?:/);
      }
    }
  });
});

describe("docs/security.md", () => {
  it("shows the permission table of the documented deployment's packaged template", () => {
    const document = readFileSync(join(projectRoot, "docs", "security.md"), "utf8");

    expect(tableIn(document)).toBe(permissionTable(documented));
  });
});
