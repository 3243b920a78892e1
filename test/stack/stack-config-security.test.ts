/**
 * The security side of infra/stack-config.cjs: rollback permissions match the rollback policy's opt-in,
 * the crash-loop hook's role can do what it calls, parameters that reach ARNs are exact, and the handlers'
 * settings are checked at package time with the same defaults the code has.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import {
  AUTO_ROLLBACK_TAG,
  deploymentEventsStatements,
  type IamStatement,
  InvalidStackParameterError,
  runJobStatements,
  stackParams,
  TUNING_DEFAULTS,
  taskStateStatements,
  watchdogStatements,
} from "../../infra/stack-config.cjs";
import { loadConfig } from "../../src/app/config.js";
import { projectRoot } from "./support/package-stack.js";

const ecsArn = (resource: string) => ({
  "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});
const logStreams = (region: string, group = "*") => ({
  "Fn::Sub": `arn:\${AWS::Partition}:logs:${region}:\${AWS::AccountId}:log-group:${group}:log-stream:*`,
});

/** A valid deployment (one watched cluster) with `raw` on top. */
const watching = (raw: Parameters<typeof stackParams>[0] = {}) =>
  stackParams({ watchedClusters: "prod", ...raw });
const bySid = (statements: IamStatement[], sid: string) => statements.find((s) => s.Sid === sid);
const actionsOf = (statements: IamStatement[]) => statements.flatMap((s) => s.Action);
const ROLLBACK_SIDS = [
  "RollBackTaggedServices",
  "RollBackListedServices",
  "StopDeploymentsOfRollbackServices",
  "PassTaskRolesOnRollback",
];

describe("rollback permissions", () => {
  it("gives taskState the same rollback statements as deploymentEvents, for the crash-loop hook", () => {
    const params = stackParams({
      watchedClusters: "prod",
      autoRollbackServices: "prod/api",
      passRolePattern: "app-*",
    });
    const rollbackOf = (statements: IamStatement[]) =>
      statements.filter((s) => ROLLBACK_SIDS.includes(s.Sid) || s.Sid.startsWith("Read"));

    const fromTaskState = rollbackOf(taskStateStatements(params)).filter((s) => s.Sid !== "ReadTaskLogs");

    expect(fromTaskState).toEqual(rollbackOf(deploymentEventsStatements(params)));
    expect(actionsOf(fromTaskState)).toEqual(
      expect.arrayContaining([
        "ecs:ListServiceDeployments",
        "ecs:DescribeServiceDeployments",
        "ecs:DescribeServiceRevisions",
        "ecs:UpdateService",
        "ecs:StopServiceDeployment",
        "iam:PassRole",
      ]),
    );
  });

  it("adds no listed-services statement when no service is listed", () => {
    const statements = deploymentEventsStatements(stackParams({ watchedClusters: "prod" }));

    expect(bySid(statements, "RollBackListedServices")).toBeUndefined();
    expect(bySid(statements, "RollBackTaggedServices")?.Resource).toEqual([ecsArn("service/prod/*")]);
  });

  it("names a bare listed service in each watched cluster only", () => {
    const listed = bySid(
      deploymentEventsStatements(
        stackParams({
          watchedClusters: "prod,stage",
          autoRollbackServices: "web,arn:aws:ecs:us-east-1:1:service/prod/b",
        }),
      ),
      "RollBackListedServices",
    );

    expect(listed?.Resource).toEqual([
      ecsArn("service/prod/web"),
      ecsArn("service/stage/web"),
      ecsArn("service/prod/b"),
    ]);
  });

  it("refuses a bare listed service when every cluster is watched, and accepts CLUSTER/SERVICE then", () => {
    expect(() => stackParams({ watchedClusters: "*", autoRollbackServices: "web" })).toThrow(
      /autoRollbackServices="web" is a bare service name and watchedClusters=\*: write CLUSTER\/web/,
    );
    const listed = bySid(
      deploymentEventsStatements(stackParams({ watchedClusters: "*", autoRollbackServices: "batch/web" })),
      "RollBackListedServices",
    );
    expect(listed?.Resource).toEqual([ecsArn("service/batch/web")]);
  });

  it("passes task roles only to ECS tasks, limited to the passRolePattern", () => {
    const params = stackParams({
      watchedClusters: "batch",
      passRolePattern: "app-*",
      jobs: { clusters: ["batch"], taskDefinitions: ["migrate"] },
    });
    const role = { "Fn::Sub": `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/app-*` };
    const condition = { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } };

    for (const passRole of [
      bySid(taskStateStatements(params), "PassTaskRolesOnRollback"),
      bySid(deploymentEventsStatements(params), "PassTaskRolesOnRollback"),
      bySid(runJobStatements(params), "PassJobTaskRoles"),
    ]) {
      expect(passRole?.Resource).toEqual([role]);
      expect(passRole?.Condition).toEqual(condition);
    }
    expect(actionsOf(watchdogStatements(params))).not.toContain("iam:PassRole");
  });

  it("grants no PassRole at all without a passRolePattern, and requires one when there are jobs", () => {
    const params = watching();

    for (const build of [
      taskStateStatements,
      deploymentEventsStatements,
      runJobStatements,
      watchdogStatements,
    ]) {
      expect(actionsOf(build(params))).not.toContain("iam:PassRole");
    }
    expect(() => watching({ jobs: { clusters: ["prod"], taskDefinitions: ["migrate"] } })).toThrow(
      /passRolePattern is required when the jobs file has jobs/,
    );
  });

  it("uses the auto-rollback tag key the rollback policy reads", () => {
    expect(AUTO_ROLLBACK_TAG).toBe("ecs-sentinel:auto-rollback");
  });
});

