"use strict";
/**
 * Builds the parts of serverless.yml that depend on deployment parameters: EventBridge patterns
 * (filtered on the watched clusters) and each function's IAM statements.
 *
 * The builders are pure functions of a `StackParams` object (infra/stack-params.cjs) so unit tests can call
 * them directly; `serverless.*` wraps them for `${file(./infra/stack-config.cjs):serverless.NAME}`, which osls
 * calls with its CLI options and resolvers (infra/stack-inputs.cjs reads and validates the parameters).
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
const {
  CLUSTER_ARN,
  InvalidStackParameterError,
  PARAMETER_NAMES,
  parseList,
  stackParams,
  TASK_DEFINITION_ARN,
  TASK_DEFINITION_FAMILY,
  TUNING_DEFAULTS,
} = require("./stack-params.cjs");

const {
  deploymentPattern,
  hookStatePattern,
  spotNoticePattern,
  taskStoppedPattern,
} = require("./event-patterns.cjs");

const AUTO_ROLLBACK_TAG = "ecs-sentinel:auto-rollback";

const {
  allow,
  clusterScope,
  ecsArn,
  readSecretStatement,
  serviceArns,
  serviceDeploymentArns,
  serviceRevisionArns,
  sub,
} = require("./iam-parts.cjs");
// Hub mode: sts:AssumeRole of the member role, for every function (none in a single-account stack).
const { memberRoleStatements } = require("./hub.cjs");

// ---------------------------------------------------------------- IAM statements

/**
 * The configured secrets of the notifying functions, each read by exactly its name (none unset): the Slack
 * webhook URL (SLACK_WEBHOOK_URL_FROM) and bot token (SLACK_BOT_TOKEN_FROM), the PagerDuty routing key
 * (PAGERDUTY_ROUTING_KEY_FROM) and the Teams Workflows webhook URL (TEAMS_WEBHOOK_URL_FROM).
 * `withWebhook: false` for a function that never posts through the Slack webhook, `withChannels: false` for one
 * that never notifies PagerDuty, Teams or Amazon Q Developer (slackActions: its messages go to Slack only).
 */
function secretStatements(params, { withWebhook = true, withChannels = true } = {}) {
  return [
    ["ReadSlackWebhookSecret", withWebhook ? params.slackWebhookSecret : ""],
    ["ReadSlackBotTokenSecret", params.slackBotTokenSecret],
    ["ReadPagerDutyRoutingKeySecret", withChannels ? params.pagerDutyRoutingKeySecret : ""],
    ["ReadTeamsWebhookSecret", withChannels ? params.teamsWebhookSecret : ""],
  ]
    .filter(([, name]) => name !== "")
    .map(([sid, name]) => readSecretStatement(sid, name));
}

/**
 * sns:Publish on exactly the topic Amazon Q Developer subscribes to (CHATBOT_TOPIC_ARN); nothing without one.
 * No KMS grant: the topic belongs to the deployer, its key is not a parameter and cannot be scoped. A topic
 * under no key or under the AWS managed key alias/aws/sns (whose key policy lets the account's principals use
 * it through SNS) needs none; a customer managed key's policy must allow the function roles (docs/security.md).
 */
function chatbotTopicStatements(params, { withChannels = true } = {}) {
  if (!withChannels || params.chatbotTopicArn === "") return [];
  return [allow("PublishToChatbotTopic", ["sns:Publish"], [params.chatbotTopicArn])];
}

/**
 * What every function's stores call: de-duplication and throttling (notifications), job runs, crash-loop
 * counts and rollback claims. TransactWriteItems (a job run and its task pointer) is authorised as the
 * PutItem of each item. The table has no index, so the table ARN is the only resource.
 */
const STATE_TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
];

/**
 * What every function needs: the state table, the notification topic (and its key), the DLQ, the notification
 * secrets and the Amazon Q Developer topic. `withDeadLetterQueue: false` for a function only ever invoked
 * synchronously (deploymentHook): no destination. `withWebhook` / `withChannels`: see secretStatements.
 */
