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
const SEVERITIES = ["info", "warning", "critical"];
const BOOLEAN_WORDS = ["1", "true", "yes", "on", "0", "false", "no", "off"];
/** Region names as AWS writes them (us-east-1, ap-southeast-2, us-gov-west-1, eu-isoe-west-1). */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/**
 * Values that end up inside Fn::Sub strings and IAM ARNs: no `$`, `{` or quotes (they would break the
 * substitution) and, where a name must be exact, no `*` or `?` (they would widen the grant).
 */
const SECRETS_MANAGER_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SSM_PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;
const SECRETS_MANAGER_ARN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
const LOG_GROUP_PATTERN = /^[A-Za-z0-9_.\-/#*?]{1,512}$/;
const ROLE_NAME_PATTERN = /^[A-Za-z0-9+=,.@_\-/*?]{1,512}$/;

/**
 * The handlers' numeric settings and their defaults (src/shared/config.ts reads them at cold start and fails
 * on a value that is not a positive number): checked here too, so a bad value fails the package instead of
 * every cold start, which would send every event to the dead-letter queue.
 */
const TUNING_DEFAULTS = {
  throttleWindowMinutes: 10,
  crashLoopThreshold: 3,
  crashLoopWindowMinutes: 15,
  postCompletionMinutes: 30,
  rollbackCooldownMinutes: 30,
  logTailLines: 20,
  historyRetentionDays: 30,
  enrichBudgetMs: 4000,
};

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

const text = (value) => String(value ?? "").trim();

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

/**
 * The handler (src/shared/notify/webhook-secret.ts) reads `ssm:NAME` and `/NAME` as SSM parameters and
 * anything else, ARNs included, as a Secrets Manager secret id. An exact name is required: a wildcard
 * would grant every matching secret.
 */
function parseSlackWebhookSecret(value) {
  const name = text(value);
  if (name === "") return "";
  const reject = (why) => {
    throw new InvalidStackParameterError("slackWebhookSecret", why);
  };
  if (name.startsWith("arn:")) {
    if (/^arn:[^:]+:ssm:/.test(name)) {
      reject("an SSM parameter ARN would be read as a Secrets Manager secret id; write ssm:/NAME or /NAME");
    }
    if (!SECRETS_MANAGER_ARN.test(name)) reject(`"${name}" is not a Secrets Manager secret ARN`);
    return name;
  }
  if (name.startsWith("ssm:") || name.startsWith("/")) {
    if (!SSM_PARAMETER_NAME.test(name.replace(/^ssm:/, ""))) {
      reject(`"${name}" is not an SSM parameter name (letters, digits, _ . - /)`);
    }
    return name;
  }
  if (!SECRETS_MANAGER_NAME.test(name)) {
    reject(`"${name}" is not a Secrets Manager secret name (letters, digits, / _ + = . @ -)`);
  }
  return name;
}

function parsePattern(parameter, value, pattern, what) {
  const candidate = text(value) || "*";
  if (!pattern.test(candidate)) {
    throw new InvalidStackParameterError(parameter, `"${candidate}" is not ${what}`);
  }
  return candidate;
}

/** Regions whose CloudWatch Logs the log tail may read besides the stack's own; `*` = any region. */
function parseLogRegions(value) {
  const regions = parseList(value);
  for (const region of regions) {
    if (region !== "*" && !REGION_NAME.test(region)) {
      throw new InvalidStackParameterError("logRegions", `"${region}" is not a region name (e.g. eu-west-1)`);
    }
  }
  return regions.includes("*") ? ["*"] : regions;
}

function parseTuning(raw) {
  const tuning = {};
  for (const [name, fallback] of Object.entries(TUNING_DEFAULTS)) {
    const given = text(raw[name]);
    const value = given === "" ? fallback : Number(given);
    if (!Number.isFinite(value) || value <= 0) {
      throw new InvalidStackParameterError(name, `must be a positive number, got "${given}"`);
    }
    tuning[name] = value;
  }
  return tuning;
}

function parseChoice(parameter, value, choices, fallback) {
  const given = text(value).toLowerCase();
  if (given === "") return fallback;
  if (!choices.includes(given)) {
    throw new InvalidStackParameterError(parameter, `must be one of ${choices.join(", ")}, got "${given}"`);
  }
  return given;
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
    slackWebhookSecret: parseSlackWebhookSecret(raw.slackWebhookSecret),
    logGroupPattern: parsePattern(
      "logGroupPattern",
      raw.logGroupPattern,
      LOG_GROUP_PATTERN,
      "a log group name pattern",
    ),
    logRegions: parseLogRegions(raw.logRegions),
    passRolePattern: parsePattern(
      "passRolePattern",
      raw.passRolePattern,
      ROLE_NAME_PATTERN,
      "an IAM role name pattern",
    ),
    tuning: parseTuning(raw),
    dryRun: ["1", "true", "yes", "on"].includes(parseChoice("dryRun", raw.dryRun, BOOLEAN_WORDS, "false")),
    slackMinSeverity: parseChoice("slackMinSeverity", raw.slackMinSeverity, SEVERITIES, "warning"),
    emailMinSeverity: parseChoice("emailMinSeverity", raw.emailMinSeverity, SEVERITIES, "critical"),
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

/** Grants exactly the one read the handler makes of SLACK_WEBHOOK_SECRET (see parseSlackWebhookSecret). */
function secretStatements(params) {
  const name = params.slackWebhookSecret;
  if (name === "") return [];
  if (name.startsWith("arn:")) {
    return [allow("ReadSlackWebhookSecret", ["secretsmanager:GetSecretValue"], [name])];
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

/** What every function needs: the state table, the notification topic (and its key), the DLQ, the secret. */
function commonStatements(params, extraTableActions = []) {
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
    allow("SendToDeadLetterQueue", ["sqs:SendMessage"], [{ "Fn::GetAtt": ["DeadLetterQueue", "Arn"] }]),
    ...secretStatements(params),
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
  const group = params.logGroupPattern;
  return [
    allow(
      "ReadTaskLogs",
      ["logs:GetLogEvents"],
      regions.map((region) =>
        sub(`arn:\${AWS::Partition}:logs:${region}:\${AWS::AccountId}:log-group:${group}:log-stream:*`),
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

/** `service/CLUSTER/SERVICE` paths of the listed services: a bare name in every watched cluster (or any). */
function listedServicePaths(params) {
  const paths = params.autoRollbackServices.flatMap(({ cluster, service }) =>
    (cluster === undefined ? clusterScope(params) : [cluster]).map((inCluster) => `${inCluster}/${service}`),
  );
  return [...new Set(paths)];
}

const passRoleResource = (params) =>
  sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${params.passRolePattern}`);

/**
 * Rollback (failed deployments and crash loops) as the policy decides it: a service opts in with the tag
 * `ecs-sentinel:auto-rollback=true` OR by being listed in autoRollbackServices, and an explicit `false` tag
 * opts out of the list. IAM draws the same line, so a policy bug cannot reach further.
 */
function rollbackStatements(params) {
  const listed = listedServicePaths(params);
  return [
    allow("RollBackTaggedServices", ["ecs:UpdateService", "ecs:StopServiceDeployment"], serviceArns(params), {
      StringEquals: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: "true" },
    }),
    ...(listed.length > 0
      ? [
          allow(
            "RollBackListedServices",
            ["ecs:UpdateService", "ecs:StopServiceDeployment"],
            listed.map((path) => ecsArn(`service/${path}`)),
            // A missing tag satisfies a negated condition: only an explicit opt-out is refused.
            { StringNotEqualsIgnoreCase: { [`aws:ResourceTag/${AUTO_ROLLBACK_TAG}`]: "false" } },
          ),
        ]
      : []),
    // StopServiceDeployment is authorised against both the service and the service-deployment. The
    // statements above gate the service half; this half names deployments of watched services only and
    // grants nothing without the service half.
    allow("StopDeploymentsOfRollbackServices", ["ecs:StopServiceDeployment"], serviceDeploymentArns(params)),
    // UpdateService to a task definition with a task or execution role passes those roles to ECS tasks
    // (service authorization reference: UpdateService -> iam:PassRole, iam:PassedToService).
    allow("PassTaskRolesOnRollback", ["iam:PassRole"], [passRoleResource(params)], {
      StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    }),
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
  ];
}

function deploymentEventsStatements(params) {
  return [
    ...commonStatements(params),
    describeTaskDefinition(),
    ...serviceReadStatements(params),
    ...rollbackStatements(params),
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
    allow("PassJobTaskRoles", ["iam:PassRole"], [passRoleResource(params)], {
      StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    }),
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

const PARAMETER_NAMES = [
  "watchedClusters",
  "autoRollbackServices",
  "slackWebhookSecret",
  "logGroupPattern",
  "logRegions",
  "passRolePattern",
  "dryRun",
  "slackMinSeverity",
  "emailMinSeverity",
  ...Object.keys(TUNING_DEFAULTS),
];

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
  TUNING_DEFAULTS,
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
