/**
 * Packages the stack with examples/jobs.yml as its jobs file (`--param=jobsFile=...`) and checks what the
 * jobs become: one Scheduler schedule per job, run-job permissions named after the jobs' task definitions
 * and clusters, and the very same file embedded in the run-job and watchdog bundles, loaded at cold start.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJobsFile } from "../../src/shared/jobs/jobs-file.js";
import {
  type CfnResource,
  type PackagedStack,
  PackageFailedError,
  packageStack,
  projectRoot,
  resourcesOfType,
} from "./support/package-stack.js";
import { readZipEntry, zipEntryNames } from "./support/unzip.js";

const EXAMPLE_PATH = join(projectRoot, "examples", "jobs.yml");
const EXAMPLE = parseJobsFile(readFileSync(EXAMPLE_PATH, "utf8"));
const DLQ_ARN = { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] };
const ecsArn = (resource: string) => ({
  "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

let stack: PackagedStack;
const scratch = mkdtempSync(join(tmpdir(), "jobs-template-"));

beforeAll(async () => {
  stack = await packageStack("test", [
    `jobsFile=${EXAMPLE_PATH}`,
    "watchedClusters=production",
    "passRolePattern=app-*",
  ]);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const jobSchedules = () =>
  resourcesOfType(stack.template, "AWS::Scheduler::Schedule").filter(([id]) => id.startsWith("JobSchedule"));

function runJobStatements(): Statement[] {
  const fn = stack.template.Resources.RunJobLambdaFunction as CfnResource;
  const roleId = (fn.Properties.Role as { "Fn::GetAtt": [string] })["Fn::GetAtt"][0];
  const role = stack.template.Resources[roleId] as CfnResource;
  const policies = role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

const bySid = (sid: string) => runJobStatements().find((statement) => statement.Sid === sid);

describe("job schedules", () => {
  it("creates one schedule per enabled job, named after it, invoking runJob with the job's name", () => {
    const enabled = EXAMPLE.jobs.filter((job) => job.enabled).map((job) => job.name);

    const schedules = jobSchedules().map(([, schedule]) => schedule.Properties);

    expect(schedules.map((props) => props.Name)).toEqual(enabled);
    for (const props of schedules) {
      const target = props.Target as Record<string, unknown>;
      expect(target.Arn).toEqual({ "Fn::GetAtt": ["RunJobLambdaFunction", "Arn"] });
      expect(JSON.parse(target.Input as string)).toEqual({
        job: props.Name,
        scheduledTime: "<aws.scheduler.scheduled-time>",
        executionId: "<aws.scheduler.execution-id>",
      });
      expect(props.State).toBe("ENABLED");
    }
  });

  it("keeps each job's schedule and time zone, with the flexible window off, retries and the dead-letter queue", () => {
    for (const [id, schedule] of jobSchedules()) {
      const job = EXAMPLE.jobs.find((candidate) => candidate.name === schedule.Properties.Name);
      const target = schedule.Properties.Target as Record<string, unknown>;

      expect(schedule.Properties.ScheduleExpression, id).toBe(job?.schedule.expression);
      expect(schedule.Properties.ScheduleExpressionTimezone, id).toBe(job?.timezone);
      expect(schedule.Properties.FlexibleTimeWindow, id).toEqual({ Mode: "OFF" });
      expect(target.RetryPolicy, id).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
      expect(target.DeadLetterConfig, id).toEqual({ Arn: DLQ_ARN });
    }
  });

  it("puts the schedules in the stack's schedule group, invoking with the scheduler role", () => {
    for (const [id, schedule] of jobSchedules()) {
      expect(schedule.Properties.GroupName, id).toEqual({ Ref: "ScheduleGroup" });
      expect((schedule.Properties.Target as Record<string, unknown>).RoleArn, id).toEqual({
        "Fn::GetAtt": ["SchedulerRole", "Arn"],
      });
    }
  });
});

describe("run-job permissions", () => {
  it("allows RunTask only on the task definition families of the jobs, in the jobs' cluster", () => {
    const runTask = bySid("RunJobTasks");

    expect(runTask?.Action).toEqual(["ecs:RunTask"]);
    expect(runTask?.Resource).toEqual([
      ecsArn("task-definition/app-migrate:*"),
      ecsArn("task-definition/reports:*"),
      "arn:aws:ecs:eu-central-1:123456789012:task-definition/cache-warmup:*",
      ecsArn("task-definition/app-backfill:*"),
    ]);
    expect(runTask?.Condition).toEqual({ ArnEquals: { "ecs:cluster": [ecsArn("cluster/production")] } });
  });

  it("limits PassRole to roles handed to ECS tasks", () => {
    expect(bySid("PassJobTaskRoles")?.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    });
  });

  it("scopes StopTask, DescribeTasks and ListTasks to the jobs' cluster", () => {
    const watch = bySid("WatchJobTasks");
    const list = bySid("ListClusterTasks");
    const clusterCondition = { ArnLike: { "ecs:cluster": [ecsArn("cluster/production")] } };

    expect(watch?.Action).toEqual(["ecs:DescribeTasks", "ecs:StopTask"]);
    expect(watch?.Resource).toEqual([ecsArn("task/production/*")]);
    expect(watch?.Condition).toEqual(clusterCondition);
    expect(list?.Condition).toEqual(clusterCondition);
  });
});

describe("the jobs file inside the packages", () => {
  it("embeds the jobs file in the run-job and watchdog bundles", () => {
    // The file may be embedded as text or as its parsed document: look for what both forms keep verbatim.
    const jobFields = EXAMPLE.jobs.flatMap((job) =>
      [job.name, job.taskDefinition, job.description].filter((field): field is string => !!field),
    );
    expect(jobFields.length).toBeGreaterThan(5);
    for (const [artifact, entry] of [
      ["runJob", "src/handlers/run-job.mjs"],
      ["watchdog", "src/handlers/watchdog.mjs"],
    ] as const) {
      // With code splitting the handler imports chunks beside it: the file may be in any of them.
      const zip = stack.artifacts[artifact] as Buffer;
      const chunks = zipEntryNames(zip).filter((name) => name.endsWith(".mjs") && name !== entry);
      const bundle = [entry, ...chunks].map((name) => readZipEntry(zip, name).toString("utf8")).join("\n");

      const missing = jobFields.filter((field) => !bundle.includes(field));
      expect(missing, artifact).toEqual([]);
    }
  });

  it("loads the embedded jobs at cold start: the packaged handler knows every job and drops other names", () => {
    // Unpack the whole artifact: a split bundle imports its chunks by relative path.
    const zip = stack.artifacts.runJob as Buffer;
    for (const name of zipEntryNames(zip).filter((entry) => !entry.endsWith("/"))) {
      mkdirSync(dirname(join(scratch, name)), { recursive: true });
      writeFileSync(join(scratch, name), readZipEntry(zip, name));
    }
    const bundlePath = join(scratch, "src/handlers/run-job.mjs");
    const script = `const { handler } = await import(${JSON.stringify(bundlePath)});
      const result = await handler({ job: "no-such-job" }, { getRemainingTimeInMillis: () => 10000 });
      process.stdout.write("RESULT " + JSON.stringify(result) + "\\n");`;

    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "offline",
        AWS_SECRET_ACCESS_KEY: "offline",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        POWERTOOLS_LOG_LEVEL: "ERROR",
      },
      encoding: "utf8",
    });
    const result = JSON.parse(output.split("RESULT ")[1] ?? "{}");

    expect(result).toEqual({
      status: "dropped",
      reason: `unknown job "no-such-job" (jobs in the deployed jobs file: ${EXAMPLE.jobs.map((job) => job.name).join(", ")})`,
    });
  });
});

describe("an invalid jobs file", () => {
  it("fails packaging with every problem, naming the job and field, before anything is deployed", async () => {
    const broken = join(scratch, "broken-jobs.yml");
    writeFileSync(
      broken,
      [
        "jobs:",
        "  - { name: no-task, schedule: rate(1 hour), cluster: batch }",
        "  - { name: bad-overlap, schedule: rate(1 day), cluster: batch, taskDefinition: app, overlap: sometimes }",
      ].join("\n"),
    );

    const failure = await packageStack("test", [
      `jobsFile=${broken}`,
      "watchedClusters=batch",
      "passRolePattern=app-*",
    ]).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PackageFailedError);
    const output = (failure as Error).message;
    expect(output).toContain('broken-jobs.yml: job "no-task": taskDefinition: is required');
    expect(output).toMatch(/broken-jobs\.yml: job "bad-overlap": overlap: /);
  }, 300_000);
});