function commonStatements(
  params,
  extraTableActions = [],
  { withDeadLetterQueue = true, ...secretOptions } = {},
) {
  return [
    allow(
      "StateTableReadWrite",
      [...STATE_TABLE_ACTIONS, ...extraTableActions],
      [{ "Fn::GetAtt": ["StateTable", "Arn"] }],
    ),
    allow("PublishNotifications", ["sns:Publish"], [{ Ref: "NotifyTopic" }]),
    // Publishing to a KMS-encrypted topic needs the publisher to use the topic's key.
    allow(
      "UseNotifyTopicKey",
      ["kms:GenerateDataKey", "kms:Decrypt"],
      [{ "Fn::GetAtt": ["NotifyTopicKey", "Arn"] }],
    ),
    // Lambda's on-failure destination sends with the function's own role.
    ...(withDeadLetterQueue
      ? [allow("SendToDeadLetterQueue", ["sqs:SendMessage"], [{ "Fn::GetAtt": ["DeadLetterQueue", "Arn"] }])]
      : []),
    ...secretStatements(params, secretOptions),
    ...chatbotTopicStatements(params, secretOptions),
  ];
}

/** DescribeTaskDefinition supports no resource-level permissions: `*` is the only accepted resource. */
const describeTaskDefinition = () => allow("DescribeTaskDefinitions", ["ecs:DescribeTaskDefinition"], ["*"]);

/**
 * The log tail reads the container's awslogs group in the task definition's `awslogs-region`, which may
 * differ from the stack's: the stack's region plus `logRegions` (or any region for `*`). GetLogEvents is
 * authorised on the log stream only.
 */
function taskLogStatements(params) {
  const regions = params.logRegions.includes("*") ? ["*"] : [`\${AWS::Region}`, ...params.logRegions];
  return [
    allow(
      "ReadTaskLogs",
      ["logs:GetLogEvents"],
      regions.flatMap((region) =>
        params.logGroupPatterns.map((group) =>
          sub(`arn:\${AWS::Partition}:logs:${region}:\${AWS::AccountId}:log-group:${group}:log-stream:*`),
        ),
      ),
    ),
  ];
}

/** Reads behind the deployment review, alert context, routing tags and the rollback policy's inputs. */
function serviceReadStatements(params) {
  return [
    allow(
      "ReadWatchedServices",
      ["ecs:DescribeServices", "ecs:ListTagsForResource", "ecs:ListServiceDeployments"],
      serviceArns(params),
    ),
    allow(
      "ReadServiceDeployments",
      ["ecs:DescribeServiceDeployments"],
      [...serviceArns(params), ...serviceDeploymentArns(params)],
    ),
    allow(
      "ReadServiceRevisions",
      ["ecs:DescribeServiceRevisions"],
      [...serviceArns(params), ...serviceRevisionArns(params)],
    ),
  ];
}

/**
 * `service/CLUSTER/SERVICE` paths of the listed services: a bare name in each watched cluster (stackParams
 * refuses bare names when every cluster is watched, so a bare name never matches in any cluster).
 */
function listedServicePaths(params) {
  const paths = params.autoRollbackServices.flatMap(({ cluster, service }) =>
    (cluster === undefined ? clusterScope(params) : [cluster]).map((inCluster) => `${inCluster}/${service}`),
  );
  return [...new Set(paths)];
}

