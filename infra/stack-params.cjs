"use strict";
/**
 * The stack parameters: their names, and `stackParams`, which turns the raw strings osls resolves into the
 * IAM builders' input. Every problem is collected, not thrown one at a time: a deployer who made three
 * mistakes reads all three in one message (name, value, why, and "did you mean …?" for an unknown name).
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */

/**
 * Every stack parameter serverless.yml declares under `params.default` (a test keeps the two equal). A
 * `--param` or `params.<stage>` key outside this list fails packaging: a typo must never silently fall back
 * to a default that may be wider than what was meant.
 */
const PARAMETER_NAMES = [
  "watchedClusters",
  "slackWebhookSecret",
  "slackBotTokenSecret",
  "slackChannel",
  "slackSigningSecret",
  "slackApprovers",
  "pagerDutyRoutingKeySecret",
  "pagerDutyMinSeverity",
  "teamsWebhookSecret",
  "teamsMinSeverity",
  "chatbotTopicArn",
  "chatbotMinSeverity",
  "alertEmail",
  "autoRollbackServices",
  "slackMinSeverity",
  "emailMinSeverity",
  "dryRun",
  "hookFailClosed",
  "metrics",
  "logTailLines",
  "logGroupPattern",
  "logRegions",
  "passRolePattern",
  "throttleWindowMinutes",
  "crashLoopThreshold",
  "crashLoopWindowMinutes",
  "postCompletionMinutes",
  "rollbackCooldownMinutes",
  "historyRetentionDays",
  "enrichBudgetMs",
  "jobsFile",
  "hubMode",
  "organizationId",
  "memberAccounts",
  "memberRoleName",
  "memberExternalId",
  "accountNames",
  "accountRouting",
];

/** `watchedClusters=*`: the explicit, loud opt-in to every cluster of the account and region. */
const EVERY_CLUSTER = "*";
/** `jobsFile=none`: the explicit "this stack has no jobs". */
const NO_JOBS_FILE = "none";
/** The awslogs-group the ECS console gives a task definition: `/ecs/<family>`. */
const DEFAULT_LOG_GROUP_PATTERN = "/ecs/*";

const { closestName, editDistance } = require("./did-you-mean.cjs");
const { slackParams } = require("./slack-params.cjs");
const { channelParams } = require("./channel-params.cjs");
const { hubParams } = require("./hub-params.cjs");

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const SEVERITIES = ["info", "warning", "critical"];
const TRUE_WORDS = ["1", "true", "yes", "on"];
const BOOLEAN_WORDS = [...TRUE_WORDS, "0", "false", "no", "off"];
/** Region names as AWS writes them (us-east-1, ap-southeast-2, us-gov-west-1, eu-isoe-west-1). */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/**
 * Values that end up inside Fn::Sub strings and IAM ARNs: no `$`, `{` or quotes (they would break the
 * substitution). Secret names: infra/slack-params.cjs.
 */
