"use strict";
/**
 * EventBridge Scheduler resources for the jobs in jobs.yml, for serverless.yml, in one of two ways:
 *
 *   resources:
 *     - ${file(./infra/schedules.cjs):schedules}   # reuse ScheduleGroup + SchedulerRole of infra/scheduler.yml
 *     - ${file(./infra/schedules.cjs):resources}   # or: emit a group and a role of its own as well
 *
 * The Serverless Framework calls the named export with the CLI options and a variable resolver; the jobs
 * file is `--jobs-file PATH`, else the stack parameter `jobsFile`, else $JOBS_FILE, else ./jobs.yml (relative
 * to the working directory). A missing file is an error (never "no schedules", which a deploy would turn
 * into deleting the existing ones). Emits one AWS::Scheduler::Schedule per job (target: the run-job function, retries, DLQ) and,
 * for `resources`, an AWS::Scheduler::ScheduleGroup and the role Scheduler assumes to invoke the function
 * (and to write undeliverable invocations to the DLQ).
 *
 * Before any schedule is emitted the whole file is checked by loadJobsFile with the code of `ecs-sentinel jobs
 * validate` (every error at once fails the packaging; warnings are printed). buildScheduleResources itself reads
 * only the fields a schedule needs (name, schedule, timezone, enabled), with the rules and messages of the
 * TypeScript parser: both use src/shared/jobs/schedule-syntax.cjs.
 */
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const {
  checkJobName,
  checkTimeZone,
  parseScheduleExpression,
} = require("../src/shared/jobs/schedule-syntax.cjs");

const DEFAULTS = {
  functionLogicalId: "RunJobLambdaFunction",
  deadLetterQueueLogicalId: "DeadLetterQueue",
  groupLogicalId: "JobsScheduleGroup",
  roleLogicalId: "JobsSchedulerRole",
  /** false: the group and role named above exist elsewhere in the stack (e.g. infra/scheduler.yml). */
  createGroupAndRole: true,
  /** Scheduler's own retries when invoking the function fails (throttling, service errors). */
  maximumRetryAttempts: 3,
  /** Give up on an invocation it could not deliver after this long; a job an hour late is a missed job. */
  maximumEventAgeInSeconds: 3600,
};

class ScheduleConfigError extends Error {
  constructor(problems) {
    super(problems.join("\n"));
    this.name = "ScheduleConfigError";
    this.problems = problems;
  }
}

function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "nightly-migration" -> "JobScheduleNightlyMigration"; CloudFormation logical ids are alphanumeric. */
function logicalIdFor(name, taken) {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
  let id = `JobSchedule${pascal}`;
  // "a-b" and "a_b" would collide; the suffix keeps both, and is stable for a given name.
  if (taken.has(id)) id += Buffer.from(name).toString("hex").slice(0, 16);
  taken.add(id);
  return id;
}

