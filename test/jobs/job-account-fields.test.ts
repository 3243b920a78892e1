import { describe, expect, it } from "vitest";
import { JobsFileError, parseJobsFile } from "../../src/shared/jobs/jobs-file.js";

const BASE = "name: a, schedule: rate(1 hour), cluster: c, taskDefinition: t";

function problemsOf(text: string): string[] {
  try {
    parseJobsFile(text);
  } catch (error) {
    if (error instanceof JobsFileError) return error.problems;
    throw error;
  }
  throw new Error("expected a JobsFileError");
}

describe("a job's account and region", () => {
  it("are kept on the job when valid, quoted or not", () => {
    const file = parseJobsFile(
      `jobs:\n  - { ${BASE}, account: "111111111111", region: eu-west-1 }\n  - { name: b, schedule: rate(1 hour), cluster: c, taskDefinition: t, account: 222222222222 }`,
    );

    expect(file.jobs.map((job) => [job.account, job.region])).toEqual([
      ["111111111111", "eu-west-1"],
      ["222222222222", undefined],
    ]);
  });

  it("are absent from a job that names neither", () => {
    const [job] = parseJobsFile(`jobs:\n  - { ${BASE} }`).jobs;

    expect(job).not.toHaveProperty("account");
    expect(job).not.toHaveProperty("region");
  });

  it("come from the defaults, and a job's own value wins", () => {
    const file = parseJobsFile(
      `defaults: { account: "111111111111", region: us-east-2 }\njobs:\n  - { ${BASE} }\n  - { name: b, schedule: rate(1 hour), cluster: c, taskDefinition: t, account: "222222222222" }`,
    );

    expect(file.jobs.map((job) => [job.account, job.region])).toEqual([
      ["111111111111", "us-east-2"],
      ["222222222222", "us-east-2"],
    ]);
  });

  it.each([
    [
      "too short",
      '"11111111111"',
      'job "a": account: must be a 12-digit AWS account id, got string "11111111111"',
    ],
    ["letters", "prod", 'job "a": account: must be a 12-digit AWS account id, got string "prod"'],
    [
      "an unquoted id that lost its leading zero",
      "012345678901",
      'job "a": account: must be a 12-digit AWS account id (quote it: YAML drops the leading zeros of "012345678901"), got number 12345678901',
    ],
  ])("reject a bad account (%s)", (_case, value, problem) => {
    expect(problemsOf(`jobs:\n  - { ${BASE}, account: ${value} }`)).toEqual([`jobs.yml: ${problem}`]);
  });

  it.each([
    ["a zone", "eu-west-1a"],
    ["upper case", "EU-WEST-1"],
    ["a name", "frankfurt"],
  ])("reject a bad region (%s)", (_case, value) => {
    expect(problemsOf(`jobs:\n  - { ${BASE}, region: ${value} }`)).toEqual([
      `jobs.yml: job "a": region: must be an AWS region name like eu-west-1, got string "${value}"`,
    ]);
  });

  it("accept the regions of other partitions", () => {
    const file = parseJobsFile(
      `jobs:\n  - { ${BASE}, region: us-gov-west-1 }\n  - { name: b, schedule: rate(1 hour), cluster: c, taskDefinition: t, region: ap-southeast-5 }`,
    );

    expect(file.jobs.map((job) => job.region)).toEqual(["us-gov-west-1", "ap-southeast-5"]);
  });

  it("report a bad account or region in the defaults once, as the defaults' problem", () => {
    const problems = problemsOf(
      `defaults: { account: "1234", region: moon-1 }\njobs:\n  - { ${BASE} }\n  - { name: b, schedule: rate(1 hour), cluster: c, taskDefinition: t }`,
    );

    expect(problems).toEqual([
      'jobs.yml: defaults: account: must be a 12-digit AWS account id, got string "1234"',
      'jobs.yml: defaults: region: must be an AWS region name like eu-west-1, got string "moon-1"',
    ]);
  });

  it("reject a cluster or task definition ARN of another account or region than the job's", () => {
    const problems = problemsOf(
      `jobs:\n  - { name: a, schedule: rate(1 hour), account: "111111111111", region: eu-west-1, cluster: "arn:aws:ecs:eu-west-1:222222222222:cluster/c", taskDefinition: "arn:aws:ecs:us-east-1:111111111111:task-definition/t:3" }`,
    );

    expect(problems).toEqual([
      'jobs.yml: job "a": cluster: is in account 222222222222, but the job runs in account 111111111111',
      'jobs.yml: job "a": taskDefinition: is in region us-east-1, but the job runs in region eu-west-1',
    ]);
  });
});
