/**
 * Packages the real stack with osls (offline, no credentials) and checks the CloudFormation it produces:
 * least-privilege roles, the state table and topic, failure handling, and the EventBridge patterns.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import {
  type CfnResource,
  type CfnTemplate,
  type PackagedStack,
  packageStack,
  resourcesOfType,
} from "./support/package-stack.js";

const FUNCTIONS = ["TaskState", "DeploymentEvents", "RunJob", "Watchdog"] as const;
/** Variables the stack sets for a library, not for ecs-sentinel's own code. */
const READ_BY_LIBRARIES = new Set([
  "POWERTOOLS_SERVICE_NAME", // Powertools Logger and Metrics
  "AWS_NODEJS_CONNECTION_REUSE_ENABLED", // the AWS SDK
  "NODE_OPTIONS", // Node
]);

/** Every TypeScript file under `dir`, concatenated. */
function sourceText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => readFileSync(join(dir, file), "utf8"))
    .join("\n");
}
const DLQ_ARN = { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] };
/** A bundled function (SDK clients included) stays well under this; a runaway dependency would not. */
const ARTIFACT_BUDGET_BYTES = 1024 * 1024;

/** Actions that may use Resource "*", and why AWS leaves no narrower choice. */
const STAR_RESOURCE_ALLOWED: Record<string, string> = {
  "ecs:DescribeTaskDefinition": "supports no resource-level permissions (service authorization reference)",
  "ecs:ListTasks":
    "authorised against container instances, which Fargate tasks lack; scoped by an ecs:cluster condition instead",
};

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function roleStatements(role: CfnResource): Statement[] {
  const policies = (role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

function allIamStatements(template: CfnTemplate): Array<{ owner: string; statement: Statement }> {
  const fromRoles = resourcesOfType(template, "AWS::IAM::Role").flatMap(([owner, role]) =>
    roleStatements(role).map((statement) => ({ owner, statement })),
  );
  const fromPolicies = [
    ...resourcesOfType(template, "AWS::IAM::Policy"),
    ...resourcesOfType(template, "AWS::IAM::ManagedPolicy"),
  ].flatMap(([owner, policy]) =>
    (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
      owner,
      statement,
    })),
  );
  return [...fromRoles, ...fromPolicies];
}

const functionRoleId = (template: CfnTemplate, fn: string): string => {
  const role = template.Resources[`${fn}LambdaFunction`]?.Properties.Role as {
    "Fn::GetAtt": [string, string];
  };
  return role["Fn::GetAtt"][0];
};

const eventRules = (template: CfnTemplate) => resourcesOfType(template, "AWS::Events::Rule");
const patternOf = (rule: CfnResource) => rule.Properties.EventPattern as Record<string, unknown>;

let stack: PackagedStack;
let watched: PackagedStack;

beforeAll(async () => {
  // In turn, not in parallel: two esbuild runs at once only compete for this machine's two cores.
  stack = await packageStack("test", MINIMAL_PARAMS);
  watched = await packageStack("test", [
    "watchedClusters=prod,stage",
    "alertEmail=ops@example.com",
    "jobsFile=none",
  ]);
  console.info(
    `osls package: ${Math.round(stack.elapsedMs)} ms; artifacts (bytes): ${JSON.stringify(stack.artifactBytes)}`,
  );
}, 600_000);

