/**
 * The job runner, store and watchdog against moto: RunTask / ListTasks / DescribeTasks / StopTask through
 * buildEcsJobsAdapter, run records through buildJobRunStore in a real DynamoDB table, and the claim that
 * lets a Scheduler execution start one task however often it is delivered.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateServiceCommand, DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, ecsClient } from "../../src/app/aws.js";
import { parseTask } from "../../src/shared/events/parse.js";
import { handleRunJob, type JobsFlowDeps } from "../../src/shared/flows/job-run.js";
import { completeRun } from "../../src/shared/jobs/completion.js";
import { buildEcsJobsAdapter } from "../../src/shared/jobs/ecs-jobs.js";
import { buildJobRunStore } from "../../src/shared/jobs/run-store.js";
import { runJob } from "../../src/shared/jobs/start-run.js";
import type { JobSpec } from "../../src/shared/jobs/types.js";
import { runWatchdog } from "../../src/shared/jobs/watchdog.js";
import { silentLog } from "../../src/shared/log.js";
import { recordingNotifier } from "../flows/jobs-support.js";
import { makeJob } from "../jobs/fixtures.js";
import { countingDynamoClient } from "../state/support/state-table.js";
import {
  advanceTask,
  createCluster,
  createNetwork,
  type EmulatorNetwork,
  registerTaskDefinition,
} from "./support/index.js";

const TABLE = "jobs-state";
const CLUSTER = "jobs";
let network: EmulatorNetwork;
let runIds = 0;

function deps(now = new Date()) {
  const doc = DynamoDBDocumentClient.from(dynamoClient());
  return {
    ecs: buildEcsJobsAdapter(ecsClient()),
    store: buildJobRunStore(doc, TABLE),
    doc,
    now: () => now,
    newRunId: () => `run-${++runIds}`,
    sleep: async () => {},
  };
}

function fargateJob(overrides: Parameters<typeof makeJob>[0] = {}) {
  return makeJob({
    name: "nightly-migration",
    cluster: CLUSTER,
    taskDefinition: "migrate",
    capacity: { kind: "launch-type", launchType: "FARGATE" },
    network: {
      kind: "explicit",
      subnets: [network.subnetId],
      securityGroups: [network.securityGroupId],
      assignPublicIp: "DISABLED",
    },
    containerOverrides: [{ name: "app", command: ["npm", "run", "migrate"], environment: { STAGE: "test" } }],
    tags: { team: "platform" },
    ...overrides,
  });
}

async function describeOne(taskArn: string) {
  const { tasks = [] } = await ecsClient().send(
    new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn], include: ["TAGS"] }),
  );
  return tasks[0];
}

beforeAll(async () => {
  await createCluster(CLUSTER);
  network = await createNetwork();
  await registerTaskDefinition({ family: "migrate" });
  await registerTaskDefinition({
    family: "migrate",
    container: { environment: [{ name: "REVISION", value: "2" }] },
  });
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
});

describe("jobs on the emulator", () => {
  it("starts the task on the latest revision with startedBy, tags and overrides, and records the run", async () => {
    const d = deps();

    const result = await runJob(fargateJob(), d, { scheduledTime: "2025-03-10T03:00:00Z" });

    expect(result.action).toBe("run");
    expect(result.run.taskDefinitionArn).toMatch(/task-definition\/migrate:2$/);
    const taskArn = result.run.taskArn ?? "";
    const task = await describeOne(taskArn);
    expect(task?.startedBy).toBe("job/nightly-migration");
    expect(task?.tags).toEqual(
      expect.arrayContaining([
        { key: "team", value: "platform" },
        { key: "ecs-sentinel:job", value: "nightly-migration" },
        { key: "ecs-sentinel:run-id", value: result.run.runId },
      ]),
    );
    expect(task?.overrides?.containerOverrides?.[0]).toMatchObject({
      name: "app",
      command: ["npm", "run", "migrate"],
    });
    expect(await d.store.findRunByTask(taskArn)).toEqual(result.run);
    const pointer = await d.doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `task#${taskArn}`, sk: "job-run" } }),
    );
    expect(pointer.Item).toMatchObject({ job: "nightly-migration", runPk: "job#nightly-migration" });
    expect(pointer.Item?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it("finds the running task through ListTasks by startedBy and skips the next run", async () => {
    const d = deps();

    const result = await runJob(fargateJob(), d);

    expect(result.action).toBe("skip");
    expect(result.run.reason).toMatch(/still running; overlap is "skip"$/);
    const [latest] = await d.store.recentRuns("nightly-migration", 1);
    expect(latest).toMatchObject({ status: "skipped", runId: result.run.runId });
  });

  it("replaces the running task when overlap is replace", async () => {
    const d = deps();
    const [running] = await d.ecs.listJobTasks(CLUSTER, "job/nightly-migration");

    const result = await runJob(fargateJob({ overlap: "replace" }), d);

    expect(result.action).toBe("replace");
    expect(result.stoppedTasks).toEqual([running?.taskArn]);
    const old = await describeOne(running?.taskArn ?? "");
    expect(old?.desiredStatus).toBe("STOPPED");
    expect(old?.stoppedReason).toBe(
      `ecs-sentinel: job nightly-migration replaced by run ${result.run.runId}`,
    );
  });

  it("runs in the network of the service named by fromService", async () => {
    await ecsClient().send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: "api",
        taskDefinition: "migrate",
        desiredCount: 0,
        launchType: "FARGATE",
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [network.subnetId],
            securityGroups: [network.securityGroupId],
            assignPublicIp: "DISABLED",
          },
        },
      }),
    );
    const d = deps();

    const vpc = await d.ecs.serviceNetwork(CLUSTER, "api");
    const result = await runJob(
      fargateJob({ name: "from-service", network: { kind: "from-service", service: "api" } }),
      d,
    );

    expect(vpc).toEqual({
      subnets: [network.subnetId],
      securityGroups: [network.securityGroupId],
      assignPublicIp: "DISABLED",
    });
    expect(result.action).toBe("run");
    await expect(d.ecs.serviceNetwork(CLUSTER, "nope")).rejects.toThrow(/service nope in cluster jobs/);
  });

  it("records failed-to-start for a task definition family that does not exist", async () => {
    const result = await runJob(fargateJob({ name: "ghost", taskDefinition: "does-not-exist" }), deps());

    expect(result.action).toBe("failed-to-start");
    expect(result.run.reason).toMatch(/^could not prepare the task: /);
  });

  it("closes the run once when its stopped task is seen, even if the event comes twice", async () => {
    const d = deps();
    const started = await runJob(fargateJob({ name: "closing", notify: { on: "always" } }), d);
    const taskArn = started.run.taskArn ?? "";
    let described = await describeOne(taskArn);
    while (described?.lastStatus !== "STOPPED") described = await advanceTask(CLUSTER, taskArn);
    const run = await d.store.findRunByTask(taskArn);

    const completion = completeRun({ run: run ?? started.run, task: parseTask(described) });
    const first = await d.store.closeRun(completion.run);
    const second = await d.store.closeRun(completion.run);

    expect(completion.notify).toBe(true);
    expect(completion.message.kind).toBe("job");
    expect([first, second]).toEqual([true, false]);
    expect((await d.store.findRunByTask(taskArn))?.status).toBe(completion.outcome);
  });

  it("lets the watchdog stop a task past its maximum runtime, with a reason that says so", async () => {
    const job = fargateJob({ name: "overdue", maxRuntimeSeconds: 60 });
    const started = await runJob(job, deps());
    const twoHoursLater = new Date(Date.now() + 2 * 3600_000);

    const report = await runWatchdog([job], deps(twoHoursLater));

    expect(report.errors).toEqual([]);
    expect(report.stopped.map((s) => s.taskArn)).toEqual([started.run.taskArn]);
    const task = await describeOne(started.run.taskArn ?? "");
    expect(task?.desiredStatus).toBe("STOPPED");
    expect(task?.stoppedReason).toBe("ecs-sentinel: job overdue exceeded its maximum runtime of 1m");
  });

  it("remembers the watch state in the table and alarms a missed run once", async () => {
    const job = fargateJob({ name: "missed", maxRuntimeSeconds: undefined });
    const d = deps();
    await d.store.saveWatchState({ job: "missed", watchingSince: "2025-03-01T00:00:00.000Z" });
    const at = new Date("2025-03-10T03:30:00Z");

    const first = await runWatchdog([job], deps(at));
    const again = await runWatchdog([job], deps(at));

    expect(first.missed).toEqual([{ job: "missed", scheduledAt: new Date("2025-03-10T03:00:00Z") }]);
    expect(again.missed).toEqual([]);
    expect(await d.store.getWatchState("missed")).toEqual({
      job: "missed",
      watchingSince: "2025-03-01T00:00:00.000Z",
      lastMissedAlarm: "2025-03-10T03:00:00.000Z",
    });
  });
});

describe("repeated deliveries of one Scheduler execution on the emulator", () => {
  /**
   * The run-job flow with its store on a client that sends one DynamoDB request at a time: moto does not
   * apply a conditional write atomically under concurrent requests, real DynamoDB does (see state-table.ts).
   */
  function flow(jobs: JobSpec[]) {
    const serialised = DynamoDBDocumentClient.from(countingDynamoClient().client);
    const notify = recordingNotifier();
    const flowDeps: JobsFlowDeps = {
      jobs,
      ecs: buildEcsJobsAdapter(ecsClient()),
      store: buildJobRunStore(serialised, TABLE),
      now: () => new Date(),
      newRunId: () => `run-${++runIds}`,
      sleep: async () => {},
      notify,
      log: silentLog,
      dryRun: false,
    };
    return { flowDeps, notify, doc: serialised };
  }

  it("starts one task when the same execution is delivered four times at once, with overlap allow", async () => {
    const job = fargateJob({ name: "concurrent", overlap: "allow" });
    const { flowDeps, doc } = flow([job]);
    const invocation = { job: "concurrent", executionId: "exec-concurrent-1" };

    const results = await Promise.all([1, 2, 3, 4].map(() => handleRunJob(invocation, flowDeps)));

    const started = results.filter((r) => r.status === "done" && r.result.action === "run");
    const duplicates = results.filter((r) => r.status === "dropped" && r.duplicate);
    expect(started).toHaveLength(1);
    expect(duplicates).toHaveLength(3);
    expect(await flowDeps.ecs.listJobTasks(CLUSTER, "job/concurrent")).toHaveLength(1);
    expect(await flowDeps.store.recentRuns("concurrent", 10)).toEqual([
      expect.objectContaining({ runId: "exec-concurrent-1", status: "running" }),
    ]);
    const claim = await doc.send(
      new GetCommand({
        TableName: TABLE,
        Key: { pk: "job#concurrent", sk: "execution#exec-concurrent-1" },
      }),
    );
    const inThreeDays = Date.now() / 1000 + 3 * 86_400;
    expect(claim.Item?.expiresAt).toBeGreaterThan(inThreeDays - 60);
    expect(claim.Item?.expiresAt).toBeLessThan(inThreeDays + 60);
  });

  it("does not start a second task for a redelivery that arrives after the first task stopped", async () => {
    const job = fargateJob({ name: "redelivered", overlap: "skip" });
    const { flowDeps } = flow([job]);
    const invocation = { job: "redelivered", executionId: "exec-redelivered-1" };
    const first = await handleRunJob(invocation, flowDeps);
    const taskArn = first.status === "done" ? (first.result.run.taskArn ?? "") : "";
    let task = await describeOne(taskArn);
    while (task?.lastStatus !== "STOPPED") task = await advanceTask(CLUSTER, taskArn);

    const redelivered = await handleRunJob(invocation, flowDeps);

    expect(first.status === "done" && first.result.action).toBe("run");
    expect(redelivered).toMatchObject({
      status: "dropped",
      duplicate: { executionId: "exec-redelivered-1" },
    });
    // moto keeps desiredStatus RUNNING on a task that stopped by itself, so the stopped task is still listed.
    const listed = await flowDeps.ecs.listJobTasks(CLUSTER, "job/redelivered");
    expect(listed.map((listedTask) => listedTask.taskArn)).toEqual([taskArn]);
    expect(await flowDeps.store.recentRuns("redelivered", 10)).toHaveLength(1);
  });

  it("notifies a failed start once, however often the execution is delivered", async () => {
    const job = fargateJob({ name: "unstartable", taskDefinition: "does-not-exist" });
    const { flowDeps, notify } = flow([job]);
    const invocation = { job: "unstartable", executionId: "exec-unstartable-1" };

    const results = await Promise.all([1, 2, 3].map(() => handleRunJob(invocation, flowDeps)));

    expect(results.filter((r) => r.status === "done" && r.result.action === "failed-to-start")).toHaveLength(
      1,
    );
    expect(notify.sent.map((sent) => sent.dedupeKey)).toEqual([
      "job#unstartable#exec-unstartable-1#failed-to-start",
    ]);
  });
});