const LOG_GROUP_PATTERN = /^[A-Za-z0-9_.\-/#*?]{1,512}$/;
const ROLE_NAME_PATTERN = /^[A-Za-z0-9+=,.@_\-/*?]{1,512}$/;
/** An address SNS will accept for an email subscription: local@domain.tld, nothing CloudFormation would expand. */
const EMAIL_ADDRESS = /^[A-Za-z0-9.!#%&'*+/=?^_`|~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$/;
const SERVICE_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:service\/([^/]+)\/([^/]+)$/;
const CLUSTER_ARN = /^(arn:[^:]+:ecs:[^:]+:[^:]+:)cluster\/([A-Za-z0-9_-]{1,255})$/;
const TASK_DEFINITION_ARN = /^(arn:[^:]+:ecs:[^:]+:[^:]+:task-definition\/)([A-Za-z0-9_-]{1,255})(:\d+)?$/;
const TASK_DEFINITION_FAMILY = /^([A-Za-z0-9_-]{1,255})(:\d+)?$/;

/**
 * The handlers' numeric settings and their defaults (src/app/config.ts reads them at cold start and fails
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

/** Every problem with the stack parameters, one per line. `problems` keeps them for callers and tests. */
class InvalidStackParameterError extends Error {
  constructor(problems) {
    const list = problems.map((problem) => `  - ${problem}`).join("\n");
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`ecs-sentinel stack parameters: ${count} (nothing was packaged)\n${list}`);
    this.name = "InvalidStackParameterError";
    this.problems = problems;
  }
}

/** "unknown parameter, did you mean X?" for each name outside PARAMETER_NAMES; `where` says where it was set. */
function unknownParameterProblems(names, where) {
  return names
    .filter((name) => !PARAMETER_NAMES.includes(name))
    .map((name) => {
      const suggestion = closestName(name, PARAMETER_NAMES);
      const hint = suggestion
        ? `did you mean "${suggestion}"?`
        : `known parameters: ${PARAMETER_NAMES.join(", ")}`;
      return `${where(name)}: unknown parameter; ${hint}`;
    });
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

/** Parses with `report(parameter, value, why)` collecting problems instead of throwing. */
function parsers(report) {
  const clusters = (value) => {
    const entries = parseList(value);
    if (entries.length === 0) {
      report(
        "watchedClusters",
        "",
        `is empty: name the clusters to watch (watchedClusters=prod,batch), or pass watchedClusters=${EVERY_CLUSTER} to watch every cluster of the account and region`,
      );
      return { everyCluster: false, watchedClusters: [] };
    }
    if (entries.includes(EVERY_CLUSTER)) {
      if (entries.length > 1) {
        report(
          "watchedClusters",
          text(value),
          `"${EVERY_CLUSTER}" (every cluster) cannot be combined with names`,
        );
      }
      return { everyCluster: true, watchedClusters: [] };
    }
    for (const cluster of entries) {
      if (!CLUSTER_NAME.test(cluster)) {
        report("watchedClusters", cluster, "is not a cluster name (letters, digits, hyphens, underscores)");
      }
    }
    return { everyCluster: false, watchedClusters: entries };
  };

  /**
   * SERVICE, CLUSTER/SERVICE or a service ARN. A bare name means that service in each watched cluster; with
   * watchedClusters=* it would mean every cluster's service of that name, so the cluster is required then.
   */
  const rollbackServices = (value, scope) =>
    parseList(value).flatMap((entry) => {
      const fromArn = SERVICE_ARN.exec(entry);
      const parts = fromArn ? [fromArn[1], fromArn[2]] : entry.split("/");
      const [cluster, service] = parts.length === 1 ? [undefined, parts[0]] : parts;
      const valid =
        parts.length <= 2 &&
        service !== undefined &&
        SERVICE_NAME.test(service) &&
        (cluster === undefined || CLUSTER_NAME.test(cluster));
      if (!valid) {
        report("autoRollbackServices", entry, "is not SERVICE, CLUSTER/SERVICE or a service ARN");
        return [];
      }
      if (cluster === undefined && scope.everyCluster) {
        report(
          "autoRollbackServices",
          entry,
          `is a bare service name and watchedClusters=${EVERY_CLUSTER}: write CLUSTER/${service} so it cannot match a service of that name in any cluster`,
        );
        return [];
      }
      if (cluster !== undefined && !scope.everyCluster && !scope.watchedClusters.includes(cluster)) {
        report("autoRollbackServices", entry, `is in cluster "${cluster}", which is not in watchedClusters`);
        return [];
      }
      return [{ cluster, service }];
    });

  const alertEmail = (value) => {
    const address = text(value);
    if (address !== "" && !EMAIL_ADDRESS.test(address))
      report("alertEmail", address, "is not an email address");
    return address;
  };

  /** A comma-separated list of IAM name patterns; empty gives `fallback` (an empty list when none). */
  const patterns = (parameter, value, pattern, what, fallback) => {
    const entries = parseList(value);
    for (const entry of entries) if (!pattern.test(entry)) report(parameter, entry, `is not ${what}`);
    return entries.length > 0 ? entries : fallback;
  };

  /** Regions whose CloudWatch Logs the log tail may read besides the stack's own; `*` = any region. */
  const logRegions = (value) => {
    const regions = parseList(value);
    for (const region of regions) {
      if (region !== "*" && !REGION_NAME.test(region))
        report("logRegions", region, "is not a region name (e.g. eu-west-1)");
    }
    return regions.includes("*") ? ["*"] : regions;
  };

  const tuning = (raw) => {
    const values = {};
    for (const [name, fallback] of Object.entries(TUNING_DEFAULTS)) {
      const given = text(raw[name]);
      const value = given === "" ? fallback : Number(given);
      if (!Number.isFinite(value) || value <= 0) report(name, given, "must be a positive number");
      values[name] = value;
    }
    return values;
  };

  const choice = (parameter, value, choices, fallback) => {
    const given = text(value).toLowerCase();
    if (given === "") return fallback;
    if (!choices.includes(given)) {
      report(parameter, given, `must be one of ${choices.join(", ")}`);
      return fallback;
    }
    return given;
  };

  /**
   * The clusters and task definitions of the jobs file (as jobs.yml writes them: names or ARNs), so the job
   * functions' permissions name them. Null when there is no job. A job outside the watched clusters would
   * run but its completion would never reach the task-state function, so it is rejected here.
   */
  const jobTargets = (raw, scope) => {
    const clusters = [...new Set(raw?.clusters ?? [])];
    if (clusters.length === 0) return null;
    for (const cluster of clusters) {
      const name = CLUSTER_ARN.exec(cluster)?.[2] ?? cluster;
      if (!CLUSTER_NAME.test(name)) {
        report("jobsFile", cluster, "names a job cluster that is not a cluster name or ARN");
      } else if (!scope.everyCluster && !scope.watchedClusters.includes(name)) {
        report(
          "jobsFile",
          "",
          `names job cluster "${name}", which is not in watchedClusters: add it there, or the completion of its tasks would go unseen`,
        );
      }
    }
    const taskDefinitions = [...new Set(raw?.taskDefinitions ?? [])];
    for (const reference of taskDefinitions) {
      if (!TASK_DEFINITION_ARN.test(reference) && !TASK_DEFINITION_FAMILY.test(reference)) {
        report(
          "jobsFile",
          reference,
          "names a task definition that is not FAMILY, FAMILY:REVISION or an ARN",
        );
      }
    }
    return { clusters, taskDefinitions };
  };

  /** true / false (also 1, yes, on / 0, no, off, any case, as the handlers read them); empty = false. */
  const bool = (parameter, value) => TRUE_WORDS.includes(choice(parameter, value, BOOLEAN_WORDS, "false"));

  return {
    bool,
    clusters,
    rollbackServices,
    alertEmail,
    patterns,
    logRegions,
    tuning,
    choice,
    jobTargets,
  };
}

/**
 * Normalises raw parameter strings into the builders' input, or throws one InvalidStackParameterError listing
 * every problem (plus `raw.problems`, found while reading the inputs: unknown names, a missing jobs file).
 */
function stackParams(raw) {
  const problems = [...(raw.problems ?? [])];
  const report = (parameter, value, why) =>
    problems.push(value === "" ? `${parameter} ${why}` : `${parameter}="${value}" ${why}`);
  const parse = parsers(report);
  const scope = parse.clusters(raw.watchedClusters);
  const jobs = parse.jobTargets(raw.jobs, scope);
  const passRolePatterns = parse.patterns(
    "passRolePattern",
    raw.passRolePattern,
    ROLE_NAME_PATTERN,
    "an IAM role name pattern",
    [],
  );
  if (jobs !== null && passRolePatterns.length === 0) {
    report(
      "passRolePattern",
      "",
      "is required when the jobs file has jobs: the IAM role names (pattern, e.g. app-*) of the jobs' task and execution roles, which run-job passes to ECS",
    );
  }
  const params = {
    ...scope,
    autoRollbackServices: parse.rollbackServices(raw.autoRollbackServices, scope),
    ...slackParams(raw, report),
    // PagerDuty, Microsoft Teams, Amazon Q Developer: secrets and topic by name, each channel's minimum severity.
    ...channelParams(raw, report),
    alertEmail: parse.alertEmail(raw.alertEmail),
    logGroupPatterns: parse.patterns(
      "logGroupPattern",
      raw.logGroupPattern,
      LOG_GROUP_PATTERN,
      "a log group name pattern",
      [DEFAULT_LOG_GROUP_PATTERN],
    ),
    logRegions: parse.logRegions(raw.logRegions),
    passRolePatterns,
    tuning: parse.tuning(raw),
    dryRun: parse.bool("dryRun", raw.dryRun),
    // The deployment hook answers a payload it does not understand with FAILED (rolls back) instead of
    // SUCCEEDED plus a warning.
    hookFailClosed: parse.bool("hookFailClosed", raw.hookFailClosed),
    // ecs-sentinel's own CloudWatch metrics (EMF lines; docs/monitoring.md): on, or off to save their cost.
    metrics: parse.choice("metrics", raw.metrics, ["on", "off"], "on"),
    slackMinSeverity: parse.choice("slackMinSeverity", raw.slackMinSeverity, SEVERITIES, "warning"),
    emailMinSeverity: parse.choice("emailMinSeverity", raw.emailMinSeverity, SEVERITIES, "critical"),
    jobs,
    // One deployment for many accounts: the hub bus, who may send to it, the member role the functions assume.
    ...hubParams(raw, report),
  };
  if (problems.length > 0) throw new InvalidStackParameterError([...new Set(problems)]);
  return params;
}

/** What a deployer should read before deploying these parameters: every opt-in to a wide grant. */
function loudWarnings(params) {
  const warnings = [];
  if (params.everyCluster) {
    warnings.push(
      `watchedClusters=${EVERY_CLUSTER}: ecs-sentinel watches EVERY ECS cluster of the account and region, and may roll back opted-in services in any of them`,
    );
  }
  if (params.logGroupPatterns.includes("*")) {
    warnings.push("logGroupPattern=*: the log tail may read EVERY log group of the account");
  }
  if (params.passRolePatterns.includes("*")) {
    warnings.push("passRolePattern=*: run-job and rollback may pass EVERY role of the account to ECS tasks");
  }
  if (params.hubMode && params.organizationId !== "") {
    warnings.push(
      `hubMode with organizationId=${params.organizationId}: EVERY account of the organization may send events to the hub bus, and the functions may assume the role "${params.memberRoleName}" in any of its accounts (where infra/member.yml created it)`,
    );
  }
  if (params.passRolePatterns.length === 0) {
    warnings.push(
      "passRolePattern is not set: a rollback through UpdateService (a crash loop after its deployment completed) cannot pass the task definition's task or execution role and is refused by IAM; StopServiceDeployment rollbacks are not affected",
    );
  }
  return warnings;
}

module.exports = {
  PARAMETER_NAMES,
  EVERY_CLUSTER,
  NO_JOBS_FILE,
  DEFAULT_LOG_GROUP_PATTERN,
  TUNING_DEFAULTS,
  CLUSTER_ARN,
  TASK_DEFINITION_ARN,
  TASK_DEFINITION_FAMILY,
  InvalidStackParameterError,
  editDistance,
  closestName,
  unknownParameterProblems,
  parseList,
  stackParams,
  loudWarnings,
};
