/**
 * The jobs wiring end to end against moto: the run-job Lambda handler (jobs file from JOBS_FILE, RunTask /
 * ListTasks / DescribeTasks, run record in DynamoDB), the completion of a run from a replayed stopped event
 * through dispatchEvent with the job hook (one SNS message), the watchdog stopping an overdue task, and
 * `jobs run --wait` following a task to its exit code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DescribeTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, ecsClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { loadConfig } from "../../src/app/config.js";
import { configuredRunStore, jobHooks, jobsFlowDeps } from "../../src/app/jobs.js";
import { describeTaskWith, runJobs } from "../../src/cli/jobs.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import type { RunJobFlowResult } from "../../src/shared/flows/job-run.js";
import { handleWatchdog } from "../../src/shared/flows/job-watchdog.js";
import { parseJobsFile } from "../../src/shared/jobs/jobs-file.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import { captureIo } from "../support/cli-io.js";
import {
  advanceTask,
  createCluster,
  createNetwork,
  readPublishedSnsMessages,
  registerTaskDefinition,
} from "./support/index.js";

const CLUSTER = "jobs-flow";
const TABLE = "jobs-flow-state";
const scratch = mkdtempSync(join(tmpdir(), "jobs-flow-"));
const jobsPath = join(scratch, "jobs.yml");
const context = { getRemainingTimeInMillis: () => 30_000 } as Context;
const options = { log: silentLog, deadline: () => 30_000 };
let topicArn: string;
let env: Record<string, string>;

function jobsYaml(subnet: string, securityGroup: string): string {
  return `defaults:
  cluster: ${CLUSTER}
  taskDefinition: nightly
  capacity: { launchType: FARGATE }
  network: { subnets: [${subnet}], securityGroups: [${securityGroup}] }
jobs:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    notify: { on: always, channels: [email] }
  - name: overdue
    schedule: rate(1 hour)
    maxRuntime: 1m
  - name: followed
    schedule: rate(1 day)
`;
}

async function describe1(taskArn: string): Promise<Task | undefined> {
  const { tasks = [] } = await ecsClient().send(
    new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn], include: ["TAGS"] }),
  );
  return tasks[0];
}

/** The STOPPED "ECS Task State Change" event EventBridge would deliver for `task` (dates as JSON strings). */
function stoppedEventFor(task: Task) {
  return {
    version: "0",
    id: `replayed-${task.taskArn}`,
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [task.taskArn],
    detail: JSON.parse(JSON.stringify(task)),
  };
}

async function stopTaskInMoto(taskArn: string): Promise<Task> {
  let task = await describe1(taskArn);
  while (task?.lastStatus !== "STOPPED") task = await advanceTask(CLUSTER, taskArn);
  return (await describe1(taskArn)) ?? task;
}

beforeAll(async () => {
  await createCluster(CLUSTER);
  const network = await createNetwork("jobs-flow");
  await registerTaskDefinition({ family: "nightly" });
  await dynamoClient().send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  topicArn = (await snsClient().send(new CreateTopicCommand({ Name: "jobs-flow" }))).TopicArn ?? "";
  writeFileSync(jobsPath, jobsYaml(network.subnetId, network.securityGroupId));
  env = { STATE_TABLE: TABLE, NOTIFY_TOPIC_ARN: topicArn, JOBS_FILE: jobsPath, AWS_REGION: "us-east-1" };
  // The handler module builds its dependencies from the environment at import (its cold start).
  Object.assign(process.env, env);
});

afterAll(() => {
  for (const name of ["STATE_TABLE", "NOTIFY_TOPIC_ARN", "JOBS_FILE"]) delete process.env[name];
});