const passRoleResources = (params) =>
  params.passRolePatterns.map((pattern) =>
    sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${pattern}`),
  );

/** iam:PassRole of task and execution roles to ECS tasks, on the passRolePattern roles; none without one. */
function passRoleStatements(sid, params) {
  if (params.passRolePatterns.length === 0) return [];
  return [
    allow(sid, ["iam:PassRole"], passRoleResources(params), {
      StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    }),
  ];
}

/**
 * The service half of a rollback (UpdateService, StopServiceDeployment) on watched services whose opt-in tag
 * is one of `values`: `true` for the automatic functions, `true` or `manual` for the Slack buttons.
 */
const rollBackTaggedServices = (params, values) =>
  allow("RollBackTaggedServices", ["ecs:UpdateService", "ecs:StopServiceDeployment"], serviceArns(params), {
    StringEquals: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: values.length === 1 ? values[0] : values },
  });

/**
 * The deployment half of StopServiceDeployment, which is authorised against both the service and the
 * service-deployment: deployments of watched services only, granting nothing without the service half.
 */
const stopDeploymentsOfRollbackServices = (params) =>
  allow("StopDeploymentsOfRollbackServices", ["ecs:StopServiceDeployment"], serviceDeploymentArns(params));

/**
 * Automatic rollback (failed deployments and crash loops) as the policy decides it: a service opts in with the
 * tag `ecs-sentinel:auto-rollback=true` OR by being listed in autoRollbackServices, and an explicit `false`
 * tag opts out of the list, as does `manual` (never automatically: the Slack button only). IAM draws the same
 * line, so a policy bug cannot reach further.
 */
function rollbackStatements(params) {
  const listed = listedServicePaths(params);
  return [
    rollBackTaggedServices(params, ["true"]),
    ...(listed.length > 0
      ? [
          allow(
            "RollBackListedServices",
            ["ecs:UpdateService", "ecs:StopServiceDeployment"],
            listed.map((path) => ecsArn(`service/${path}`)),
            // A missing tag satisfies a negated condition: only an explicit opt-out (false, or manual: never
            // automatically) is refused; a negated operator with several values refuses each of them.
            {
              StringNotEqualsIgnoreCase: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: ["false", "manual"] },
            },
          ),
        ]
      : []),
    stopDeploymentsOfRollbackServices(params),
    // UpdateService to a task definition with a task or execution role passes those roles to ECS tasks
    // (service authorization reference: UpdateService -> iam:PassRole, iam:PassedToService). Only the
    // passRolePattern roles, and nothing without it: never every role of the account (docs/security.md).
    ...passRoleStatements("PassTaskRolesOnRollback", params),
  ];
}

function taskStateStatements(params) {
  return [
    // BatchWriteItem: the incident history written with each alert's context.
    ...commonStatements(params, ["dynamodb:BatchWriteItem"]),
    describeTaskDefinition(),
    ...serviceReadStatements(params),
    // The crash-loop hook rolls back through the same runner as deploymentEvents.
    ...rollbackStatements(params),
    ...taskLogStatements(params),
    ...memberRoleStatements(params),
  ];
}

/**
 * The tasks of the watched clusters, read: ListTasks is authorised on container instances, which Fargate tasks
 * lack, so the `ecs:cluster` condition scopes it; DescribeTasks on the clusters' tasks.
 */
function watchedClusterTaskReads(params) {
  const inWatchedClusters = {
    ArnLike: { "ecs:cluster": clusterScope(params).map((cluster) => ecsArn(`cluster/${cluster}`)) },
  };
  return [
    allow("ListWatchedClusterTasks", ["ecs:ListTasks"], ["*"], inWatchedClusters),
    allow(
      "DescribeWatchedClusterTasks",
      ["ecs:DescribeTasks"],
      clusterScope(params).map((cluster) => ecsArn(`task/${cluster}/*`)),
      inWatchedClusters,
    ),
  ];
}

/**
 * A person's decision on a deployment paused by an ECS pause hook (the Slack buttons): ContinueServiceDeployment is
 * authorised against both the service and the service deployment (service authorization reference); the service
 * half only on watched services tagged ecs-sentinel:auto-rollback = true or manual, like the buttons' rollbacks.
 */
const continuePausedDeploymentStatements = (params) => [
  allow(
    "ContinuePausedDeploymentsOfOptedInServices",
    ["ecs:ContinueServiceDeployment"],
    serviceArns(params),
    {
      StringEquals: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: ["true", "manual"] },
    },
  ),
  allow(
    "ContinuePausedDeploymentsOfWatchedServices",
    ["ecs:ContinueServiceDeployment"],
    serviceDeploymentArns(params),
  ),
];

function deploymentEventsStatements(params) {
  return [
    ...commonStatements(params),
    describeTaskDefinition(),
    ...serviceReadStatements(params),
    ...rollbackStatements(params),
    // A paused deployment's message shows the new revision's tasks (ECS Hook State Change).
    ...watchedClusterTaskReads(params),
    ...memberRoleStatements(params),
  ];
}

/**
 * ARNs of one cluster's resources for the job functions: a job cluster given as an ARN keeps its own
 * partition, region and account; a name (or `*`) is in the stack's account and region.
 */
function clusterResourceArn(cluster, resource) {
  const arn = CLUSTER_ARN.exec(cluster);
  if (arn) return `${arn[1]}${resource}/${arn[2]}`;
  return ecsArn(`${resource}/${cluster}`);
}

