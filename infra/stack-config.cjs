"use strict";
/**
 * Builds the parts of serverless.yml that depend on deployment parameters: EventBridge patterns
 * (filtered on the watched clusters) and each function's IAM statements.
 *
 * The builders are pure functions of a `StackParams` object so unit tests can call them directly;
 * `serverless.*` wraps them for `${file(./infra/stack-config.cjs):serverless.NAME}`, which osls calls
 * with a `resolveVariable` that reads `${param:...}` values.
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */

const ECS_SOURCE = "aws.ecs";
const TASK_STATE_CHANGE = "ECS Task State Change";
const DEPLOYMENT_STATE_CHANGE = "ECS Deployment State Change";
const SERVICE_ACTION = "ECS Service Action";
const AUTO_ROLLBACK_TAG = "ecs-sentinel:auto-rollback";
/** Older docs and events use TerminationNotice; current Fargate Spot notices use SpotInterruption. */
const SPOT_STOP_CODES = ["SpotInterruption", "TerminationNotice"];
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

class InvalidStackParameterError extends Error {
  constructor(parameter, message) {
    super(`Invalid stack parameter "${parameter}": ${message}`);
    this.name = "InvalidStackParameterError";
    this.parameter = parameter;
  }
}

/** Splits a comma- or whitespace-separated parameter into distinct, non-empty entries. */
function parseList(value) {
  if (value === undefined || value === null) return [];
  const entries = String(value)
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return [...new Set(entries)];
}

function parseClusters(value) {
  const clusters = parseList(value);
  for (const cluster of clusters) {
    if (!CLUSTER_NAME.test(cluster)) {
      throw new InvalidStackParameterError(
        "watchedClusters",
        `"${cluster}" is not a cluster name (letters, digits, hyphens, underscores)`,
      );
    }
  }
  return clusters;
}

const SERVICE_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:service\/([^/]+)\/([^/]+)$/;

/**
 * Entries are a service name, `CLUSTER/SERVICE`, or a service ARN (the handler's AUTO_ROLLBACK_SERVICES
 * accepts names or ARNs). A bare name may be in any watched cluster. Rollback must stay inside the
 * watched clusters when those are given.
 */
function parseRollbackServices(value, watchedClusters) {
  return parseList(value).map((entry) => {
    const fromArn = SERVICE_ARN.exec(entry);
    const parts = fromArn ? [fromArn[1], fromArn[2]] : entry.split("/");
    const [cluster, service] = parts.length === 1 ? [undefined, parts[0]] : parts;
    const valid =
      parts.length <= 2 &&
      service !== undefined &&
      SERVICE_NAME.test(service) &&
      (cluster === undefined || CLUSTER_NAME.test(cluster));
    if (!valid) {
      throw new InvalidStackParameterError(
        "autoRollbackServices",
        `"${entry}" is not SERVICE, CLUSTER/SERVICE or a service ARN`,
      );
    }
    if (cluster !== undefined && watchedClusters.length > 0 && !watchedClusters.includes(cluster)) {
      throw new InvalidStackParameterError(
        "autoRollbackServices",
        `"${entry}" is in cluster "${cluster}", which is not in watchedClusters`,
      );
    }
    return { cluster, service };
  });
}

const CLUSTER_ARN = /^(arn:[^:]+:ecs:[^:]+:[^:]+:)cluster\/([A-Za-z0-9_-]{1,255})$/;
const TASK_DEFINITION_ARN = /^(arn:[^:]+:ecs:[^:]+:[^:]+:task-definition\/)([A-Za-z0-9_-]{1,255})(:\d+)?$/;
const TASK_DEFINITION_FAMILY = /^([A-Za-z0-9_-]{1,255})(:\d+)?$/;

/**
 * The clusters and task definitions of the jobs file (as jobs.yml writes them: names or ARNs), so the job
 * functions' permissions name them. Null when there is no jobs file. A job outside the watched clusters
 * would run but its completion would never reach the task-state function, so it is rejected here.
 */
function parseJobTargets(raw, watchedClusters) {
  const clusters = [...new Set(raw?.clusters ?? [])];
  // No job, nothing to name: the functions keep the watched-cluster scope (IAM rejects empty lists).
  if (clusters.length === 0) return null;
  for (const cluster of clusters) {
    const name = CLUSTER_ARN.exec(cluster)?.[2] ?? cluster;
    if (!CLUSTER_NAME.test(name)) {
      throw new InvalidStackParameterError(
        "jobsFile",
        `job cluster "${cluster}" is not a cluster name or ARN`,
      );
    }
    if (watchedClusters.length > 0 && !watchedClusters.includes(name)) {
      throw new InvalidStackParameterError(
        "jobsFile",
        `job cluster "${name}" is not in watchedClusters: the completion of its tasks would go unseen`,
      );
    }
  }
  return { clusters, taskDefinitions: [...new Set(raw?.taskDefinitions ?? [])] };
}

