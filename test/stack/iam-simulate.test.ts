/**
 * The packaged IAM evaluated request by request (@cloud-copilot/iam-simulate: AWS's evaluation logic and
 * service authorization data, offline), for what it allows by default and with a scoped deployment.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_PARAMS } from "./support/documented-stack.js";
import { HOOK_INVOKE_ROLE } from "./support/iam.js";
import { type CfnTemplate, packageStack, projectRoot } from "./support/package-stack.js";
import { ACCOUNT, decide, decideForRole, REGION } from "./support/simulate.js";

const ecs = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const logStream = (group: string) =>
  `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:app/app/abc`;
const TAG = "aws:ResourceTag/ecs-sentinel:auto-rollback";
const TO_TASKS = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };

const FUNCTIONS = ["TaskState", "DeploymentEvents", "RunJob", "Watchdog", "DeploymentHook"] as const;
const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
const parameter = (path: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${path}`;
const topic = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
const CHATBOT_TOPIC = topic("ops-chat");

/**
 * Jobs in prod only (fixture), prod and stage watched, a bare listed service, task roles app-*, Slack app mode
 * with the bot token in an SSM SecureString (no webhook), and Slack buttons (signing secret in SSM too); the
 * PagerDuty routing key in Secrets Manager, the Teams webhook in SSM, and an Amazon Q Developer topic.
 */
const SCOPED_PARAMS = [
  "watchedClusters=prod,stage",
  "autoRollbackServices=api",
  "passRolePattern=app-*",
  "slackBotTokenSecret=ssm:/ops/slack/bot-token",
  "slackChannel=C0123456789",
  "slackSigningSecret=ssm:/ops/slack/signing-secret",
  "slackApprovers=U0123ABCD",
  "pagerDutyRoutingKeySecret=ops/pagerduty/routing-key",
  "teamsWebhookSecret=ssm:/ops/teams/webhook",
  `chatbotTopicArn=${CHATBOT_TOPIC}`,
  `jobsFile=${join(projectRoot, "test/stack/fixtures/documented-jobs.yml")}`,
];

let minimal: CfnTemplate;
let scoped: CfnTemplate;

beforeAll(async () => {
  minimal = (await packageStack("test", MINIMAL_PARAMS)).template;
  scoped = (await packageStack("test", SCOPED_PARAMS)).template;
}, 600_000);

describe("by default (one watched cluster, no jobs, nothing else set)", () => {
  it("RunTask with no jobs is denied, for any task definition in any cluster", async () => {
    for (const cluster of ["prod", "other"]) {
      const decision = await decide(minimal, "RunJob", {
        action: "ecs:RunTask",
        resource: ecs("task-definition/app-migrate:1"),
        context: { "ecs:cluster": ecs(`cluster/${cluster}`) },
      });
      expect(decision, cluster).toBe("ImplicitlyDenied");
    }
  });

  it("StopTask with no jobs is denied to run-job and the watchdog, even in the watched cluster", async () => {
    for (const fn of ["RunJob", "Watchdog"] as const) {
      const decision = await decide(minimal, fn, {
        action: "ecs:StopTask",
        resource: ecs("task/prod/0123456789abcdef"),
        context: { "ecs:cluster": ecs("cluster/prod") },
      });
      expect(decision, fn).toBe("ImplicitlyDenied");
    }
  });

  it("PassRole of any role is denied without a passRolePattern", async () => {
    for (const fn of ["TaskState", "DeploymentEvents", "RunJob"] as const) {
      const decision = await decide(minimal, fn, {
        action: "iam:PassRole",
        resource: role("app-task"),
        context: TO_TASKS,
      });
      expect(decision, fn).toBe("ImplicitlyDenied");
    }
  });

  it("GetLogEvents on a non-/ecs/ log group is denied by default, and allowed on an /ecs/ one", async () => {
    const read = (group: string) =>
      decide(minimal, "TaskState", { action: "logs:GetLogEvents", resource: logStream(group) });

    expect(await read("/aws/lambda/payments")).toBe("ImplicitlyDenied");
    expect(await read("secrets-audit")).toBe("ImplicitlyDenied");
    expect(await read("/ecs/api")).toBe("Allowed");
  });

  it("UpdateService outside the watched cluster is denied even with the opt-in tag", async () => {
    const decision = await decide(minimal, "DeploymentEvents", {
      action: "ecs:UpdateService",
      resource: ecs("service/other/api"),
      context: { [TAG]: "true" },
    });
    expect(decision).toBe("ImplicitlyDenied");
  });
});