describe("functions", () => {
  it("runs every function on nodejs22.x on arm64", () => {
    for (const fn of FUNCTIONS) {
      const props = stack.template.Resources[`${fn}LambdaFunction`]?.Properties;
      expect(props?.Runtime, fn).toBe("nodejs22.x");
      expect(props?.Architectures, fn).toEqual(["arm64"]);
    }
  });

  it("gives every function its own role and leaves osls's unused default role out of the template", () => {
    const roles = FUNCTIONS.map((fn) => functionRoleId(stack.template, fn));

    expect(new Set(roles).size).toBe(FUNCTIONS.length);
    for (const role of roles) expect(stack.template.Resources[role]?.Type).toBe("AWS::IAM::Role");
    expect(stack.template.Resources).not.toHaveProperty("IamRoleLambdaExecution");
    expect(JSON.stringify(stack.template)).not.toContain('"IamRoleLambdaExecution"');
  });

  it("points every function at the state table and topic through overridable references", () => {
    for (const fn of FUNCTIONS) {
      const props = stack.template.Resources[`${fn}LambdaFunction`]?.Properties ?? {};
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.STATE_TABLE, fn).toEqual({ Ref: "StateTable" });
      expect(env.NOTIFY_TOPIC_ARN, fn).toEqual({ Ref: "NotifyTopic" });
      expect(env, fn).toHaveProperty("SLACK_WEBHOOK_URL_FROM");
      expect(env, fn).toHaveProperty("SLACK_BOT_TOKEN_FROM");
      expect(env, fn).toHaveProperty("SLACK_CHANNEL");
      expect(env.DRY_RUN, fn).toBe("false");
    }
  });

  it("sets no environment variable that neither the code nor a library it uses reads", () => {
    const source = sourceText(join(import.meta.dirname, "../../src"));
    const variables = resourcesOfType(stack.template, "AWS::Lambda::Function").flatMap(([, fn]) =>
      Object.keys((fn.Properties.Environment as { Variables?: object } | undefined)?.Variables ?? {}),
    );
    const unread = [...new Set(variables)].filter(
      (name) => !READ_BY_LIBRARIES.has(name) && !new RegExp(`\\b${name}\\b`).test(source),
    );

    expect(variables.length).toBeGreaterThan(0);
    expect(unread).toEqual([]);
  });

  it("gives every function the PagerDuty, Teams and Amazon Q Developer settings: empty, at their default severities, when off", () => {
    for (const fn of FUNCTIONS) {
      const props = stack.template.Resources[`${fn}LambdaFunction`]?.Properties ?? {};
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env, fn).toMatchObject({
        PAGERDUTY_ROUTING_KEY_FROM: "",
        PAGERDUTY_MIN_SEVERITY: "critical",
        TEAMS_WEBHOOK_URL_FROM: "",
        TEAMS_MIN_SEVERITY: "warning",
        CHATBOT_TOPIC_ARN: "",
        CHATBOT_MIN_SEVERITY: "warning",
      });
      expect(env, fn).not.toHaveProperty("PAGERDUTY_EVENTS_URL");
    }
  });

  it("sends every function's failed async invocations to the dead-letter queue after two retries, within their max age", () => {
    const configs = resourcesOfType(stack.template, "AWS::Lambda::EventInvokeConfig");
    // Events are worth an hour of retries; a watchdog run is stale once the next one (5 minutes later) starts.
    const maxAgeSeconds: Record<(typeof FUNCTIONS)[number], number> = {
      TaskState: 3600,
      DeploymentEvents: 3600,
      RunJob: 3600,
      Watchdog: 600,
    };

    for (const fn of FUNCTIONS) {
      const config = configs.find(
        ([, c]) => (c.Properties.FunctionName as { Ref: string }).Ref === `${fn}LambdaFunction`,
      );
      expect(config, fn).toBeDefined();
      expect(config?.[1].Properties.DestinationConfig, fn).toEqual({ OnFailure: { Destination: DLQ_ARN } });
      expect(config?.[1].Properties.MaximumRetryAttempts, fn).toBe(2);
      expect(config?.[1].Properties.MaximumEventAgeInSeconds, fn).toBe(maxAgeSeconds[fn]);
    }
  });

  it("gives the deployment hook no async retries or dead letters: ECS invokes it synchronously", () => {
    const configs = resourcesOfType(stack.template, "AWS::Lambda::EventInvokeConfig");

    const hookConfig = configs.find(
      ([, c]) => (c.Properties.FunctionName as { Ref: string }).Ref === "DeploymentHookLambdaFunction",
    );

    expect(stack.template.Resources.DeploymentHookLambdaFunction).toBeDefined();
    expect(hookConfig).toBeUndefined();
  });

  it("keeps every zipped artifact a bundled .mjs under the size budget", () => {
    const handlerFiles = {
      taskState: "src/handlers/task-state.mjs",
      deploymentEvents: "src/handlers/deployment-events.mjs",
      runJob: "src/handlers/run-job.mjs",
      watchdog: "src/handlers/watchdog.mjs",
    };
    for (const [name, file] of Object.entries(handlerFiles)) {
      expect(stack.artifactBytes[name], name).toBeLessThan(ARTIFACT_BUDGET_BYTES);
      // A zip names its entries in plain text in its central directory.
      expect(stack.artifacts[name]?.includes(file), name).toBe(true);
    }
  });
});

