import { describe, expect, it } from "vitest";
import { editDistance } from "../../src/shared/edit-distance.js";
import { JobsFileError, parseJobsFile } from "../../src/shared/jobs/jobs-file.js";
import { nearestName } from "../../src/shared/jobs/suggest.js";

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

describe("unknown fields name the nearest known field", () => {
  it.each([
    ["job", `{ ${BASE}, maxRunTime: 2h }`, 'job "a": maxRunTime: unknown field; did you mean "maxRuntime"?'],
    [
      "job (separator style)",
      `{ ${BASE}, time_zone: UTC }`,
      'job "a": time_zone: unknown field; did you mean "timezone"?',
    ],
    [
      "job (part of a name)",
      `{ ${BASE}, retries: 1 }`,
      'job "a": retries: unknown field; did you mean "startRetries"?',
    ],
    [
      "overrides",
      `{ ${BASE}, overrides: { memroy: 512 } }`,
      'job "a": overrides.memroy: unknown field; did you mean "memory"?',
    ],
    [
      "container overrides",
      `{ ${BASE}, overrides: { containers: [{ name: app, comand: [run] }] } }`,
      'job "a": overrides.containers[0].comand: unknown field; did you mean "command"?',
    ],
    [
      "capacity",
      `{ ${BASE}, capacity: { lauchType: EC2 } }`,
      'job "a": capacity.lauchType: unknown field; did you mean "launchType"?',
    ],
    [
      "capacity provider strategy",
      `{ ${BASE}, capacity: { capacityProviderStrategy: [{ capacityProvider: X, wieght: 1 }] } }`,
      'job "a": capacity.capacityProviderStrategy[0].wieght: unknown field; did you mean "weight"?',
    ],
    [
      "network",
      `{ ${BASE}, network: { subnet: [s-1] } }`,
      'job "a": network.subnet: unknown field; did you mean "subnets"?',
    ],
    [
      "notify",
      `{ ${BASE}, notify: { channel: [slack] } }`,
      'job "a": notify.channel: unknown field; did you mean "channels"?',
    ],
  ])("in a %s", (_, job, problem) => {
    expect(problemsOf(`jobs:\n  - ${job}\n`)).toContain(`jobs.yml: ${problem}`);
  });

  it("lists the known fields when none is close", () => {
    const problems = problemsOf(`jobs:\n  - { ${BASE}, notify: { xyzzy: 1 } }\n`);

    expect(problems).toEqual([
      'jobs.yml: job "a": notify.xyzzy: unknown field; expected one of on, channels',
    ]);
  });

  it("in defaults and at the top level", () => {
    const problems = problemsOf(`defalts: {}\ndefaults:\n  clustr: c\njobs:\n  - { ${BASE} }\n`);

    expect(problems).toEqual([
      'jobs.yml: defalts: unknown top-level field; did you mean "defaults"?',
      'jobs.yml: defaults: clustr: unknown field; did you mean "cluster"?',
    ]);
  });

  it("measures edit distance with swapped neighbours as one edit", () => {
    expect(editDistance("wieght", "weight")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(nearestName("zzzzzz", ["cluster", "overlap"])).toBeUndefined();
  });
});

describe("problems found in one pass beyond the first job", () => {
  it("reports a bad default that every job overrides", () => {
    const text = `defaults:\n  notify: { on: sometimes }\njobs:\n  - { ${BASE}, notify: { on: always } }\n`;

    expect(problemsOf(text)).toEqual([
      'jobs.yml: defaults: notify.on: must be one of failure, always, never, got string "sometimes"',
    ]);
  });

  it("reports defaults when the file has no jobs yet", () => {
    expect(problemsOf("defaults:\n  overlap: never\n  startRetries: 99\n")).toEqual([
      'jobs.yml: defaults: overlap: must be one of skip, allow, replace, got string "never"',
      "jobs.yml: defaults: startRetries: must be a whole number from 0 to 10, got number 99",
    ]);
  });
});

describe("cross-field rules RunTask would enforce", () => {
  it("rejects a public IP for an EC2 task", () => {
    const text = `jobs:\n  - { ${BASE}, capacity: { launchType: EC2 }, network: { subnets: [s-1], assignPublicIp: ENABLED } }\n`;

    expect(problemsOf(text)).toEqual([
      'jobs.yml: job "a": network.assignPublicIp: ENABLED works only on Fargate, not with launchType EC2; use DISABLED and a NAT gateway or VPC endpoints',
    ]);
  });

  it("rejects a container that asks for more memory or cpu than the task", () => {
    const overrides = "{ cpu: 1024, memory: 2048, containers: [{ name: app, cpu: 2048, memory: 4096 }] }";

    const problems = problemsOf(`jobs:\n  - { ${BASE}, overrides: ${overrides} }\n`);

    expect(problems).toEqual([
      'jobs.yml: job "a": overrides.containers[0].memory: 4096 MiB is more than the task\'s overrides.memory 2048',
      'jobs.yml: job "a": overrides.containers[0].cpu: 2048 CPU units is more than the task\'s overrides.cpu 1024',
    ]);
  });
});