/** The jobs' clusters (only called when the jobs file has jobs). */
const jobClusterArns = (params) =>
  params.jobs.clusters.map((cluster) => clusterResourceArn(cluster, "cluster"));
const jobClusterCondition = (params) => ({ ArnLike: { "ecs:cluster": jobClusterArns(params) } });
const jobTaskArns = (params) =>
  params.jobs.clusters.map((cluster) => suffixed(clusterResourceArn(cluster, "task"), "/*"));
const jobServiceArns = (params) =>
  params.jobs.clusters.map((cluster) => suffixed(clusterResourceArn(cluster, "service"), "/*"));

/** Appends to a literal ARN or to an Fn::Sub ARN alike. */
function suffixed(arn, suffix) {
  return typeof arn === "string" ? `${arn}${suffix}` : sub(`${arn["Fn::Sub"]}${suffix}`);
}

/** `family:*` ARN patterns of the jobs' task definitions (stackParams has checked every reference). */
function jobTaskDefinitionArns(params) {
  return params.jobs.taskDefinitions.map((reference) => {
    const arn = TASK_DEFINITION_ARN.exec(reference);
    if (arn) return `${arn[1]}${arn[2]}:*`;
    return ecsArn(`task-definition/${TASK_DEFINITION_FAMILY.exec(reference)?.[1]}:*`);
  });
}

/** Listing, describing and stopping tasks of the jobs' clusters: the overlap policy and the overdue stop. */
const watchJobTasks = (params, sid) => [
  // ListTasks is authorised against container instances, which Fargate tasks have none of: the
  // cluster condition is what scopes it.
  allow("ListClusterTasks", ["ecs:ListTasks"], ["*"], jobClusterCondition(params)),
  allow(sid, ["ecs:DescribeTasks", "ecs:StopTask"], jobTaskArns(params), jobClusterCondition(params)),
];

/**
 * Without a job, run-job has nothing to start: no ECS permission at all. With jobs: RunTask of exactly the
 * jobs' task definition families, in exactly the jobs' clusters.
 */
function runJobStatements(params) {
  return [...commonStatements(params), ...jobRunnerStatements(params), ...memberRoleStatements(params)];
}

/** What the job runner calls in ECS (run-job, and the Slack re-run button): nothing without jobs. */
function jobRunnerStatements(params) {
  if (params.jobs === null) return [];
  return [
    describeTaskDefinition(),
    allow("RunJobTasks", ["ecs:RunTask"], jobTaskDefinitionArns(params), {
      ArnEquals: { "ecs:cluster": jobClusterArns(params) },
    }),
    // RunTask with tags also checks TagResource on the new task.
    allow("TagJobTasksAtLaunch", ["ecs:TagResource"], jobTaskArns(params), {
      StringEquals: { "ecs:CreateAction": "RunTask" },
    }),
    ...watchJobTasks(params, "WatchJobTasks"),
    // network.fromService reads the service's awsvpc configuration.
    allow("ReadJobClusterServices", ["ecs:DescribeServices"], jobServiceArns(params)),
    ...passRoleStatements("PassJobTaskRoles", params),
  ];
}

/** The watchdog stops overdue job tasks (only with jobs) and reads service tags for the digest sweep. */
function watchdogStatements(params) {
  return [
    ...commonStatements(params),
    ...(params.jobs === null ? [] : watchJobTasks(params, "WatchTasks")),
    // The digest sweep reads a service's ecs-sentinel tags (mute, channels) like the task-state function does.
    allow("ReadServiceTags", ["ecs:ListTagsForResource"], serviceArns(params)),
    ...memberRoleStatements(params),
  ];
}

// ---------------------------------------------------------------- osls entry points

/**
 * `.mjs` makes Lambda load the bundle as ESM without a package.json in the zip. `osls invoke local` loads
 * handlers with require() or import("<handler>.js") and never tries `.mjs`, so it gets `.js` bundles, which
 * the project's `"type": "module"` package.json makes ESM too.
 */
function bundleExtension(argv = process.argv) {
  return invokesLocally(argv) ? ".js" : ".mjs";
}

/** Whether osls runs `invoke local`, which cannot resolve CloudFormation references in the environment. */
function invokesLocally(argv = process.argv) {
  const args = argv.slice(2);
  return args.indexOf("invoke") !== -1 && args.indexOf("local") === args.indexOf("invoke") + 1;
}