describe("Slack secrets", () => {
  it("by default, no function may read any secret or parameter", async () => {
    for (const fn of FUNCTIONS) {
      const getSecret = await decide(minimal, fn, {
        action: "secretsmanager:GetSecretValue",
        resource: secret("ecs-sentinel/slack-bot-token-AbCdEf"),
      });
      const getParameter = await decide(minimal, fn, {
        action: "ssm:GetParameter",
        resource: parameter("ops/slack/bot-token"),
      });
      expect([getSecret, getParameter], fn).toEqual(["ImplicitlyDenied", "ImplicitlyDenied"]);
    }
  });

  it("with slackBotTokenSecret, every function may read that parameter and nothing beside it", async () => {
    for (const fn of FUNCTIONS) {
      const read = (path: string) =>
        decide(scoped, fn, { action: "ssm:GetParameter", resource: parameter(path) });
      expect(await read("ops/slack/bot-token"), fn).toBe("Allowed");
      expect(await read("ops/slack/bot-token-old"), fn).toBe("ImplicitlyDenied");
      expect(await read("ops/slack/signing-secret"), fn).toBe("ImplicitlyDenied");
      expect(await read("ops/slack"), fn).toBe("ImplicitlyDenied");
      const writeIt = await decide(scoped, fn, {
        action: "ssm:PutParameter",
        resource: parameter("ops/slack/bot-token"),
      });
      expect(writeIt, fn).toBe("ImplicitlyDenied");
      const listAll = await decide(scoped, fn, {
        action: "ssm:GetParametersByPath",
        resource: parameter("ops/slack"),
      });
      expect(listAll, fn).toBe("ImplicitlyDenied");
      const anySecret = await decide(scoped, fn, {
        action: "secretsmanager:GetSecretValue",
        resource: secret("ecs-sentinel/slack-webhook-AbCdEf"),
      });
      expect(anySecret, fn).toBe("ImplicitlyDenied");
    }
  });
});

describe("PagerDuty, Teams and Amazon Q Developer", () => {
  const readSecret = (template: CfnTemplate, fn: (typeof FUNCTIONS)[number] | "SlackActions", name: string) =>
    decide(template, fn, { action: "secretsmanager:GetSecretValue", resource: secret(name) });
  const readParameter = (fn: (typeof FUNCTIONS)[number] | "SlackActions", path: string) =>
    decide(scoped, fn, { action: "ssm:GetParameter", resource: parameter(path) });
  const publish = (template: CfnTemplate, fn: (typeof FUNCTIONS)[number] | "SlackActions", arn: string) =>
    decide(template, fn, { action: "sns:Publish", resource: arn });

  it("by default, no function may read a channel secret or publish to any topic but the stack's", async () => {
    for (const fn of FUNCTIONS) {
      expect(await readSecret(minimal, fn, "ops/pagerduty/routing-key-AbCdEf"), fn).toBe("ImplicitlyDenied");
      expect(await publish(minimal, fn, CHATBOT_TOPIC), fn).toBe("ImplicitlyDenied");
      expect(await publish(minimal, fn, topic("ecs-sentinel-test-notify")), fn).toBe("Allowed");
    }
  });

  it("lets every notifying function read exactly the named routing key and Teams webhook, and no other secret", async () => {
    for (const fn of FUNCTIONS) {
      expect(await readSecret(scoped, fn, "ops/pagerduty/routing-key-AbCdEf"), fn).toBe("Allowed");
      expect(await readSecret(scoped, fn, "ops/pagerduty/routing-key-old-AbCdEf"), fn).toBe(
        "ImplicitlyDenied",
      );
      expect(await readSecret(scoped, fn, "ops/pagerduty/other-AbCdEf"), fn).toBe("ImplicitlyDenied");
      expect(await readParameter(fn, "ops/teams/webhook"), fn).toBe("Allowed");
      expect(await readParameter(fn, "ops/teams/webhook-old"), fn).toBe("ImplicitlyDenied");
      expect(await readParameter(fn, "ops/teams"), fn).toBe("ImplicitlyDenied");
      const writeIt = await decide(scoped, fn, {
        action: "secretsmanager:PutSecretValue",
        resource: secret("ops/pagerduty/routing-key-AbCdEf"),
      });
      expect(writeIt, fn).toBe("ImplicitlyDenied");
    }
  });

  it("lets every notifying function publish to the named Amazon Q Developer topic and to no other topic", async () => {
    for (const fn of FUNCTIONS) {
      expect(await publish(scoped, fn, CHATBOT_TOPIC), fn).toBe("Allowed");
      expect(await publish(scoped, fn, topic("ops-chat-old")), fn).toBe("ImplicitlyDenied");
      expect(await publish(scoped, fn, topic("payments-events")), fn).toBe("ImplicitlyDenied");
      expect(await publish(scoped, fn, `arn:aws:sns:eu-west-1:${ACCOUNT}:ops-chat`), fn).toBe(
        "ImplicitlyDenied",
      );
      const subscribe = await decide(scoped, fn, { action: "sns:Subscribe", resource: CHATBOT_TOPIC });
      expect(subscribe, fn).toBe("ImplicitlyDenied");
    }
  });

  it("gives slackActions neither channel secret nor the Amazon Q Developer topic", async () => {
    expect(await readSecret(scoped, "SlackActions", "ops/pagerduty/routing-key-AbCdEf")).toBe(
      "ImplicitlyDenied",
    );
    expect(await readParameter("SlackActions", "ops/teams/webhook")).toBe("ImplicitlyDenied");
    expect(await publish(scoped, "SlackActions", CHATBOT_TOPIC)).toBe("ImplicitlyDenied");
  });
});