/** Reads the jobs that need a schedule out of jobs.yml text; throws ScheduleConfigError listing all problems. */
function readScheduledJobs(text, fileName) {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ScheduleConfigError(doc.errors.map((error) => `${fileName}: ${error.message.split("\n")[0]}`));
  }
  const root = doc.toJS() ?? {};
  if (!isRecord(root)) throw new ScheduleConfigError([`${fileName}: expected a mapping with a "jobs" list`]);
  const defaults = isRecord(root.defaults) ? root.defaults : {};
  const rawJobs = root.jobs ?? [];
  if (!Array.isArray(rawJobs)) throw new ScheduleConfigError([`${fileName}: jobs: must be a list of jobs`]);

  const problems = [];
  const jobs = [];
  const names = new Map();
  rawJobs.forEach((raw, index) => {
    const label =
      isRecord(raw) && typeof raw.name === "string" && raw.name.trim()
        ? `job "${raw.name}"`
        : `job #${index + 1}`;
    if (!isRecord(raw)) {
      problems.push(`${fileName}: ${label}: must be a mapping of job fields`);
      return;
    }
    const at = (field, problem) => problems.push(`${fileName}: ${label}: ${field}: ${problem}`);
    const name = checkJobName(raw.name);
    if (!name.ok) at("name", name.problem);
    const schedule = raw.schedule === undefined ? undefined : parseScheduleExpression(raw.schedule);
    if (!schedule) at("schedule", "is required");
    else if (!schedule.ok) at("schedule", schedule.problem);
    const zoneFromDefaults = raw.timezone === undefined && defaults.timezone !== undefined;
    const zone = checkTimeZone(raw.timezone ?? defaults.timezone ?? "UTC");
    if (!zone.ok) {
      if (zoneFromDefaults) problems.push(`${fileName}: defaults: timezone: ${zone.problem}`);
      else at("timezone", zone.problem);
    }
    const enabled = raw.enabled ?? defaults.enabled ?? true;
    if (typeof enabled !== "boolean") at("enabled", `must be true or false, got ${JSON.stringify(enabled)}`);
    if (name.ok) {
      const first = names.get(name.value);
      if (first !== undefined) at("name", `duplicates job #${first + 1}`);
      else names.set(name.value, index);
    }
    if (name.ok && schedule?.ok && zone.ok && typeof enabled === "boolean") {
      const description = typeof raw.description === "string" ? raw.description : undefined;
      jobs.push({ name: name.value, schedule: schedule.value, timezone: zone.value, enabled, description });
    }
  });
  const unique = [...new Set(problems)];
  if (unique.length > 0) throw new ScheduleConfigError(unique);
  return jobs;
}

/**
 * CloudFormation resources for the jobs in `text` (the content of jobs.yml). Options override the logical
 * ids of the run-job function and the dead-letter queue, the schedule group's name and the retry policy.
 */
function buildScheduleResources(text, options = {}) {
  const settings = { ...DEFAULTS, ...options };
  const fileName = settings.fileName ?? "jobs.yml";
  const jobs = readScheduledJobs(text, fileName);
  if (jobs.length === 0) return { Resources: {} };

  const functionArn = { "Fn::GetAtt": [settings.functionLogicalId, "Arn"] };
  const deadLetterArn = { "Fn::GetAtt": [settings.deadLetterQueueLogicalId, "Arn"] };
  const shared = {
    [settings.groupLogicalId]: {
      Type: "AWS::Scheduler::ScheduleGroup",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
      Properties: { Name: settings.groupName ?? { "Fn::Sub": "${AWS::StackName}-jobs" } },
    },
    [settings.roleLogicalId]: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "scheduler.amazonaws.com" },
              Action: "sts:AssumeRole",
              // Only schedules of this account may use the role (confused-deputy guard).
              Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: "invoke-run-job",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: functionArn },
                // Scheduler writes to the DLQ as this role; without it the dead-letter config fails silently.
                { Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetterArn },
              ],
            },
          },
        ],
      },
    },
  };

  const resources = settings.createGroupAndRole ? shared : {};
  const taken = new Set(Object.keys(shared));
  for (const job of jobs) {
    resources[logicalIdFor(job.name, taken)] = {
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        Name: job.name,
        GroupName: { Ref: settings.groupLogicalId },
        Description: (job.description ?? `ecs-sentinel job ${job.name}`).slice(0, 512),
        ScheduleExpression: job.schedule.expression,
        ScheduleExpressionTimezone: job.timezone,
        FlexibleTimeWindow: { Mode: "OFF" },
        State: job.enabled ? "ENABLED" : "DISABLED",
        Target: {
          Arn: functionArn,
          RoleArn: { "Fn::GetAtt": [settings.roleLogicalId, "Arn"] },
          // Scheduler fills in the <aws.scheduler.*> context attributes: the scheduled time lets the watchdog
          // match runs to occurrences, the execution id identifies retries of one invocation.
          Input: JSON.stringify({
            job: job.name,
            scheduledTime: "<aws.scheduler.scheduled-time>",
            executionId: "<aws.scheduler.execution-id>",
          }),
          RetryPolicy: {
            MaximumRetryAttempts: settings.maximumRetryAttempts,
            MaximumEventAgeInSeconds: settings.maximumEventAgeInSeconds,
          },
          DeadLetterConfig: { Arn: deadLetterArn },
        },
      },
    };
  }
  return { Resources: resources };
}