/** Normalises raw parameter strings (as osls resolves them) into the builders' input. */
function stackParams(raw) {
  const watchedClusters = parseClusters(raw.watchedClusters);
  return {
    watchedClusters,
    autoRollbackServices: parseRollbackServices(raw.autoRollbackServices, watchedClusters),
    slackWebhookSecret: String(raw.slackWebhookSecret ?? "").trim(),
    logGroupPattern: String(raw.logGroupPattern ?? "").trim() || "*",
    jobs: parseJobTargets(raw.jobs, watchedClusters),
  };
}

// ARNs are CloudFormation Fn::Sub strings so the template stays account- and region-neutral.
const sub = (text) => ({ "Fn::Sub": text });
const ecsArn = (resource) => sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
const clusterScope = (params) => (params.watchedClusters.length > 0 ? params.watchedClusters : ["*"]);

const clusterArns = (params) => clusterScope(params).map((cluster) => ecsArn(`cluster/${cluster}`));
const serviceArns = (params) => clusterScope(params).map((cluster) => ecsArn(`service/${cluster}/*`));
const serviceDeploymentArns = (params) =>
  clusterScope(params).map((cluster) => ecsArn(`service-deployment/${cluster}/*/*`));
const serviceRevisionArns = (params) =>
  clusterScope(params).map((cluster) => ecsArn(`service-revision/${cluster}/*/*`));

// ---------------------------------------------------------------- event patterns

/** Matches task events of the watched clusters only (all clusters when none are given). */
function withClusterFilter(detail, params) {
  if (params.watchedClusters.length === 0) return detail;
  return { ...detail, clusterArn: clusterArns(params) };
}

function taskStoppedPattern(params) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    detail: withClusterFilter({ lastStatus: ["STOPPED"] }, params),
  };
}

/** The Spot notice arrives while the task still runs: RUNNING with desiredStatus STOPPED. */
function spotNoticePattern(params) {
  return {
    source: [ECS_SOURCE],
    "detail-type": [TASK_STATE_CHANGE],
    detail: withClusterFilter(
      { lastStatus: ["RUNNING"], desiredStatus: ["STOPPED"], stopCode: SPOT_STOP_CODES },
      params,
    ),
  };
}

/** Deployment and service-action events carry no clusterArn: the service ARN in `resources` names the cluster. */
function deploymentPattern(params) {
  const pattern = { source: [ECS_SOURCE], "detail-type": [DEPLOYMENT_STATE_CHANGE, SERVICE_ACTION] };
  if (params.watchedClusters.length === 0) return pattern;
  return {
    ...pattern,
    resources: params.watchedClusters.map((cluster) => ({ prefix: ecsArn(`service/${cluster}/`) })),
  };
}

// ---------------------------------------------------------------- IAM statements

