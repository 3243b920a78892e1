/**
 * `serverless invoke local` (osls) for every function against moto: the way docs/deploy.md tells a user to run
 * a packaged function offline. Runs on a private copy of the project (serverless-esbuild's .esbuild work folder
 * must not be shared), serially, each with a real event: a STOPPED task, a deployment, {"job": NAME}, and the
 * watchdog schedule's event. The *_OVERRIDE variables stand in for the stack's CloudFormation references.
 */

import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, snsClient } from "../../src/app/aws.js";
import { createStateTable } from "../state/support/state-table.js";
import { createCluster, emulatorEndpoint, registerTaskDefinition } from "./support/index.js";

const projectRoot = join(import.meta.dirname, "..", "..");
const oslsBin = join(projectRoot, "node_modules", "osls", "bin", "serverless.js");
const workDir = mkdtempSync(join(tmpdir(), "invoke-local-"));
const TABLE = "invoke-local-state";
const INVOKE_TIMEOUT_MS = 120_000;
let topicArn: string;

/** Runs osls; after an error report osls may keep running (esbuild's service), so it is killed then. */
function invokeLocal(fn: string, input: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        oslsBin,
        "invoke",
        "local",
        "-f",
        fn,
        ...input,
        "--param=watchedClusters=prod",
        `--param=jobsFile=${join(workDir, "jobs.yml")}`,
        "--param=passRolePattern=ecs-sentinel-local-*",
      ],
      {
        cwd: workDir,
        env: {
          ...process.env,
          STATE_TABLE_OVERRIDE: TABLE,
          NOTIFY_TOPIC_ARN_OVERRIDE: topicArn,
          AWS_ENDPOINT_URL: emulatorEndpoint(),
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          SLS_TELEMETRY_DISABLED: "1",
          SLS_NOTIFICATIONS_MODE: "off",
          SLS_INTERACTIVE_SETUP_DISABLE: "1",
          CI: "true",
          POWERTOOLS_LOG_LEVEL: "ERROR",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => child.kill("SIGKILL");
    const overall = setTimeout(stop, INVOKE_TIMEOUT_MS);
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (killTimer === undefined && /^Error:$/m.test(output)) killTimer = setTimeout(stop, 2_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(overall);
      clearTimeout(killTimer);
      resolve({ code, output });
    });
  });
}

/** The handler's result: the JSON osls prints after the logs. */
function resultOf(output: string): Record<string, unknown> {
  const start = output.search(/^\{\n/m);
  expect(start, output).toBeGreaterThanOrEqual(0);
  return JSON.parse(output.slice(start, output.indexOf("\n}", start) + 2));
}

beforeAll(async () => {
  for (const entry of ["serverless.yml", "package.json", "tsconfig.json", "infra", "src", "examples"])
    cpSync(join(projectRoot, entry), join(workDir, entry), { recursive: true });
  symlinkSync(join(projectRoot, "node_modules"), join(workDir, "node_modules"), "dir");
  writeFileSync(
    join(workDir, "jobs.yml"),
    "jobs:\n  - { name: nightly-report, schedule: cron(0 3 * * ? *), cluster: prod, taskDefinition: nightly-report, capacity: { launchType: EC2 }, maxRuntime: 1h }\n",
  );
  await createCluster("prod");
  await registerTaskDefinition({ family: "nightly-report" });
  await createStateTable(dynamoClient(), TABLE);
  topicArn = (await snsClient().send(new CreateTopicCommand({ Name: "invoke-local" }))).TopicArn ?? "";
}, 60_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("serverless invoke local, every function, against the emulator", () => {
  it(
    "taskState diagnoses a STOPPED task event",
    async () => {
      const run = await invokeLocal("taskState", ["-p", "examples/events/01-api-oom-killed.json"]);

      expect(run.code, run.output).toBe(0);
      expect(resultOf(run.output)).toMatchObject({
        status: "diagnosed",
        diagnosis: { category: "out-of-memory" },
      });
    },
    INVOKE_TIMEOUT_MS,
  );

  it(
    "deploymentEvents handles a deployment event",
    async () => {
      const run = await invokeLocal("deploymentEvents", [
        "-p",
        "examples/events/02-api-deployment-in-progress.json",
      ]);

      expect(run.code, run.output).toBe(0);
      expect(resultOf(run.output)).toMatchObject({
        status: "handled",
        detailType: "ECS Deployment State Change",
      });
    },
    INVOKE_TIMEOUT_MS,
  );

  it(
    'runJob runs {"job": NAME} from the embedded jobs file',
    async () => {
      const run = await invokeLocal("runJob", ["-d", '{"job":"nightly-report"}']);

      expect(run.code, run.output).toBe(0);
      expect(resultOf(run.output)).toMatchObject({ status: "done", job: "nightly-report" });
    },
    INVOKE_TIMEOUT_MS,
  );

  it(
    "watchdog sweeps on the schedule's event",
    async () => {
      const event = JSON.parse(
        readFileSync(join(projectRoot, "examples/events/01-api-oom-killed.json"), "utf8"),
      );
      const scheduled = { ...event, "detail-type": "Scheduled Event", source: "aws.scheduler", detail: {} };
      writeFileSync(join(workDir, "scheduled.json"), JSON.stringify(scheduled));

      const run = await invokeLocal("watchdog", ["-p", "scheduled.json"]);

      expect(run.code, run.output).toBe(0);
      expect(resultOf(run.output)).toMatchObject({ stopped: [], missed: [], errors: [] });
    },
    INVOKE_TIMEOUT_MS,
  );
});
