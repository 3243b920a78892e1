/**
 * `ecs-sentinel jobs history NAME` and `ecs-sentinel watchdog --once [--dry-run]` against moto, over run records
 * the runner really wrote (runs started with `jobs run`, one of them closed from its replayed stopped event).
 */

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, ecsClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { loadConfig } from "../../src/app/config.js";
import { configuredRunStore, jobHooks } from "../../src/app/jobs.js";
import { runJobsHistory } from "../../src/cli/jobs-history.js";
import { main } from "../../src/cli/main.js";
import { defaultWatchdogDeps, runWatchdogCli } from "../../src/cli/watchdog.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { silentLog } from "../../src/shared/log.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";
import { advanceTask, createCluster, createNetwork, registerTaskDefinition } from "./support/index.js";

const CLUSTER = "cli-jobs";
const TABLE = "cli-jobs-state";
const scratch = mkdtempSync(join(tmpdir(), "cli-jobs-"));
const jobsPath = join(scratch, "jobs.yml");
let env: Record<string, string>;
const io = () => {
  const captured = captureIo({ files: { [jobsPath]: readFileSync(jobsPath, "utf8") } });
  captured.env = env;
  return captured;
};

async function describe1(taskArn: string): Promise<Task | undefined> {
  const { tasks = [] } = await ecsClient().send(
    new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }),
  );
  return tasks[0];
}

async function startRun(job: string): Promise<string> {
  const out = io();
  expect(await main(["jobs", "run", job, "--file", jobsPath], out)).toBe(0);
  const runs = await configuredRunStore(loadConfig(env), silentLog).recentRuns(job, 1);
  return runs[0]?.taskArn ?? "";
}

beforeAll(async () => {
  await createCluster(CLUSTER);
  const network = await createNetwork("cli-jobs");
  await registerTaskDefinition({ family: "report" });
  await createStateTable(dynamoClient(), TABLE);
  const topicArn = (await snsClient().send(new CreateTopicCommand({ Name: "cli-jobs" }))).TopicArn ?? "";
  writeFileSync(
    jobsPath,
    `defaults:
  cluster: ${CLUSTER}
  taskDefinition: report
  capacity: { launchType: FARGATE }
  network: { subnets: [${network.subnetId}], securityGroups: [${network.securityGroupId}] }
jobs:
  - name: report
    schedule: rate(1 day)
    overlap: allow
  - name: slow
    schedule: rate(1 day)
    maxRuntime: 1m
`,
  );
  env = { STATE_TABLE: TABLE, NOTIFY_TOPIC_ARN: topicArn, AWS_REGION: "us-east-1" };
});

describe("jobs history", () => {
  it("lists the job's runs newest first with start, end, exit code, duration, result, task and trigger", async () => {
    const first = await startRun("report");
    const task = await (async () => {
      let current = await describe1(first);
      while (current?.lastStatus !== "STOPPED") current = await advanceTask(CLUSTER, first);
      return (await describe1(first)) ?? current;
    })();
    const event = {
      version: "0",
      id: `stopped-${first}`,
      "detail-type": "ECS Task State Change",
      source: "aws.ecs",
      account: "123456789012",
      time: new Date().toISOString(),
      region: "us-east-1",
      resources: [first],
      detail: JSON.parse(JSON.stringify(task)),
    };
    await dispatchEvent(event, {
      notify: async () => [],
      log: silentLog,
      hooks: jobHooks(loadConfig(env), { log: silentLog, deadline: () => 30_000 }),
    });
    const second = await startRun("report");
    const out = io();

    const code = await runJobsHistory(["report", "--json"], out);

    expect(code).toBe(0);
    const rows = out
      .out()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ job: "report", result: "running", trigger: "manual" });
    expect(rows[0].taskId).toBe(second.split("/").pop());
    expect(rows[1]).toMatchObject({ result: "succeeded", trigger: "manual", taskId: first.split("/").pop() });
    expect(rows[1].exitCodes).toEqual(expect.any(Object));
    // moto's stopped tasks carry no stoppedAt, so end and duration stay empty here (real ECS sets them).
  });

  it("prints a readable table through `ecs-sentinel jobs history`, and --limit keeps the newest", async () => {
    const out = io();

    const code = await main(["jobs", "history", "report", "--limit", "1"], out);

    expect(code).toBe(0);
    const lines = out.out().trim().split("\n");
    expect(lines[0]).toMatch(/^STARTED\s+ENDED\s+RESULT\s+EXIT\s+DURATION\s+TRIGGER\s+TASK$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/\brunning\b.*\bmanual\b/);
  });
});

describe("watchdog --once", () => {
  it("with --dry-run prints the overdue run it would stop and stops nothing", async () => {
    const taskArn = await startRun("slow");
    const later = new Date(Date.now() + 10 * 60_000);
    const out = io();

    const code = await runWatchdogCli(
      ["--once", "--dry-run", "--file", jobsPath],
      out,
      (file, dryRun, cli) => ({
        ...defaultWatchdogDeps(file, dryRun, cli),
        now: () => later,
      }),
    );

    expect(code).toBe(0);
    expect(out.out()).toContain(`would stop slow: ${taskArn}`);
    expect(out.out()).toContain("dry run: nothing changed or sent");
    expect((await describe1(taskArn))?.desiredStatus).toBe("RUNNING");
  });

  it("stops the overdue run and says so", async () => {
    const [run] = await configuredRunStore(loadConfig(env), silentLog).recentRuns("slow", 1);
    const later = new Date(Date.now() + 10 * 60_000);
    const out = io();

    const code = await runWatchdogCli(["--once", "--file", jobsPath], out, (file, dryRun, cli) => ({
      ...defaultWatchdogDeps(file, dryRun, cli),
      now: () => later,
    }));

    expect(code).toBe(0);
    expect(out.out()).toContain(`stopped slow: ${run?.taskArn}`);
    expect((await describe1(run?.taskArn ?? ""))?.desiredStatus).toBe("STOPPED");
  });

  it("refuses to run without --once", async () => {
    const out = io();

    const code = await main(["watchdog", "--file", jobsPath], out);

    expect(code).toBe(2);
    expect(out.err()).toContain("give --once");
  });
});