const allow = (sid, action, resource, condition) => ({
  Sid: sid,
  Effect: "Allow",
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

/**
 * The handler reads SLACK_WEBHOOK_SECRET as an SSM parameter when it is `ssm:NAME` or starts with `/`,
 * otherwise as a Secrets Manager secret id; grant exactly that one read.
 */
function secretStatements(params) {
  const name = params.slackWebhookSecret;
  if (name === "") return [];
  if (name.startsWith("arn:")) {
    const action = name.includes(":ssm:") ? "ssm:GetParameter" : "secretsmanager:GetSecretValue";
    return [allow("ReadSlackWebhookSecret", [action], [name])];
  }
  if (name.startsWith("ssm:") || name.startsWith("/")) {
    const parameterPath = name.replace(/^ssm:/, "").replace(/^\/+/, "");
    return [
      allow(
        "ReadSlackWebhookSecret",
        ["ssm:GetParameter"],
        [sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${parameterPath}`)],
      ),
    ];
  }
  // Secrets Manager appends six random characters to a secret's ARN.
  return [
    allow(
      "ReadSlackWebhookSecret",
      ["secretsmanager:GetSecretValue"],
      [sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`)],
    ),
  ];
}

/** What every function needs: the state table, the notification topic (and its key), the DLQ, the secret. */
function commonStatements(params) {
  return [
    allow(
      "StateTableReadWrite",
      [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ],
      [{ "Fn::GetAtt": ["StateTable", "Arn"] }, sub(`\${StateTable.Arn}/index/*`)],
    ),
    allow("PublishNotifications", ["sns:Publish"], [{ Ref: "NotifyTopic" }]),
    // Publishing to a KMS-encrypted topic needs the publisher to use the topic's key.
    allow(
      "UseNotifyTopicKey",
      ["kms:GenerateDataKey", "kms:Decrypt"],
      [{ "Fn::GetAtt": ["NotifyTopicKey", "Arn"] }],
    ),
    // Lambda's on-failure destination sends with the function's own role.
    allow("SendToDeadLetterQueue", ["sqs:SendMessage"], [{ "Fn::GetAtt": ["DeadLetterQueue", "Arn"] }]),
    ...secretStatements(params),
  ];
}

/** DescribeTaskDefinition supports no resource-level permissions: `*` is the only accepted resource. */
const describeTaskDefinition = () => allow("DescribeTaskDefinitions", ["ecs:DescribeTaskDefinition"], ["*"]);

function taskLogStatements(params) {
  const group = params.logGroupPattern;
  const logGroup = (suffix) =>
    sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}${suffix}`);
  return [
    allow(
      "ReadTaskLogs",
      ["logs:GetLogEvents", "logs:FilterLogEvents"],
      [logGroup(""), logGroup(":log-stream:*")],
    ),
  ];
}

function taskStateStatements(params) {
  return [
    ...commonStatements(params),
    describeTaskDefinition(),
    allow("ReadWatchedServices", ["ecs:DescribeServices", "ecs:ListTagsForResource"], serviceArns(params)),
    ...taskLogStatements(params),
  ];
}

/** `service/CLUSTER/SERVICE` paths rollback may touch: the listed services, else every watched service. */
function rollbackServicePaths(params) {
  if (params.autoRollbackServices.length === 0) return clusterScope(params).map((cluster) => `${cluster}/*`);
  return params.autoRollbackServices.flatMap(({ cluster, service }) =>
    (cluster === undefined ? clusterScope(params) : [cluster]).map((inCluster) => `${inCluster}/${service}`),
  );
}

const rollbackServiceArns = (params) => rollbackServicePaths(params).map((path) => ecsArn(`service/${path}`));
const rollbackDeploymentArns = (params) =>
  rollbackServicePaths(params).map((path) => ecsArn(`service-deployment/${path}/*`));

function deploymentEventsStatements(params) {
  return [
    ...commonStatements(params),
    describeTaskDefinition(),
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
    allow(
      "RollBackTaggedServices",
      ["ecs:UpdateService", "ecs:StopServiceDeployment"],
      rollbackServiceArns(params),
      {
        StringEquals: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: "true" },
      },
    ),
    // StopServiceDeployment is authorised against both the service and the service-deployment. The tag
    // condition above gates the service half; deployments are not tagged resources, so this half is
    // scoped by ARN only and grants nothing without the tagged service.
    allow("StopDeploymentsOfTaggedServices", ["ecs:StopServiceDeployment"], rollbackDeploymentArns(params)),
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

/** The jobs' clusters when the jobs file is known, else the watched clusters (or every cluster). */
const jobClusters = (params) => (params.jobs ? params.jobs.clusters : clusterScope(params));
const jobClusterArns = (params) =>
  jobClusters(params).map((cluster) => clusterResourceArn(cluster, "cluster"));
const jobClusterCondition = (params) => ({ ArnLike: { "ecs:cluster": jobClusterArns(params) } });
const jobTaskArns = (params) =>
  jobClusters(params).map((cluster) => suffixed(clusterResourceArn(cluster, "task"), "/*"));
const jobServiceArns = (params) =>
  jobClusters(params).map((cluster) => suffixed(clusterResourceArn(cluster, "service"), "/*"));

/** Appends to a literal ARN or to an Fn::Sub ARN alike. */
function suffixed(arn, suffix) {
  return typeof arn === "string" ? `${arn}${suffix}` : sub(`${arn["Fn::Sub"]}${suffix}`);
}

/** `family:*` ARN patterns of the jobs' task definitions; undefined when one cannot be read (then any family). */
function jobTaskDefinitionArns(params) {
  if (!params.jobs || params.jobs.taskDefinitions.length === 0) return undefined;
  const arns = [];
  for (const reference of params.jobs.taskDefinitions) {
    const arn = TASK_DEFINITION_ARN.exec(reference);
    const family = TASK_DEFINITION_FAMILY.exec(reference);
    if (arn) arns.push(`${arn[1]}${arn[2]}:*`);
    else if (family) arns.push(ecsArn(`task-definition/${family[1]}:*`));
    else return undefined;
  }
  return arns;
}

function runJobStatements(params) {
  const scoped = params.jobs !== null || params.watchedClusters.length > 0;
  return [
    ...commonStatements(params),
    describeTaskDefinition(),
    allow(
      "RunJobTasks",
      ["ecs:RunTask"],
      jobTaskDefinitionArns(params) ?? [ecsArn("task-definition/*")],
      scoped ? { ArnEquals: { "ecs:cluster": jobClusterArns(params) } } : undefined,
    ),
    // RunTask with tags also checks TagResource on the new task.
    allow("TagJobTasksAtLaunch", ["ecs:TagResource"], jobTaskArns(params), {
      StringEquals: { "ecs:CreateAction": "RunTask" },
    }),
    // ListTasks is authorised against container instances, which Fargate tasks have none of: the
    // cluster condition is what scopes it.
    allow("ListClusterTasks", ["ecs:ListTasks"], ["*"], jobClusterCondition(params)),
    allow(
      "WatchJobTasks",
      ["ecs:DescribeTasks", "ecs:StopTask"],
      jobTaskArns(params),
      jobClusterCondition(params),
    ),
    // network.fromService reads the service's awsvpc configuration.
    allow("ReadWatchedServices", ["ecs:DescribeServices"], jobServiceArns(params)),
    allow(
      "PassJobTaskRoles",
      ["iam:PassRole"],
      [sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/*`)],
      { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    ),
  ];
}

function watchdogStatements(params) {
  return [
    ...commonStatements(params),
    allow("ListClusterTasks", ["ecs:ListTasks"], ["*"], jobClusterCondition(params)),
    allow(
      "WatchTasks",
      ["ecs:DescribeTasks", "ecs:StopTask"],
      jobTaskArns(params),
      jobClusterCondition(params),
    ),
    // The digest sweep reads a service's ecs-sentinel tags (mute, channels) like the task-state function does.
    allow("ReadServiceTags", ["ecs:ListTagsForResource"], serviceArns(params)),
  ];
}

// ---------------------------------------------------------------- osls entry points

const PARAMETER_NAMES = ["watchedClusters", "autoRollbackServices", "slackWebhookSecret", "logGroupPattern"];

async function resolveStackParams(resolveVariable) {
  const raw = {};
  for (const name of PARAMETER_NAMES) {
    raw[name] = await resolveVariable(`param:${name}`);
  }
  // Loaded lazily: schedules.cjs bundles the jobs-file parser with esbuild, which only packaging needs.
  const schedules = require("./schedules.cjs");
  const loaded = schedules.loadJobsFile(await schedules.stackJobsFilePath({ resolveVariable }));
  raw.jobs = loaded ? schedules.jobTargets(loaded.jobs) : null;
  return stackParams(raw);
}

/**
 * `.mjs` makes Lambda load the bundle as ESM without a package.json in the zip. `osls invoke local` loads
 * handlers with require() or import("<handler>.js") and never tries `.mjs`, so it gets `.js` bundles, which
 * the project's `"type": "module"` package.json makes ESM too.
 */
function bundleExtension(argv = process.argv) {
  const args = argv.slice(2);
  const invokeLocal = args.indexOf("invoke") !== -1 && args.indexOf("local") === args.indexOf("invoke") + 1;
  return invokeLocal ? ".js" : ".mjs";
}

const fromParams =
  (build) =>
  async ({ resolveVariable }) =>
    build(await resolveStackParams(resolveVariable));

module.exports = {
  AUTO_ROLLBACK_TAG,
  InvalidStackParameterError,
  parseList,
  stackParams,
  taskStoppedPattern,
  spotNoticePattern,
  deploymentPattern,
  taskStateStatements,
  deploymentEventsStatements,
  runJobStatements,
  watchdogStatements,
  bundleExtension,
  serverless: {
    bundleExtension: () => bundleExtension(),
    taskStoppedPattern: fromParams(taskStoppedPattern),
    spotNoticePattern: fromParams(spotNoticePattern),
    deploymentPattern: fromParams(deploymentPattern),
    taskStateStatements: fromParams(taskStateStatements),
    deploymentEventsStatements: fromParams(deploymentEventsStatements),
    runJobStatements: fromParams(runJobStatements),
    watchdogStatements: fromParams(watchdogStatements),
  },
};