describe("IAM", () => {
  it("grants no wildcard actions", () => {
    const wildcard = allIamStatements(stack.template).filter(({ statement }) =>
      asArray(statement.Action).some((action) => action === "*" || action.endsWith(":*")),
    );

    expect(wildcard).toEqual([]);
  });

  it("uses Resource * only for actions AWS cannot scope, and scopes ListTasks by cluster", () => {
    const starred = allIamStatements(stack.template).filter(({ statement }) =>
      asArray(statement.Resource).includes("*"),
    );

    for (const { owner, statement } of starred) {
      for (const action of asArray(statement.Action)) {
        expect(Object.keys(STAR_RESOURCE_ALLOWED), `${owner}: ${action}`).toContain(action);
      }
      if (asArray(statement.Action).includes("ecs:ListTasks")) {
        expect(statement.Condition?.ArnLike?.["ecs:cluster"], owner).toBeDefined();
      }
    }
  });

  it("allows UpdateService and StopServiceDeployment on services only with the auto-rollback tag", () => {
    const writes = allIamStatements(stack.template).filter(({ statement }) =>
      asArray(statement.Action).some((a) => a === "ecs:UpdateService" || a === "ecs:StopServiceDeployment"),
    );
    expect(writes.length).toBeGreaterThan(0);

    for (const { owner, statement } of writes) {
      const resources = JSON.stringify(statement.Resource);
      const onServices =
        asArray(statement.Action).includes("ecs:UpdateService") || /:service\//.test(resources);
      if (onServices) {
        expect(statement.Condition, owner).toEqual({
          StringEquals: { "aws:ResourceTag/ecs-sentinel:auto-rollback": "true" },
        });
      } else {
        // StopServiceDeployment is also authorised on the (untagged) service-deployment: that half may
        // only name service deployments, the tagged-service half above gates the call.
        expect(statement.Action, owner).toEqual(["ecs:StopServiceDeployment"]);
        expect(resources, owner).toMatch(/:service-deployment\//);
      }
    }
    // deploymentEvents rolls back failed deployments; taskState's crash-loop hook rolls back crash loops.
    const rollingBack = ["DeploymentEvents", "TaskState"];
    expect(writes.map(({ owner }) => owner)).toEqual(
      expect.arrayContaining(rollingBack.map((fn) => functionRoleId(stack.template, fn))),
    );
    const otherRoles = FUNCTIONS.filter((fn) => !rollingBack.includes(fn)).map((fn) =>
      functionRoleId(stack.template, fn),
    );
    for (const { owner } of writes) expect(otherRoles).not.toContain(owner);
  });
});

describe("state table and topic", () => {
  it("defines the state table: pk/sk, on demand, TTL on expiresAt, point-in-time recovery, encrypted", () => {
    const table = stack.template.Resources.StateTable?.Properties;

    expect(table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(table?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table?.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(table?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table?.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table?.TableName).toBe("ecs-sentinel-test-state");
  });

  it("defines a KMS-encrypted topic and outputs the table name and topic ARN", () => {
    const topic = stack.template.Resources.NotifyTopic;

    expect(topic?.Type).toBe("AWS::SNS::Topic");
    expect(topic?.Properties.KmsMasterKeyId).toEqual({ Ref: "NotifyTopicKey" });
    expect(stack.template.Outputs).toHaveProperty("StateTableName");
    expect(stack.template.Outputs).toHaveProperty("NotifyTopicArn");
  });

  it("subscribes the alert email only when one is given", () => {
    const subscription = stack.template.Resources.AlertEmailSubscription;

    expect(subscription?.Condition).toBe("HasAlertEmail");
    expect(stack.template.Conditions?.HasAlertEmail).toEqual({ "Fn::Not": [{ "Fn::Equals": ["", ""] }] });
    expect(watched.template.Conditions?.HasAlertEmail).toEqual({
      "Fn::Not": [{ "Fn::Equals": ["ops@example.com", ""] }],
    });
    expect(watched.template.Resources.AlertEmailSubscription?.Properties.Endpoint).toBe("ops@example.com");
  });
});

describe("failure handling", () => {
  it("gives every EventBridge rule target a retry policy and the dead-letter queue", () => {
    const targets = eventRules(stack.template).flatMap(
      ([, rule]) => rule.Properties.Targets as Array<Record<string, unknown>>,
    );
    expect(targets.length).toBeGreaterThan(0);

    for (const target of targets) {
      expect(target.DeadLetterConfig).toEqual({ Arn: DLQ_ARN });
      // custom.ruleRetryPolicy: EventBridge retries a throttled or failing Lambda delivery for up to an hour.
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 });
    }
  });

  it("gives every Scheduler target a retry policy and the dead-letter queue, which its role may write to", () => {
    const schedules = resourcesOfType(stack.template, "AWS::Scheduler::Schedule");
    expect(schedules.length).toBeGreaterThan(0);

    for (const [, schedule] of schedules) {
      const target = schedule.Properties.Target as Record<string, unknown>;
      expect(target.DeadLetterConfig).toEqual({ Arn: DLQ_ARN });
      expect(target.RetryPolicy).toEqual(
        expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
      );
      const roleId = (target.RoleArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const role = stack.template.Resources[roleId];
      expect(role && roleStatements(role)).toContainEqual(
        expect.objectContaining({ Action: "sqs:SendMessage", Resource: DLQ_ARN }),
      );
    }
  });

  it("packages without a jobs file: no job schedules, only the watchdog's", () => {
    const names = resourcesOfType(stack.template, "AWS::Scheduler::Schedule").map(([id]) => id);

    expect(names).toEqual(["WatchdogSchedule"]);
  });

  it("runs the watchdog every 5 minutes", () => {
    expect(stack.template.Resources.WatchdogSchedule?.Properties.ScheduleExpression).toBe("rate(5 minutes)");
  });

  it("keeps dead letters 14 days, encrypted, writable only by this stack's rules", () => {
    const queue = stack.template.Resources.DeadLetterQueue?.Properties;
    const policy = stack.template.Resources.DeadLetterQueuePolicy?.Properties.PolicyDocument as {
      Statement: Array<Statement & { Principal: unknown }>;
    };

    expect(queue?.MessageRetentionPeriod).toBe(1_209_600);
    expect(queue?.SqsManagedSseEnabled).toBe(true);
    for (const statement of policy.Statement) {
      expect(statement.Principal).toEqual({ Service: "events.amazonaws.com" });
      expect(JSON.stringify(statement.Condition?.ArnLike?.["aws:SourceArn"])).toContain(
        ":rule/ecs-sentinel-test-",
      );
    }
  });

  it("alarms to the topic as soon as a message is in the dead-letter queue", () => {
    const alarm = stack.template.Resources.DeadLetterQueueAlarm?.Properties;

    expect(alarm?.MetricName).toBe("ApproximateNumberOfMessagesVisible");
    expect(alarm?.Namespace).toBe("AWS/SQS");
    expect(alarm?.Threshold).toBe(0);
    expect(alarm?.ComparisonOperator).toBe("GreaterThanThreshold");
    expect(alarm?.AlarmActions).toEqual([{ Ref: "NotifyTopic" }]);
  });
});

describe("event patterns", () => {
  const detailOf = (template: CfnTemplate) =>
    eventRules(template).map(([, rule]) => patternOf(rule).detail as Record<string, unknown> | undefined);

  it("routes stopped tasks and the Spot interruption notice to taskState", () => {
    const details = detailOf(stack.template);

    expect(details).toContainEqual(expect.objectContaining({ lastStatus: ["STOPPED"] }));
    expect(details).toContainEqual(
      expect.objectContaining({
        lastStatus: ["RUNNING"],
        desiredStatus: ["STOPPED"],
        stopCode: ["SpotInterruption", "TerminationNotice"],
      }),
    );
  });

  it("routes deployment state changes and service actions", () => {
    const detailTypes = eventRules(stack.template).flatMap(
      ([, rule]) => patternOf(rule)["detail-type"] as string[],
    );

    expect(detailTypes).toEqual(
      expect.arrayContaining(["ECS Task State Change", "ECS Deployment State Change", "ECS Service Action"]),
    );
  });

  it("filters every rule on the watched clusters when clusters are given", () => {
    const rules = eventRules(watched.template);
    expect(rules.length).toBe(5);

    for (const [name, rule] of rules) {
      const pattern = JSON.stringify(patternOf(rule));
      expect(pattern, name).toMatch(/(cluster|service)\/prod/);
      expect(pattern, name).toMatch(/(cluster|service)\/stage/);
    }
  });
});