describe("a scoped deployment (jobs in prod, prod and stage watched, autoRollbackServices=api)", () => {
  const runTask = (family: string, cluster: string) =>
    decide(scoped, "RunJob", {
      action: "ecs:RunTask",
      resource: ecs(`task-definition/${family}:7`),
      context: { "ecs:cluster": ecs(`cluster/${cluster}`) },
    });

  it("RunTask of a job's task definition in the job's cluster is allowed", async () => {
    expect(await runTask("app-migrate", "prod")).toBe("Allowed");
  });

  it("RunTask on a cluster not named by jobs is denied, even a watched one", async () => {
    expect(await runTask("app-migrate", "stage")).toBe("ImplicitlyDenied");
    expect(await runTask("app-migrate", "other")).toBe("ImplicitlyDenied");
  });

  it("RunTask of a task definition no job names is denied", async () => {
    expect(await runTask("admin-shell", "prod")).toBe("ImplicitlyDenied");
  });

  it("StopTask outside the jobs' clusters is denied, inside allowed", async () => {
    for (const fn of ["RunJob", "Watchdog"] as const) {
      const stop = (cluster: string) =>
        decide(scoped, fn, {
          action: "ecs:StopTask",
          resource: ecs(`task/${cluster}/0123456789abcdef`),
          context: { "ecs:cluster": ecs(`cluster/${cluster}`) },
        });
      expect(await stop("prod"), fn).toBe("Allowed");
      expect(await stop("stage"), fn).toBe("ImplicitlyDenied");
    }
  });

  it("PassRole of an unrelated role is denied; of a task role matching passRolePattern, only to ECS tasks", async () => {
    for (const fn of ["TaskState", "DeploymentEvents", "RunJob"] as const) {
      const pass = (name: string, context: Record<string, string>) =>
        decide(scoped, fn, { action: "iam:PassRole", resource: role(name), context });
      expect(await pass("admin", TO_TASKS), fn).toBe("ImplicitlyDenied");
      expect(await pass("app-migrate-task", TO_TASKS), fn).toBe("Allowed");
      expect(await pass("app-migrate-task", { "iam:PassedToService": "lambda.amazonaws.com" }), fn).toBe(
        "ImplicitlyDenied",
      );
    }
    expect(
      await decide(scoped, "Watchdog", {
        action: "iam:PassRole",
        resource: role("app-task"),
        context: TO_TASKS,
      }),
    ).toBe("ImplicitlyDenied");
  });

  it("UpdateService on an untagged, unlisted service is denied", async () => {
    for (const fn of ["TaskState", "DeploymentEvents"] as const) {
      const decision = await decide(scoped, fn, {
        action: "ecs:UpdateService",
        resource: ecs("service/prod/web"),
      });
      expect(decision, fn).toBe("ImplicitlyDenied");
    }
  });

  it("UpdateService on a watched service tagged auto-rollback=true is allowed", async () => {
    const decision = await decide(scoped, "DeploymentEvents", {
      action: "ecs:UpdateService",
      resource: ecs("service/stage/web"),
      context: { [TAG]: "true" },
    });
    expect(decision).toBe("Allowed");
  });

  it("a bare autoRollbackServices name is allowed in each watched cluster and denied outside them", async () => {
    const update = (cluster: string) =>
      decide(scoped, "DeploymentEvents", {
        action: "ecs:UpdateService",
        resource: ecs(`service/${cluster}/api`),
      });

    expect(await update("prod")).toBe("Allowed");
    expect(await update("stage")).toBe("Allowed");
    expect(await update("other")).toBe("ImplicitlyDenied");
  });

  it("a listed service tagged auto-rollback=false is denied", async () => {
    const decision = await decide(scoped, "TaskState", {
      action: "ecs:UpdateService",
      resource: ecs("service/prod/api"),
      context: { [TAG]: "false" },
    });
    expect(decision).toBe("ImplicitlyDenied");
  });
});