/** The jobs file path: `--jobs-file`, else $JOBS_FILE, else ./jobs.yml. */
function jobsFilePath(options = {}, env = process.env, cwd = process.cwd()) {
  return path.resolve(cwd, options["jobs-file"] ?? env.JOBS_FILE ?? "jobs.yml");
}

/**
 * The stack parameter `jobsFile` as osls would resolve it. `${param:...}` cannot be resolved while osls
 * resolves the `resources` list (it fails with "Cannot resolve variable"), so the same precedence is read
 * from the raw inputs then: `--param=jobsFile=...`, then `params.<stage>.jobsFile`, then `params.default`.
 */
async function jobsFileParam({ options = {}, resolveVariable, resolveConfigurationProperty } = {}) {
  const resolved = resolveVariable
    ? await resolveVariable("param:jobsFile").catch(() => undefined)
    : undefined;
  if (typeof resolved === "string") return resolved;
  const fromCli = [options.param ?? []]
    .flat()
    .filter((entry) => typeof entry === "string" && entry.startsWith("jobsFile="))
    .at(-1);
  if (fromCli !== undefined) return fromCli.slice("jobsFile=".length);
  if (!resolveConfigurationProperty) return undefined;
  const params = (await resolveConfigurationProperty(["params"]).catch(() => undefined)) ?? {};
  const stage = options.stage ?? (await resolveVariable?.("sls:stage").catch(() => undefined)) ?? "dev";
  return params[stage]?.jobsFile ?? params.default?.jobsFile;
}

/** The path osls should use: `--jobs-file`, else the `jobsFile` parameter, else $JOBS_FILE, else ./jobs.yml. */
async function stackJobsFilePath(input = {}) {
  const options = input.options ?? {};
  if (options["jobs-file"] === undefined) {
    const fromParam = await jobsFileParam(input);
    if (typeof fromParam === "string" && fromParam.trim() !== "")
      return jobsFilePath({ "jobs-file": fromParam.trim() });
  }
  return jobsFilePath(options);
}

let cachedChecker;
/**
 * checkJobsText of src/shared/jobs/jobs-check.ts (what `ecs-sentinel jobs validate` runs), bundled on the fly
 * with esbuild (which the stack's packaging already needs), so a deploy rejects exactly what the run-job Lambda
 * would reject at cold start, and warns about what `jobs validate` warns about.
 */
