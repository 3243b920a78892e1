import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JobsFileError, parseJobsFile } from "../../src/shared/jobs/jobs-file.js";

const GOOD_JOB = `
  - name: nightly-migration
    schedule: cron(0 3 * * ? *)
    timezone: Europe/Berlin
    cluster: main
    taskDefinition: app-migrate
    capacity:
      launchType: FARGATE
    network:
      subnets: [subnet-1]
      securityGroups: [sg-1]
`;

function problemsOf(text: string): string[] {
  try {
    parseJobsFile(text);
  } catch (error) {
    if (error instanceof JobsFileError) return error.problems;
    throw error;
  }
  throw new Error("expected a JobsFileError");
}

/** GOOD_JOB with `field` (and any block nested under it) replaced by `field: yaml`. */
function jobWith(field: string, yaml: string): string {
  const lines: string[] = [];
  let skipping = false;
  for (const line of GOOD_JOB.split("\n")) {
    if (line.startsWith(`    ${field}:`)) skipping = true;
    else if (!line.startsWith("      ")) skipping = false;
    if (!skipping) lines.push(line);
  }
  return `jobs:\n${lines.join("\n")}\n    ${field}: ${yaml}\n`;
}

describe("parseJobsFile", () => {
  it("reads the example file with all four jobs and their defaults", () => {
    const file = parseJobsFile(readFileSync("examples/jobs.yml", "utf8"), "examples/jobs.yml");

    expect(file.jobs.map((job) => job.name)).toEqual([
      "nightly-migration",
      "spot-report-batch",
      "hourly-cache-warmup",
      "backfill-orders-2029",
    ]);
    expect(file.jobs[0]).toMatchObject({
      cluster: "production",
      timezone: "Europe/Berlin",
      network: { kind: "from-service", service: "api" },
      maxRuntimeSeconds: 7200,
      notify: { on: "always", channels: ["slack", "email"] },
      tags: { team: "platform" },
    });
    expect(file.jobs[1]?.capacity).toEqual({
      kind: "capacity-providers",
      strategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      fallback: "FARGATE",
    });
    expect(file.jobs[2]).toMatchObject({ timezone: "UTC", overlap: "skip", missedRunGraceSeconds: 600 });
    expect(file.jobs[3]?.schedule).toEqual({
      kind: "at",
      expression: "at(2030-02-01T22:00:00)",
      localTime: "2030-02-01T22:00:00",
    });
  });

  it("fills in the defaults of a minimal job", () => {
    const file = parseJobsFile(
      "jobs:\n  - name: tiny\n    schedule: rate(1 day)\n    cluster: c\n    taskDefinition: fam\n",
    );

    expect(file.jobs[0]).toEqual({
      name: "tiny",
      description: undefined,
      schedule: { kind: "rate", expression: "rate(1 day)", value: 1, unit: "day", seconds: 86400 },
      timezone: "UTC",
      cluster: "c",
      taskDefinition: "fam",
      containerOverrides: [],
      taskCpu: undefined,
      taskMemory: undefined,
      capacity: undefined,
      network: undefined,
      overlap: "skip",
      maxRuntimeSeconds: undefined,
      startRetries: 2,
      missedRunGraceSeconds: 900,
      notify: { on: "failure" },
      tags: {},
      enabled: true,
    });
  });

  it("reads an empty file as no jobs", () => {
    expect(parseJobsFile("").jobs).toEqual([]);
  });

  it("names the file, job and field, e.g. for a four-field cron expression", () => {
    const problems = problemsOf(jobWith("schedule", "cron(0 3 * *)"));

    expect(problems[0]).toMatch(
      /^jobs\.yml: job "nightly-migration": schedule: invalid cron expression "0 3 \* \*"/,
    );
  });

  it.each([
    ["schedule", "every night", 'schedule: "every night" must be cron(...), rate(...) or at(...)'],
    ["timezone", "Europe/Atlantis", 'timezone: unknown time zone "Europe/Atlantis"'],
    ["cluster", "''", "cluster: must be a non-empty string"],
    [
      "taskDefinition",
      "'app migrate'",
      'taskDefinition: "app migrate" must be a family, family:revision or a task',
    ],
    ["taskDefinition", "arn:aws:ecs:eu-west-1:1:task-definition/x", "taskDefinition: "],
    ["overlap", "sometimes", "overlap: must be one of skip, allow, replace"],
    ["maxRuntime", "2 hours", 'maxRuntime: must be a duration like "30m"'],
    ["startRetries", "-1", "startRetries: must be a whole number from 0 to 10"],
    ["startRetries", "1.5", "startRetries: must be a whole number"],
    ["missedRunGrace", "soon", "missedRunGrace: must be a duration"],
    ["notify", "{ on: sometimes }", "notify.on: must be one of failure, always, never"],
    ["notify", "{ on: always, channels: slack }", "notify.channels: must be a non-empty list of strings"],
    [
      "tags",
      "{ 'ecs-sentinel:job': x }",
      'tags.ecs-sentinel:job: the prefixes "ecs-sentinel:" and "aws:" are reserved',
    ],
    ["tags", "[a, b]", "tags: must be a mapping"],
    ["enabled", "yes please", "enabled: must be true or false"],
    ["capacity", "{ launchType: LAMBDA }", "capacity.launchType: must be one of FARGATE, EC2, EXTERNAL"],
    [
      "capacity",
      "{ launchType: FARGATE, capacityProviderStrategy: [{ capacityProvider: FARGATE_SPOT }] }",
      "capacity: set either launchType or capacityProviderStrategy, not both",
    ],
    [
      "capacity",
      "{ launchType: EC2, fallback: FARGATE }",
      "capacity.fallback: needs a capacityProviderStrategy",
    ],
    [
      "capacity",
      "{ capacityProviderStrategy: [] }",
      "capacity.capacityProviderStrategy: must be a non-empty list",
    ],
    [
      "capacity",
      "{ capacityProviderStrategy: [{ weight: 1 }] }",
      "capacity.capacityProviderStrategy[0].capacityProvider: is required",
    ],
    ["network", "{ fromService: api, subnets: [s] }", "network: set either fromService or subnets"],
    ["network", "{ securityGroups: [sg-1] }", "network.subnets: is required"],
    [
      "network",
      "{ subnets: [s], assignPublicIp: yes }",
      "network.assignPublicIp: must be one of ENABLED, DISABLED",
    ],
    ["overrides", "{ containers: [{ command: [a] }] }", "overrides.containers[0].name: is required"],
    [
      "overrides",
      "{ containers: [{ name: app, command: run }] }",
      "overrides.containers[0].command: must be a non-empty list",
    ],
    [
      "overrides",
      "{ containers: [{ name: app, memory: lots }] }",
      "overrides.containers[0].memory: must be a whole number",
    ],
    [
      "overrides",
      "{ containers: [{ name: app, environment: [A] }] }",
      "overrides.containers[0].environment: must be a mapping",
    ],
    [
      "overrides",
      "{ containers: [{ name: a }, { name: a }] }",
      'overrides.containers[1].name: "a" appears twice',
    ],
    ["overrides", "{ cpu: big }", "overrides.cpu: must be a number like 1024"],
    ["schedul", "cron(0 3 * * ? *)", "schedul: unknown field"],
  ])("reports a bad %s (%s) naming the job and field", (field, yaml, problem) => {
    const problems = problemsOf(jobWith(field, yaml));

    expect(problems.join("\n")).toContain(`jobs.yml: job "nightly-migration": ${problem}`);
  });

  it("reports a missing name by the job's position", () => {
    const problems = problemsOf("jobs:\n  - schedule: rate(1 hour)\n    cluster: c\n    taskDefinition: t\n");

    expect(problems).toEqual(["jobs.yml: job #1: name: is required"]);
  });

  it("requires a network for Fargate jobs", () => {
    const problems = problemsOf(
      "jobs:\n  - name: a\n    schedule: rate(1 hour)\n    cluster: c\n    taskDefinition: t\n    capacity: { launchType: FARGATE }\n",
    );

    expect(problems).toEqual([
      'jobs.yml: job "a": network: is required for Fargate (subnets and securityGroups, or fromService)',
    ]);
  });

  it("collects every problem of every job, not just the first", () => {
    const text = [
      "jobs:",
      "  - name: first",
      "    schedule: cron(0 3 * *)",
      "    cluster: c",
      "    taskDefinition: t",
      "    overlap: maybe",
      "  - name: bad name",
      "    schedule: rate(5 minute)",
      "    taskDefinition: t",
    ].join("\n");

    const problems = problemsOf(text);

    expect(problems).toEqual([
      expect.stringContaining('job "first": schedule: invalid cron expression "0 3 * *"'),
      expect.stringContaining('job "first": overlap: must be one of'),
      expect.stringContaining('job "bad name": name: "bad name" may only contain'),
      expect.stringContaining('job "bad name": schedule: invalid rate expression "5 minute"'),
      expect.stringContaining('job "bad name": cluster: is required'),
    ]);
  });

  it("rejects two jobs with the same name", () => {
    const text = `jobs:${GOOD_JOB}${GOOD_JOB}`;

    expect(problemsOf(text)).toEqual(['jobs.yml: job "nightly-migration": name: duplicates job #1']);
  });

  it("applies defaults and reports a bad default once, as defaults", () => {
    const text = [
      "defaults:",
      "  cluster: shared",
      "  timezone: Nowhere/Land",
      "jobs:",
      "  - { name: a, schedule: rate(1 hour), taskDefinition: t }",
      "  - { name: b, schedule: rate(1 hour), taskDefinition: t }",
    ].join("\n");

    expect(problemsOf(text)).toEqual(['jobs.yml: defaults: timezone: unknown time zone "Nowhere/Land"']);
  });

  it("merges default tags under the job's own tags", () => {
    const text = [
      "defaults:",
      "  cluster: shared",
      "  tags: { team: a, env: prod }",
      "jobs:",
      "  - { name: a, schedule: rate(1 hour), taskDefinition: t, tags: { team: b } }",
    ].join("\n");

    expect(parseJobsFile(text).jobs[0]?.tags).toEqual({ team: "b", env: "prod" });
  });

  it("rejects defaults for per-job fields and unknown top-level fields", () => {
    const text = "defaults:\n  schedule: rate(1 hour)\njob: []\n";

    expect(problemsOf(text)).toEqual([
      'jobs.yml: job: unknown top-level field; did you mean "jobs"?',
      "jobs.yml: defaults: schedule: cannot have a default",
    ]);
  });

  it("reports YAML syntax errors with the file name and position", () => {
    const problems = problemsOf("jobs:\n  - name: a\n   schedule: [\n");

    expect(problems[0]).toMatch(/^jobs\.yml: .*line \d+/);
  });

  it("uses the given file name in messages", () => {
    expect(() => parseJobsFile("jobs: 3", "ops/jobs.yml")).toThrow(
      "ops/jobs.yml: jobs: must be a list of jobs",
    );
  });
});