/**
 * HUB_ACCOUNT_ID: the stack's account as a CloudFormation reference; under `osls invoke local`, which could only
 * resolve it by asking CloudFormation, empty (HUB_ACCOUNT_ID_OVERRIDE sets it there).
 */
const hubAccountId = (argv = process.argv) => (invokesLocally(argv) ? "" : { Ref: "AWS::AccountId" });

// Loaded lazily: reading the jobs file bundles its parser with esbuild, which only packaging needs.
const stack = (input) => require("./stack-inputs.cjs").validatedStack(input);
const fromParams = (build) => async (input) => build((await stack(input)).params);

/** One AWS::Scheduler::Schedule per job of the validated jobs file, in infra/scheduler.yml's group and role. */
async function scheduleResources(input) {
  const { jobsFile } = await stack(input);
  if (jobsFile === null) return { Resources: {} };
  const schedules = require("./schedules.cjs");
  return schedules.buildScheduleResources(jobsFile.text, {
    ...schedules.SHARED_SCHEDULER,
    fileName: jobsFile.fileName,
  });
}

/**
 * esbuild `define`: the validated jobs file embedded in the run-job and watchdog bundles (null: none), and a
 * literal saying so, which esbuild can fold (it keeps an object in a variable): the bundles then leave out the
 * YAML parser that only an unbundled run needs (src/app/jobs-lambda.ts).
 */
async function bundleDefine(input) {
  const { jobsFile } = await stack(input);
  return { ...require("./schedules.cjs").embeddedJobsDefine(jobsFile), ECS_SENTINEL_JOBS_EMBEDDED: "true" };
}

module.exports = {
  AUTO_ROLLBACK_TAG,
  TUNING_DEFAULTS,
  InvalidStackParameterError,
  parseList,
  stackParams,
  taskStoppedPattern,
  spotNoticePattern,
  deploymentPattern,
  hookStatePattern,
  taskStateStatements,
  deploymentEventsStatements,
  runJobStatements,
  watchdogStatements,
  bundleExtension,
  hubAccountId,
  PARAMETER_NAMES,
  /** For infra/slack-actions.cjs, which builds the slackActions role from the same parts. */
  parts: {
    commonStatements,
    describeTaskDefinition,
    serviceReadStatements,
    rollBackTaggedServices,
    stopDeploymentsOfRollbackServices,
    continuePausedDeploymentStatements,
    watchedClusterTaskReads,
    passRoleStatements,
    jobRunnerStatements,
    memberRoleStatements,
  },
  serverless: {
    schedules: scheduleResources,
    bundleDefine,
    bundleExtension: () => bundleExtension(),
    taskStoppedPattern: fromParams(taskStoppedPattern),
    spotNoticePattern: fromParams(spotNoticePattern),
    deploymentPattern: fromParams(deploymentPattern),
    hookStatePattern: fromParams(hookStatePattern),
    taskStateStatements: fromParams(taskStateStatements),
    deploymentEventsStatements: fromParams(deploymentEventsStatements),
    runJobStatements: fromParams(runJobStatements),
    watchdogStatements: fromParams(watchdogStatements),
    // Slack buttons (infra/slack-actions.cjs, loaded on use: it requires this file).
    slackActionsFunction: (input) => require("./slack-actions.cjs").slackActionsFunction(input),
    slackActionsResources: (input) => require("./slack-actions.cjs").slackActionsResources(input),
    // The ECS deployment lifecycle hook (infra/deployment-hook.cjs, loaded on use: it requires this file).
    deploymentHookStatements: (input) => require("./deployment-hook.cjs").deploymentHookStatementsOf(input),
    hookFailClosed: (input) => require("./deployment-hook.cjs").hookFailClosedOf(input),
    // Hub mode (infra/hub.cjs): the hub bus, its policy and outputs ({} without hub mode), and the handlers'
    // hub settings (MEMBER_ROLE_NAME, MEMBER_EXTERNAL_ID, ALLOWED_ACCOUNTS, ACCOUNT_NAMES).
    hubResources: (input) => require("./hub.cjs").hubResourcesOf(input),
    hubEnvironment: (input) => require("./hub.cjs").hubEnvironmentOf(input),
    hubAccountId: () => hubAccountId(),
  },
};