function fullJobsFileChecker() {
  if (cachedChecker) return cachedChecker;
  const { buildSync } = require("esbuild");
  const bundled = buildSync({
    entryPoints: [path.join(__dirname, "../src/shared/jobs/jobs-check.ts")],
    bundle: true,
    format: "cjs",
    platform: "node",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  const loaded = { exports: {} };
  new Function("module", "exports", "require", bundled.outputFiles[0].text)(loaded, loaded.exports, require);
  cachedChecker = loaded.exports.checkJobsText;
  return cachedChecker;
}

/** Where packaging prints warnings: osls shows the process's stderr. */
function printWarning(line) {
  process.stderr.write(`ecs-sentinel: warning: ${line}\n`);
}

const loadedFiles = new Map();
/**
 * Reads and fully validates the jobs file at `filePath`: `{ fileName, text, jobs, warnings }` (jobs with
 * defaults applied), or null for no path. Throws ScheduleConfigError listing every problem of the file, all at
 * once; prints each warning (daylight-saving changes, at() in the past) through `warn`, once.
 */
function loadJobsFile(filePath, { now = new Date(), warn = printWarning } = {}) {
  if (loadedFiles.has(filePath)) return loadedFiles.get(filePath);
  let loaded = null;
  if (filePath) {
    const fileName = path.basename(filePath);
    const text = fs.readFileSync(filePath, "utf8");
    const { file, errors, warnings } = fullJobsFileChecker()(text, fileName, now);
    if (errors.length > 0) throw new ScheduleConfigError(errors);
    for (const warning of warnings) warn(warning);
    loaded = { fileName, text, jobs: file.jobs, warnings };
  }
  loadedFiles.set(filePath, loaded);
  return loaded;
}

/**
 * What the run-job function's IAM policy needs to know about the jobs: the task definitions and clusters as
 * written (names or ARNs). Empty lists when there is no jobs file.
 */
function jobTargets(jobs) {
  return {
    taskDefinitions: [...new Set(jobs.map((job) => job.taskDefinition))],
    clusters: [...new Set(jobs.map((job) => job.cluster))],
  };
}

/** The esbuild global the run-job and watchdog bundles read the jobs file from (see src/app/jobs-lambda.ts). */
const EMBEDDED_JOBS_GLOBAL = "ECS_SENTINEL_JOBS_FILE";

/** esbuild `define` embedding a loaded jobs file (parsed data, so the Lambdas need no YAML parser). */
function embeddedJobsDefine(loaded) {
  const embedded = loaded
    ? { fileName: loaded.fileName, document: YAML.parse(loaded.text, { uniqueKeys: true }) }
    : null;
  return { [EMBEDDED_JOBS_GLOBAL]: JSON.stringify(embedded) };
}

/**
 * esbuild `define` for a serverless.yml of its own: embeds the validated jobs file in the bundles, so the
 * Lambda runs exactly the jobs its schedules were made from. ecs-sentinel's serverless.yml uses
 * stack-config.cjs's `serverless.bundleDefine`, which validates the stack parameters too.
 */
async function bundleDefine(input = {}) {
  return embeddedJobsDefine(loadJobsFile(await existingJobsFile(input)));
}

/** The jobs file the options name; a missing one is an error, never "zero jobs" (a deploy would delete them). */
async function existingJobsFile(input) {
  const filePath = await stackJobsFilePath(input);
  if (!fs.existsSync(filePath)) {
    throw new ScheduleConfigError([
      `${filePath}: no such jobs file: create it (see examples/jobs.yml), or leave the schedules out of the stack`,
    ]);
  }
  return filePath;
}

/** The schedules of the jobs file; the whole file is validated first, so a broken file lists every problem. */
async function fromJobsFile(input, settings) {
  const filePath = await existingJobsFile(input);
  loadJobsFile(filePath);
  return buildScheduleResources(fs.readFileSync(filePath, "utf8"), {
    ...settings,
    fileName: path.basename(filePath),
  });
}

/** The logical ids infra/scheduler.yml gives its schedule group and scheduler role. */
const SHARED_SCHEDULER = {
  groupLogicalId: "ScheduleGroup",
  roleLogicalId: "SchedulerRole",
  createGroupAndRole: false,
};

module.exports = {
  /** ${file(./infra/schedules.cjs):resources} — schedules plus their own group and role. */
  resources: async (input = {}) => fromJobsFile(input, {}),
  /** ${file(./infra/schedules.cjs):schedules} — schedules only, in infra/scheduler.yml's group and role. */
  schedules: async (input = {}) => fromJobsFile(input, SHARED_SCHEDULER),
  /** ${file(./infra/schedules.cjs):bundleDefine} — the jobs file for the bundles (esbuild `define`). */
  bundleDefine,
  embeddedJobsDefine,
  buildScheduleResources,
  readScheduledJobs,
  jobsFilePath,
  stackJobsFilePath,
  loadJobsFile,
  jobTargets,
  EMBEDDED_JOBS_GLOBAL,
  ScheduleConfigError,
  DEFAULTS,
  SHARED_SCHEDULER,
};