describe("state table permissions", () => {
  it("allows item reads, writes and queries on the table only; batch writes only for taskState's history", () => {
    const params = watching();
    const tableActions = (statements: IamStatement[]) => bySid(statements, "StateTableReadWrite");
    const itemActions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:Query",
    ];

    expect(tableActions(taskStateStatements(params))?.Action).toEqual([
      ...itemActions,
      "dynamodb:BatchWriteItem",
    ]);
    for (const build of [deploymentEventsStatements, runJobStatements, watchdogStatements]) {
      expect(tableActions(build(params))?.Action).toEqual(itemActions);
      expect(tableActions(build(params))?.Resource).toEqual([{ "Fn::GetAtt": ["StateTable", "Arn"] }]);
    }
  });
});

describe("log tail permissions", () => {
  it("reads log streams only in the stack's region by default", () => {
    const logs = bySid(taskStateStatements(watching()), "ReadTaskLogs");

    expect(logs?.Action).toEqual(["logs:GetLogEvents"]);
    expect(logs?.Resource).toEqual([logStreams(`\${AWS::Region}`, "/ecs/*")]);
  });

  it("adds the regions logRegions names, or any region for *", () => {
    const some = bySid(
      taskStateStatements(watching({ logRegions: "eu-west-1, us-gov-west-1", logGroupPattern: "*" })),
      "ReadTaskLogs",
    );
    const any = bySid(
      taskStateStatements(watching({ logRegions: "eu-west-1,*", logGroupPattern: "*" })),
      "ReadTaskLogs",
    );

    expect(some?.Resource).toEqual([
      logStreams(`\${AWS::Region}`),
      logStreams("eu-west-1"),
      logStreams("us-gov-west-1"),
    ]);
    expect(any?.Resource).toEqual([logStreams("*")]);
  });

  it("rejects a logRegions entry that is not a region name", () => {
    expect(() => watching({ logRegions: `eu-west-1,\${AWS::Region}` })).toThrow(/logRegions/);
  });

  it("gives no function but taskState access to container logs", () => {
    const params = watching();
    for (const build of [deploymentEventsStatements, runJobStatements, watchdogStatements]) {
      expect(actionsOf(build(params)).filter((action) => action.startsWith("logs:"))).toEqual([]);
    }
  });
});

describe("parameters that reach ARNs", () => {
  it.each([
    ["a wildcard secret name", { slackWebhookSecret: "slack/*" }, "slackWebhookSecret"],
    [
      "an SSM parameter ARN, which the handler would read from Secrets Manager",
      { slackWebhookSecret: "arn:aws:ssm:us-east-1:123456789012:parameter/slack" },
      "slackWebhookSecret",
    ],
    [
      "a substitution in an SSM name",
      { slackWebhookSecret: `ssm:/ops/\${AWS::Region}` },
      "slackWebhookSecret",
    ],
    ["a substitution in the log group pattern", { logGroupPattern: `/ecs/\${x}` }, "logGroupPattern"],
    ["a substitution in the role pattern", { passRolePattern: `\${x}` }, "passRolePattern"],
  ])("rejects %s", (_what, raw, parameter) => {
    let thrown: unknown;
    try {
      watching(raw);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(InvalidStackParameterError);
    expect((thrown as InvalidStackParameterError).problems).toEqual([
      expect.stringMatching(new RegExp(`^${parameter}=`)),
    ]);
  });

  it("grants a Secrets Manager secret given by ARN on exactly that ARN", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf";

    const secret = bySid(watchdogStatements(watching({ slackWebhookSecret: arn })), "ReadSlackWebhookSecret");

    expect(secret?.Action).toEqual(["secretsmanager:GetSecretValue"]);
    expect(secret?.Resource).toEqual([arn]);
  });
});

describe("handler settings", () => {
  const serverlessParams = () =>
    (
      YAML.parse(readFileSync(join(projectRoot, "serverless.yml"), "utf8")) as {
        params: { default: Record<string, string> };
      }
    ).params.default;

  it("defaults every numeric setting as the handlers' configuration does", () => {
    const fromCode = loadConfig({});

    for (const [name, value] of Object.entries(TUNING_DEFAULTS)) {
      expect(fromCode[name as keyof typeof fromCode], name).toBe(value);
    }
  });

  it("declares every numeric setting in serverless.yml with the same default", () => {
    const declared = serverlessParams();

    for (const [name, value] of Object.entries(TUNING_DEFAULTS)) {
      expect(Number(declared[name]), name).toBe(value);
    }
  });

  it("rejects a setting that is not a positive number before anything is deployed", () => {
    expect(() => watching({ crashLoopThreshold: "0" })).toThrow(/crashLoopThreshold.*positive/);
    expect(() => watching({ enrichBudgetMs: "fast" })).toThrow(/enrichBudgetMs/);
    expect(watching({ crashLoopThreshold: "5" }).tuning.crashLoopThreshold).toBe(5);
  });

  it("rejects a severity or a dry-run flag the handlers would refuse at cold start", () => {
    expect(() => watching({ slackMinSeverity: "loud" })).toThrow(/slackMinSeverity/);
    expect(() => watching({ dryRun: "maybe" })).toThrow(/dryRun/);
    expect(watching({ dryRun: "yes", emailMinSeverity: "WARNING" })).toMatchObject({
      dryRun: true,
      emailMinSeverity: "warning",
    });
  });
});
