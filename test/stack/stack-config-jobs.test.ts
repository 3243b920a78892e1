/** The job functions' IAM statements when the jobs file names the task definitions and clusters. */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  type IamStatement,
  InvalidStackParameterError,
  runJobStatements,
  stackParams,
  watchdogStatements,
} from "../../infra/stack-config.cjs";

interface SchedulesModule {
  stackJobsFilePath(input: {
    options?: Record<string, unknown>;
    resolveVariable?: (name: string) => Promise<unknown>;
    resolveConfigurationProperty?: (path: string[]) => Promise<unknown>;
  }): Promise<string>;
}

const schedules = createRequire(import.meta.url)("../../infra/schedules.cjs") as SchedulesModule;

const ecsArn = (resource: string) => ({
  "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

const statement = (statements: IamStatement[], sid: string): IamStatement | undefined =>
  statements.find((candidate) => candidate.Sid === sid);

const unresolvable = async () => {
  throw new Error("Cannot resolve variable");
};

describe("job-scoped permissions", () => {
  it("allows RunTask on every revision of the jobs' families, wherever an ARN puts them", () => {
    const params = stackParams({
      watchedClusters: "batch",
      passRolePattern: "app-*",
      jobs: {
        clusters: ["batch"],
        taskDefinitions: [
          "migrate",
          "reports:42",
          "arn:aws:ecs:eu-west-1:111122223333:task-definition/warm:7",
        ],
      },
    });

    const runTask = statement(runJobStatements(params), "RunJobTasks");

    expect(runTask?.Resource).toEqual([
      ecsArn("task-definition/migrate:*"),
      ecsArn("task-definition/reports:*"),
      "arn:aws:ecs:eu-west-1:111122223333:task-definition/warm:*",
    ]);
    expect(runTask?.Condition).toEqual({ ArnEquals: { "ecs:cluster": [ecsArn("cluster/batch")] } });
  });

  it("refuses a task definition reference it cannot scope, instead of allowing every task definition", () => {
    const build = () =>
      stackParams({
        watchedClusters: "batch",
        passRolePattern: "app-*",
        jobs: { clusters: ["batch"], taskDefinitions: ["migrate", "not a family!"] },
      });

    expect(build).toThrow(/jobsFile="not a family!" names a task definition that is not FAMILY/);
  });

  it("scopes the watchdog's StopTask and ListTasks to the jobs' clusters, a cluster ARN as written", () => {
    const cluster = "arn:aws:ecs:eu-west-1:111122223333:cluster/batch";
    const statements = watchdogStatements(
      stackParams({
        watchedClusters: "*",
        passRolePattern: "app-*",
        jobs: { clusters: [cluster], taskDefinitions: ["x"] },
      }),
    );

    expect(statement(statements, "WatchTasks")?.Resource).toEqual([
      "arn:aws:ecs:eu-west-1:111122223333:task/batch/*",
    ]);
    expect(statement(statements, "ListClusterTasks")?.Condition).toEqual({
      ArnLike: { "ecs:cluster": [cluster] },
    });
  });

  it("rejects a job whose cluster is not watched, since its completion would never arrive", () => {
    const build = () =>
      stackParams({
        watchedClusters: "prod",
        passRolePattern: "app-*",
        jobs: { clusters: ["batch"], taskDefinitions: ["migrate"] },
      });

    expect(build).toThrow(InvalidStackParameterError);
    expect(build).toThrow(
      /jobsFile names job cluster "batch", which is not in watchedClusters: add it there/,
    );
  });

  it("gives run-job and the watchdog no ECS task permission when the jobs file has no job", () => {
    const params = stackParams({ watchedClusters: "prod", jobs: { clusters: [], taskDefinitions: [] } });
    const ecsTaskActions = (statements: IamStatement[]) =>
      statements
        .flatMap((s) => s.Action)
        .filter((action) => /^ecs:(RunTask|StopTask|DescribeTasks|ListTasks|TagResource)$/.test(action));

    expect(params.jobs).toBeNull();
    expect(ecsTaskActions(runJobStatements(params))).toEqual([]);
    expect(ecsTaskActions(watchdogStatements(params))).toEqual([]);
    expect(runJobStatements(params).flatMap((s) => s.Action)).not.toContain("iam:PassRole");
  });
});

describe("the jobsFile stack parameter", () => {
  it("is read from --param while osls cannot resolve param variables yet", async () => {
    const path = await schedules.stackJobsFilePath({
      options: { stage: "prod", param: ["watchedClusters=prod", "jobsFile=ops/jobs.yml"] },
      resolveVariable: unresolvable,
      resolveConfigurationProperty: async () => ({ default: { jobsFile: "./jobs.yml" } }),
    });

    expect(path).toBe(`${process.cwd()}/ops/jobs.yml`);
  });

  it("falls back to the stage's params, then the default params", async () => {
    const params = { default: { jobsFile: "./jobs.yml" }, prod: { jobsFile: "prod-jobs.yml" } };
    const resolveConfigurationProperty = async () => params;

    const prod = await schedules.stackJobsFilePath({
      options: { stage: "prod" },
      resolveVariable: unresolvable,
      resolveConfigurationProperty,
    });
    const dev = await schedules.stackJobsFilePath({
      options: { stage: "dev" },
      resolveVariable: unresolvable,
      resolveConfigurationProperty,
    });

    expect(prod).toBe(`${process.cwd()}/prod-jobs.yml`);
    expect(dev).toBe(`${process.cwd()}/jobs.yml`);
  });
});
