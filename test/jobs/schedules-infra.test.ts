import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the generated CloudFormation JSON freely.
type CfnResource = any;

interface SchedulesModule {
  buildScheduleResources(
    text: string,
    options?: Record<string, unknown>,
  ): { Resources: Record<string, CfnResource> };
  resources(input: { options?: Record<string, string> }): Promise<{ Resources: Record<string, CfnResource> }>;
  schedules(input: { options?: Record<string, string> }): Promise<{ Resources: Record<string, CfnResource> }>;
  jobsFilePath(options?: Record<string, string>, env?: Record<string, string>, cwd?: string): string;
  loadJobsFile(
    filePath: string,
    options?: { now?: Date; warn?: (line: string) => void },
  ): { jobs: { name: string }[]; warnings: string[] } | null;
}

const schedulesModule = createRequire(import.meta.url)("../../infra/schedules.cjs") as SchedulesModule;
const EXAMPLE = readFileSync("examples/jobs.yml", "utf8");

function problemsOf(text: string): string[] {
  try {
    schedulesModule.buildScheduleResources(text);
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  throw new Error("expected a ScheduleConfigError");
}

describe("infra/schedules.cjs", () => {
  it("emits a schedule per job, a schedule group and the scheduler role", () => {
    const { Resources } = schedulesModule.buildScheduleResources(EXAMPLE);

    expect(Object.keys(Resources)).toEqual([
      "JobsScheduleGroup",
      "JobsSchedulerRole",
      "JobScheduleNightlyMigration",
      "JobScheduleSpotReportBatch",
      "JobScheduleHourlyCacheWarmup",
      "JobScheduleBackfillOrders2029",
    ]);
    expect(Resources.JobsScheduleGroup.Type).toBe("AWS::Scheduler::ScheduleGroup");
  });

  it("targets the run-job function with the job name, retries and the dead-letter queue", () => {
    const { Resources } = schedulesModule.buildScheduleResources(EXAMPLE);

    expect(Resources.JobScheduleNightlyMigration).toEqual({
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        Name: "nightly-migration",
        GroupName: { Ref: "JobsScheduleGroup" },
        Description: "Apply pending schema migrations",
        ScheduleExpression: "cron(0 3 * * ? *)",
        ScheduleExpressionTimezone: "Europe/Berlin",
        FlexibleTimeWindow: { Mode: "OFF" },
        State: "ENABLED",
        Target: {
          Arn: { "Fn::GetAtt": ["RunJobLambdaFunction", "Arn"] },
          RoleArn: { "Fn::GetAtt": ["JobsSchedulerRole", "Arn"] },
          Input: expect.any(String),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] } },
        },
      },
    });
    expect(JSON.parse(Resources.JobScheduleNightlyMigration.Properties.Target.Input)).toEqual({
      job: "nightly-migration",
      scheduledTime: "<aws.scheduler.scheduled-time>",
      executionId: "<aws.scheduler.execution-id>",
    });
  });

  it("keeps rate and at expressions and the default time zone", () => {
    const { Resources } = schedulesModule.buildScheduleResources(EXAMPLE);

    expect(Resources.JobScheduleHourlyCacheWarmup.Properties).toMatchObject({
      ScheduleExpression: "rate(1 hour)",
      ScheduleExpressionTimezone: "UTC",
    });
    expect(Resources.JobScheduleBackfillOrders2029.Properties).toMatchObject({
      ScheduleExpression: "at(2030-02-01T22:00:00)",
      ScheduleExpressionTimezone: "Europe/Berlin",
    });
  });

  it("lets the role invoke only the run-job function and write to the dead-letter queue", () => {
    const { Resources } = schedulesModule.buildScheduleResources(EXAMPLE);
    const role = Resources.JobsSchedulerRole.Properties;

    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: "scheduler.amazonaws.com",
    });
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      {
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: { "Fn::GetAtt": ["RunJobLambdaFunction", "Arn"] },
      },
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] } },
    ]);
  });

  it("creates a disabled job's schedule in state DISABLED", () => {
    const text = "jobs:\n  - { name: off, schedule: rate(1 day), enabled: false }\n";

    const { Resources } = schedulesModule.buildScheduleResources(text);

    expect(Resources.JobScheduleOff.Properties.State).toBe("DISABLED");
  });

  it("gives names that differ only in punctuation distinct logical ids", () => {
    const text =
      "jobs:\n  - { name: a-b, schedule: rate(1 day) }\n  - { name: a_b, schedule: rate(1 day) }\n";

    const ids = Object.keys(schedulesModule.buildScheduleResources(text).Resources).filter((id) =>
      id.startsWith("JobSchedule"),
    );

    expect(ids).toEqual(["JobScheduleAB", "JobScheduleAB615f62"]);
  });

  it("can reuse the group and role that infra/scheduler.yml defines", () => {
    const { Resources } = schedulesModule.buildScheduleResources(EXAMPLE, {
      groupLogicalId: "ScheduleGroup",
      roleLogicalId: "SchedulerRole",
      createGroupAndRole: false,
    });

    expect(Object.keys(Resources)).not.toContain("ScheduleGroup");
    expect(Resources.JobScheduleNightlyMigration.Properties.GroupName).toEqual({ Ref: "ScheduleGroup" });
    expect(Resources.JobScheduleNightlyMigration.Properties.Target.RoleArn).toEqual({
      "Fn::GetAtt": ["SchedulerRole", "Arn"],
    });
  });

  it("emits nothing for a file without jobs, and fails on a missing file instead of emitting no schedules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));

    expect(schedulesModule.buildScheduleResources("jobs: []\n")).toEqual({ Resources: {} });
    await expect(
      schedulesModule.resources({ options: { "jobs-file": join(dir, "missing.yml") } }),
    ).rejects.toThrow(/no such jobs file/);
  });

  it("reads the jobs file named by --jobs-file, then $JOBS_FILE, then ./jobs.yml", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const file = join(dir, "my-jobs.yml");
    writeFileSync(file, "jobs:\n  - { name: x, schedule: rate(1 day), cluster: c, taskDefinition: t }\n");

    const fromOption = await schedulesModule.schedules({ options: { "jobs-file": file } });

    expect(Object.keys(fromOption.Resources)).toEqual(["JobScheduleX"]);
    expect(schedulesModule.jobsFilePath({}, { JOBS_FILE: "ops/j.yml" }, "/repo")).toBe("/repo/ops/j.yml");
    expect(schedulesModule.jobsFilePath({}, {}, "/repo")).toBe("/repo/jobs.yml");
  });

  it("rejects bad schedules with the same messages as parseJobsFile, all at once", () => {
    const text = [
      "jobs:",
      "  - { name: nightly-migration, schedule: cron(0 3 * *) }",
      "  - { name: bad zone, schedule: rate(1 day), timezone: Mars/Base }",
      "  - { name: nightly-migration, schedule: rate(1 day) }",
    ].join("\n");

    expect(problemsOf(text)).toEqual([
      'jobs.yml: job "nightly-migration": schedule: invalid cron expression "0 3 * *": expected 6 fields (minutes hours day-of-month month day-of-week year), got 4',
      'jobs.yml: job "bad zone": name: "bad zone" may only contain letters, digits, "-" and "_"',
      'jobs.yml: job "bad zone": timezone: unknown time zone "Mars/Base"',
      'jobs.yml: job "nightly-migration": name: duplicates job #1',
    ]);
  });

  it("fails the packaging with every problem of the file at once, not only the schedule fields", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const file = join(dir, "jobs.yml");
    const text = [
      "jobs:",
      "  - { name: nightly, schedule: cron(0 3 * *), cluster: c, taskDefinition: t, maxRunTime: 2h }",
      "  - { name: weekly, schedule: rate(7 days), taskDefinition: t, overlap: sometimes }",
    ].join("\n");
    writeFileSync(file, text);

    const failure = await schedulesModule
      .schedules({ options: { "jobs-file": file } })
      .catch((error) => error);

    expect(failure).toMatchObject({ name: "ScheduleConfigError" });
    expect(failure.problems).toEqual([
      'jobs.yml: job "nightly": maxRunTime: unknown field; did you mean "maxRuntime"?',
      expect.stringMatching(/^jobs\.yml: job "nightly": schedule: invalid cron expression/),
      'jobs.yml: job "weekly": cluster: is required',
      expect.stringMatching(/^jobs\.yml: job "weekly": overlap: must be one of/),
    ]);
  });

  it("prints the warnings of a valid file when it packages, once", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const file = join(dir, "jobs.yml");
    writeFileSync(
      file,
      "jobs:\n  - { name: nightly, schedule: cron(30 2 * * ? *), timezone: Europe/Berlin, cluster: c, taskDefinition: t }\n",
    );
    const printed: string[] = [];
    const options = { now: new Date("2027-01-15T00:00:00Z"), warn: (line: string) => printed.push(line) };

    const loaded = schedulesModule.loadJobsFile(file, options);
    schedulesModule.loadJobsFile(file, options);

    expect(loaded?.jobs.map((job) => job.name)).toEqual(["nightly"]);
    expect(printed).toEqual([
      expect.stringContaining(
        'jobs.yml: job "nightly": schedule: runs at 02:30 Europe/Berlin: on 2027-03-28 that time does not exist',
      ),
    ]);
  });
});