describe("jobs wiring on the emulator", () => {
  let started: RunJobFlowResult | undefined;

  it("runs the job a Scheduler invocation names through the run-job handler", async () => {
    const { handler } = await import("../../src/handlers/run-job.js");

    started = await handler(
      { job: "nightly", scheduledTime: "2025-03-10T03:00:00Z", executionId: "exec-nightly-1" },
      context,
    );

    expect(started?.status).toBe("done");
    const run = started?.status === "done" ? started.result.run : undefined;
    expect(run).toMatchObject({
      runId: "exec-nightly-1",
      status: "running",
      scheduledTime: "2025-03-10T03:00:00Z",
    });
    const task = await describe1(run?.taskArn ?? "");
    expect(task?.startedBy).toBe("job/nightly");
    expect(task?.tags).toContainEqual({ key: "ecs-sentinel:run-id", value: "exec-nightly-1" });
    const stored = await configuredRunStore(loadConfig(env), silentLog).findRunByTask(run?.taskArn ?? "");
    expect(stored?.status).toBe("running");
  });

  it("skips the next invocation while the run is in progress (found through ListTasks by startedBy)", async () => {
    const { handler } = await import("../../src/handlers/run-job.js");

    const again = await handler({ job: "nightly" }, context);

    expect(again.status === "done" && again.result.action).toBe("skip");
    // The job notifies on "always", so the skip is reported, by email as its channels say.
    const subjects = (await readPublishedSnsMessages(topicArn)).map((m) => m.subject);
    expect(subjects).toEqual([expect.stringContaining("Job nightly skipped a run")]);
  });

  it("drops an invocation for a job that is not in the jobs file", async () => {
    const { handler } = await import("../../src/handlers/run-job.js");

    const result = await handler({ job: "not-a-job" }, context);

    expect(result.status).toBe("dropped");
  });

  it("closes the run from the replayed stopped event and sends the job's message once", async () => {
    const taskArn = started?.status === "done" ? (started.result.run.taskArn ?? "") : "";
    const event = stoppedEventFor(await stopTaskInMoto(taskArn));
    const config = loadConfig(env);
    const generic: Message[] = [];
    const deps = {
      notify: async (message: Message) => {
        generic.push(message);
        return [];
      },
      log: silentLog,
      hooks: jobHooks(config, options),
    };

    const first = await dispatchEvent(event, deps);
    const replayed = await dispatchEvent(event, deps);

    expect(first.status).toBe("diagnosed");
    expect(replayed.status).toBe("diagnosed");
    expect(generic).toEqual([]);
    const succeeded = (await readPublishedSnsMessages(topicArn)).filter((m) =>
      m.subject?.includes("Job nightly succeeded"),
    );
    expect(succeeded).toHaveLength(1);
    const run = await configuredRunStore(config, silentLog).findRunByTask(taskArn);
    expect(run).toMatchObject({ status: "succeeded", exitCodes: { app: 0 } });
  });

  it("lets the watchdog stop an overdue task with a reason that says so, and report it", async () => {
    const deps = jobsFlowDeps(loadConfig(env), options, parseJobsFile(readFileSync(jobsPath, "utf8")));
    const start = await (await import("../../src/handlers/run-job.js")).handler({ job: "overdue" }, context);
    const taskArn = start.status === "done" ? (start.result.run.taskArn ?? "") : "";
    const twoHoursLater = new Date(Date.now() + 2 * 3_600_000);

    const report = await handleWatchdog({ ...deps, now: () => twoHoursLater });

    expect(report.errors).toEqual([]);
    expect(report.stopped).toEqual([expect.objectContaining({ job: "overdue", taskArn })]);
    const task = await describe1(taskArn);
    expect(task?.desiredStatus).toBe("STOPPED");
    expect(task?.stoppedReason).toBe("ecs-sentinel: job overdue exceeded its maximum runtime of 1m");
  });

  it("follows `jobs run --wait` to the task's end and exits with its container's exit code", async () => {
    const io = Object.assign(captureIo({ files: { [jobsPath]: readFileSync(jobsPath, "utf8") } }), { env });
    const describeTask = describeTaskWith(ecsClient());
    let followed = "";

    const code = await runJobs(["run", "followed", "--wait", "--file", jobsPath], io, {
      now: () => new Date(),
      flow: (file) => jobsFlowDeps(loadConfig(env), options, file),
      wait: {
        describeTask: (cluster, taskArn) => {
          followed = taskArn;
          return describeTask(cluster, taskArn);
        },
        // Instead of waiting, moto's task takes its next lifecycle step.
        sleep: async () => {
          await advanceTask(CLUSTER, followed);
        },
      },
      onInterrupt: () => () => {},
    });

    // moto 5.1.1 reports exit code 0 for every container; non-zero codes are covered with a fake ECS port.
    expect(code).toBe(0);
    expect(io.out()).toMatch(/followed: started arn:aws:ecs:us-east-1:\d+:task\/jobs-flow\//);
    expect(io.out()).toContain("  RUNNING\n");
    expect(io.out()).toMatch(
      / {2}STOPPED.*\nfollowed: succeeded: every essential container exited 0\nexit code 0 \(container app\)\n$/,
    );
  });
});