describe("ecs-sentinel:auto-rollback=manual (never automatically, the Slack button only)", () => {
  const update = (fn: "TaskState" | "DeploymentEvents" | "SlackActions", service: string, tag?: string) =>
    decide(scoped, fn, {
      action: "ecs:UpdateService",
      resource: ecs(`service/${service}`),
      context: tag === undefined ? {} : { [TAG]: tag },
    });

  it("denies the automatic functions UpdateService on a service tagged manual", async () => {
    for (const fn of ["TaskState", "DeploymentEvents"] as const) {
      expect(await update(fn, "prod/web", "manual"), fn).toBe("ImplicitlyDenied");
    }
  });

  it("denies the automatic functions a listed service tagged manual", async () => {
    for (const fn of ["TaskState", "DeploymentEvents"] as const) {
      expect(await update(fn, "prod/api", "manual"), fn).toBe("ImplicitlyDenied");
      expect(await update(fn, "prod/api"), fn).toBe("Allowed");
    }
  });
});

describe("slackActions (Slack buttons)", () => {
  const update = (service: string, tag?: string) =>
    decide(scoped, "SlackActions", {
      action: "ecs:UpdateService",
      resource: ecs(`service/${service}`),
      context: tag === undefined ? {} : { [TAG]: tag },
    });

  it("may UpdateService a watched service tagged manual or true", async () => {
    expect(await update("prod/web", "manual")).toBe("Allowed");
    expect(await update("stage/web", "true")).toBe("Allowed");
  });

  it("may not UpdateService a service tagged false, untagged, only listed, or in another cluster", async () => {
    expect(await update("prod/web", "false")).toBe("ImplicitlyDenied");
    expect(await update("prod/web")).toBe("ImplicitlyDenied");
    expect(await update("prod/api")).toBe("ImplicitlyDenied");
    expect(await update("other/web", "manual")).toBe("ImplicitlyDenied");
  });

  it("may stop a deployment of a service tagged manual, not of an untagged one", async () => {
    const stop = (tag?: string) =>
      decide(scoped, "SlackActions", {
        action: "ecs:StopServiceDeployment",
        resource: ecs("service/prod/web"),
        context: tag === undefined ? {} : { [TAG]: tag },
      });

    expect(await stop("manual")).toBe("Allowed");
    expect(await stop()).toBe("ImplicitlyDenied");
  });

  it("may continue or roll back a paused deployment of a service tagged manual or true, and of no other", async () => {
    const continueOn = (resource: string, tag?: string) =>
      decide(scoped, "SlackActions", {
        action: "ecs:ContinueServiceDeployment",
        resource: ecs(resource),
        context: tag === undefined ? {} : { [TAG]: tag },
      });

    expect(await continueOn("service/prod/web", "manual")).toBe("Allowed");
    expect(await continueOn("service/stage/web", "true")).toBe("Allowed");
    expect(await continueOn("service-deployment/prod/web/0EYSiB0qap8xf0N76FsbE")).toBe("Allowed");
    expect(await continueOn("service/prod/web")).toBe("ImplicitlyDenied");
    expect(await continueOn("service/prod/web", "false")).toBe("ImplicitlyDenied");
    expect(await continueOn("service/other/web", "manual")).toBe("ImplicitlyDenied");
    expect(await continueOn("service-deployment/other/web/0EYSiB0qap8xf0N76FsbE")).toBe("ImplicitlyDenied");
  });

  it("gives no automatic function ContinueServiceDeployment: only a person's click continues a pause", async () => {
    for (const fn of ["TaskState", "DeploymentEvents", "DeploymentHook"] as const) {
      const decision = await decide(scoped, fn, {
        action: "ecs:ContinueServiceDeployment",
        resource: ecs("service/prod/web"),
        context: { [TAG]: "true" },
      });
      expect(decision, fn).toBe("ImplicitlyDenied");
    }
  });

  it("may invoke itself and no other function", async () => {
    const invoke = (name: string) =>
      decide(scoped, "SlackActions", {
        action: "lambda:InvokeFunction",
        resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
      });

    expect(await invoke("ecs-sentinel-test-slackActions")).toBe("Allowed");
    expect(await invoke("ecs-sentinel-test-runJob")).toBe("ImplicitlyDenied");
    expect(await invoke("ecs-sentinel-prod-slackActions")).toBe("ImplicitlyDenied");
  });

  it("reads its signing secret and bot token, and not the neighbouring parameters", async () => {
    const read = (path: string) =>
      decide(scoped, "SlackActions", { action: "ssm:GetParameter", resource: parameter(path) });

    expect(await read("ops/slack/signing-secret")).toBe("Allowed");
    expect(await read("ops/slack/bot-token")).toBe("Allowed");
    expect(await read("ops/slack/signing-secret-old")).toBe("ImplicitlyDenied");
    expect(await read("ops/slack")).toBe("ImplicitlyDenied");
  });

  it("re-runs a job's task definition in the job's cluster only, and passes only the app-* roles to ECS tasks", async () => {
    const runTask = (family: string, cluster: string) =>
      decide(scoped, "SlackActions", {
        action: "ecs:RunTask",
        resource: ecs(`task-definition/${family}:7`),
        context: { "ecs:cluster": ecs(`cluster/${cluster}`) },
      });
    const pass = (name: string) =>
      decide(scoped, "SlackActions", { action: "iam:PassRole", resource: role(name), context: TO_TASKS });

    expect(await runTask("app-migrate", "prod")).toBe("Allowed");
    expect(await runTask("app-migrate", "stage")).toBe("ImplicitlyDenied");
    expect(await runTask("admin-shell", "prod")).toBe("ImplicitlyDenied");
    expect(await pass("app-migrate-task")).toBe("Allowed");
    expect(await pass("admin")).toBe("ImplicitlyDenied");
  });
});

