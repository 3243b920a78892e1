import { describe, expect, it } from "vitest";
import {
  AUTO_ROLLBACK_TAG,
  bundleExtension,
  deploymentEventsStatements,
  deploymentPattern,
  type IamStatement,
  InvalidStackParameterError,
  parseList,
  runJobStatements,
  spotNoticePattern,
  stackParams,
  taskStateStatements,
  taskStoppedPattern,
  watchdogStatements,
} from "../../infra/stack-config.cjs";

const ecsArn = (resource: string) => ({
  "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

const statement = (statements: IamStatement[], sid: string): IamStatement => {
  const found = statements.find((candidate) => candidate.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};

describe("bundleExtension", () => {
  it("bundles .mjs for packaging and deploying", () => {
    expect(bundleExtension(["node", "osls", "package", "--stage", "prod"])).toBe(".mjs");
  });

  it("bundles .js for invoke local, which cannot load .mjs handlers", () => {
    expect(bundleExtension(["node", "osls", "invoke", "local", "-f", "taskState"])).toBe(".js");
  });
});

describe("parseList", () => {
  it("splits on commas and whitespace, drops empties and duplicates", () => {
    expect(parseList(" prod, stage ,,prod  batch ")).toEqual(["prod", "stage", "batch"]);
  });

  it("returns nothing for an empty or missing parameter", () => {
    expect(parseList("")).toEqual([]);
    expect(parseList(undefined)).toEqual([]);
  });
});

describe("stackParams", () => {
  it("rejects a watched cluster name that is not a cluster name", () => {
    expect(() => stackParams({ watchedClusters: "prod,arn:aws:ecs:x" })).toThrow(InvalidStackParameterError);
  });

  it("accepts rollback services as names, CLUSTER/SERVICE and service ARNs", () => {
    const params = stackParams({
      watchedClusters: "prod",
      autoRollbackServices: "web, prod/api, arn:aws:ecs:eu-west-1:123456789012:service/prod/worker",
    });

    expect(params.autoRollbackServices).toEqual([
      { cluster: undefined, service: "web" },
      { cluster: "prod", service: "api" },
      { cluster: "prod", service: "worker" },
    ]);
  });

  it("rejects a rollback service outside the watched clusters", () => {
    expect(() => stackParams({ watchedClusters: "prod", autoRollbackServices: "stage/api" })).toThrow(
      /not in watchedClusters/,
    );
  });

  it("defaults the log group pattern to the awslogs groups ECS names /ecs/FAMILY, never every group", () => {
    expect(stackParams({ watchedClusters: "prod" }).logGroupPatterns).toEqual(["/ecs/*"]);
  });

  it("refuses to package without watched clusters, naming both ways out", () => {
    expect(() => stackParams({})).toThrow(
      /watchedClusters is empty: name the clusters to watch \(watchedClusters=prod,batch\), or pass watchedClusters=\*/,
    );
  });

  it("watches every cluster only when told so with *, and never * mixed with names", () => {
    expect(stackParams({ watchedClusters: "*" })).toMatchObject({ everyCluster: true, watchedClusters: [] });
    expect(() => stackParams({ watchedClusters: "prod,*" })).toThrow(/cannot be combined with names/);
  });

  it("lists every problem at once, each with its parameter and value", () => {
    let thrown: unknown;
    try {
      stackParams({ watchedClusters: "prod", alertEmail: "oncall", logTailLines: "many", dryRun: "maybe" });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(InvalidStackParameterError);
    expect((thrown as InvalidStackParameterError).problems).toEqual([
      'alertEmail="oncall" is not an email address',
      'logTailLines="many" must be a positive number',
      'dryRun="maybe" must be one of 1, true, yes, on, 0, false, no, off',
    ]);
  });
});

describe("event patterns", () => {
  it("matches every cluster's stopped tasks when watchedClusters is *", () => {
    const pattern = taskStoppedPattern(stackParams({ watchedClusters: "*" }));

    expect(pattern).toEqual({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: { lastStatus: ["STOPPED"] },
    });
  });

  it("filters stopped tasks on the watched clusters' ARNs", () => {
    const pattern = taskStoppedPattern(stackParams({ watchedClusters: "prod,stage" }));

    expect(pattern.detail?.clusterArn).toEqual([ecsArn("cluster/prod"), ecsArn("cluster/stage")]);
  });

  it("matches the Spot notice: still RUNNING, desired STOPPED, either Spot stop code", () => {
    const pattern = spotNoticePattern(stackParams({ watchedClusters: "prod" }));

    expect(pattern.detail).toEqual({
      lastStatus: ["RUNNING"],
      desiredStatus: ["STOPPED"],
      stopCode: ["SpotInterruption", "TerminationNotice"],
      clusterArn: [ecsArn("cluster/prod")],
    });
  });

  it("filters deployment and service-action events by service ARN prefix per watched cluster", () => {
    const pattern = deploymentPattern(stackParams({ watchedClusters: "prod,stage" }));

    expect(pattern["detail-type"]).toEqual(["ECS Deployment State Change", "ECS Service Action"]);
    expect(pattern.resources).toEqual([
      { prefix: ecsArn("service/prod/") },
      { prefix: ecsArn("service/stage/") },
    ]);
  });

  it("leaves deployment events unfiltered when watchedClusters is *", () => {
    expect(deploymentPattern(stackParams({ watchedClusters: "*" })).resources).toBeUndefined();
  });
});

describe("IAM statements", () => {
  const allBuilders = [taskStateStatements, deploymentEventsStatements, runJobStatements, watchdogStatements];

  it("grants no secret read when Slack is off", () => {
    const sids = taskStateStatements(stackParams({ watchedClusters: "prod" })).map((s) => s.Sid);

    expect(sids).not.toContain("ReadSlackWebhookSecret");
  });

  it("grants GetSecretValue on the named Secrets Manager secret only", () => {
    const secret = statement(
      taskStateStatements(stackParams({ watchedClusters: "prod", slackWebhookSecret: "slack/webhook" })),
      "ReadSlackWebhookSecret",
    );

    expect(secret.Action).toEqual(["secretsmanager:GetSecretValue"]);
    expect(secret.Resource).toEqual([
      {
        "Fn::Sub": `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:slack/webhook-??????`,
      },
    ]);
  });

  it("grants GetParameter on the named SSM parameter when the secret is ssm:/NAME", () => {
    const secret = statement(
      watchdogStatements(stackParams({ watchedClusters: "prod", slackWebhookSecret: "ssm:/ops/slack" })),
      "ReadSlackWebhookSecret",
    );

    expect(secret.Action).toEqual(["ssm:GetParameter"]);
    expect(secret.Resource).toEqual([
      { "Fn::Sub": `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/ops/slack` },
    ]);
  });

  it("scopes service reads to the watched clusters", () => {
    const read = statement(
      taskStateStatements(stackParams({ watchedClusters: "prod" })),
      "ReadWatchedServices",
    );

    expect(read.Resource).toEqual([ecsArn("service/prod/*")]);
  });

  it("allows rollback on tagged services of the watched clusters and on the listed services unless they opt out (false, or manual: never automatically)", () => {
    const statements = deploymentEventsStatements(
      stackParams({ watchedClusters: "prod,stage", autoRollbackServices: "prod/api,web" }),
    );
    const tagged = statement(statements, "RollBackTaggedServices");
    const listed = statement(statements, "RollBackListedServices");

    expect(tagged.Action).toEqual(["ecs:UpdateService", "ecs:StopServiceDeployment"]);
    expect(tagged.Condition).toEqual({
      StringEquals: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: "true" },
    });
    expect(tagged.Resource).toEqual([ecsArn("service/prod/*"), ecsArn("service/stage/*")]);
    expect(listed.Action).toEqual(["ecs:UpdateService", "ecs:StopServiceDeployment"]);
    expect(listed.Condition).toEqual({
      StringNotEqualsIgnoreCase: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: ["false", "manual"] },
    });
    expect(listed.Resource).toEqual([
      ecsArn("service/prod/api"),
      ecsArn("service/prod/web"),
      ecsArn("service/stage/web"),
    ]);
    expect(statement(statements, "StopDeploymentsOfRollbackServices").Resource).toEqual([
      ecsArn("service-deployment/prod/*/*"),
      ecsArn("service-deployment/stage/*/*"),
    ]);
  });

  it("restricts RunTask to the jobs' clusters and PassRole to ECS tasks", () => {
    const statements = runJobStatements(
      stackParams({
        watchedClusters: "batch,prod",
        passRolePattern: "app-*",
        jobs: { clusters: ["batch"], taskDefinitions: ["migrate"] },
      }),
    );

    expect(statement(statements, "RunJobTasks").Condition).toEqual({
      ArnEquals: { "ecs:cluster": [ecsArn("cluster/batch")] },
    });
    expect(statement(statements, "PassJobTaskRoles").Condition).toEqual({
      StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    });
  });

  it("never grants a wildcard action", () => {
    const params = stackParams({ watchedClusters: "prod", slackWebhookSecret: "s" });
    const actions = allBuilders.flatMap((build) => build(params)).flatMap((s) => s.Action);

    expect(actions.filter((action) => action === "*" || action.endsWith(":*"))).toEqual([]);
  });
});