describe("deploymentHook (ECS deployment lifecycle hook)", () => {
  const describeTasks = (template: CfnTemplate, cluster: string) =>
    decide(template, "DeploymentHook", {
      action: "ecs:DescribeTasks",
      resource: ecs(`task/${cluster}/0123456789abcdef`),
      context: { "ecs:cluster": ecs(`cluster/${cluster}`) },
    });
  const listTasks = (cluster: string) =>
    decide(scoped, "DeploymentHook", {
      action: "ecs:ListTasks",
      resource: ecs("container-instance/prod/0123456789abcdef"),
      context: { "ecs:cluster": ecs(`cluster/${cluster}`) },
    });

  it("may DescribeTasks in a watched cluster and not in another", async () => {
    expect(await describeTasks(minimal, "prod")).toBe("Allowed");
    expect(await describeTasks(minimal, "other")).toBe("ImplicitlyDenied");
    expect(await describeTasks(scoped, "stage")).toBe("Allowed");
    expect(await describeTasks(scoped, "other")).toBe("ImplicitlyDenied");
  });

  it("may ListTasks only with a watched cluster", async () => {
    expect(await listTasks("prod")).toBe("Allowed");
    expect(await listTasks("other")).toBe("ImplicitlyDenied");
  });

  it("may read the target revision and its deployment in a watched cluster, not in another", async () => {
    const read = (action: string, resource: string) => decide(scoped, "DeploymentHook", { action, resource });

    expect(
      await read("ecs:DescribeServiceRevisions", ecs("service-revision/prod/api/4980306466373577095")),
    ).toBe("Allowed");
    expect(await read("ecs:DescribeServiceDeployments", ecs("service-deployment/prod/api/r9vGvJ6x"))).toBe(
      "Allowed",
    );
    expect(await read("ecs:DescribeServices", ecs("service/stage/web"))).toBe("Allowed");
    expect(
      await read("ecs:DescribeServiceRevisions", ecs("service-revision/other/api/4980306466373577095")),
    ).toBe("ImplicitlyDenied");
    expect(await read("ecs:DescribeServices", ecs("service/other/web"))).toBe("ImplicitlyDenied");
  });

  it("may not UpdateService, StopTask or stop a deployment, even of a watched service tagged auto-rollback=true", async () => {
    const call = (action: string, resource: string) =>
      decide(scoped, "DeploymentHook", {
        action,
        resource,
        context: { [TAG]: "true", "ecs:cluster": ecs("cluster/prod") },
      });

    expect(await call("ecs:UpdateService", ecs("service/prod/api"))).toBe("ImplicitlyDenied");
    expect(await call("ecs:StopServiceDeployment", ecs("service/prod/api"))).toBe("ImplicitlyDenied");
    expect(await call("ecs:StopTask", ecs("task/prod/0123456789abcdef"))).toBe("ImplicitlyDenied");
    expect(await call("ecs:RunTask", ecs("task-definition/app-migrate:7"))).toBe("ImplicitlyDenied");
  });

  it("may not pass any role, nor invoke a function", async () => {
    expect(
      await decide(scoped, "DeploymentHook", {
        action: "iam:PassRole",
        resource: role("app-task"),
        context: TO_TASKS,
      }),
    ).toBe("ImplicitlyDenied");
    expect(
      await decide(scoped, "DeploymentHook", {
        action: "lambda:InvokeFunction",
        resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-sentinel-test-deploymentHook`,
      }),
    ).toBe("ImplicitlyDenied");
  });
});

describe("the role ECS assumes to invoke the hook", () => {
  const invoke = (name: string) =>
    decideForRole(minimal, HOOK_INVOKE_ROLE, {
      action: "lambda:InvokeFunction",
      resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    });

  it("may invoke the hook, unqualified or by version or alias", async () => {
    expect(await invoke("ecs-sentinel-test-deploymentHook")).toBe("Allowed");
    expect(await invoke("ecs-sentinel-test-deploymentHook:7")).toBe("Allowed");
    expect(await invoke("ecs-sentinel-test-deploymentHook:live")).toBe("Allowed");
  });

  it("may invoke only the hook: no other function of the stack, of another stage, or of the account", async () => {
    expect(await invoke("ecs-sentinel-test-taskState")).toBe("ImplicitlyDenied");
    expect(await invoke("ecs-sentinel-test-runJob")).toBe("ImplicitlyDenied");
    expect(await invoke("ecs-sentinel-prod-deploymentHook")).toBe("ImplicitlyDenied");
    expect(await invoke("ecs-sentinel-test-deploymentHookCopy")).toBe("ImplicitlyDenied");
    expect(await invoke("payments-api")).toBe("ImplicitlyDenied");
  });

  it("may do nothing but invoke: no other Lambda, ECS or IAM action", async () => {
    const hook = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ecs-sentinel-test-deploymentHook`;
    const decideOn = (action: string, resource: string) =>
      decideForRole(minimal, HOOK_INVOKE_ROLE, { action, resource });

    expect(await decideOn("lambda:UpdateFunctionCode", hook)).toBe("ImplicitlyDenied");
    expect(await decideOn("lambda:GetFunction", hook)).toBe("ImplicitlyDenied");
    expect(await decideOn("ecs:DescribeServices", ecs("service/prod/api"))).toBe("ImplicitlyDenied");
    expect(await decideOn("iam:PassRole", role("app-task"))).toBe("ImplicitlyDenied");
  });
});
