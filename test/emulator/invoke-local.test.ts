/**
 * `serverless invoke local` (osls) for every function against moto: the way docs/deploy.md tells a user to run
 * a packaged function offline. Runs on a private copy of the project (serverless-esbuild's .esbuild work folder
 * must not be shared), serially, each with a real event: a STOPPED task, a deployment, {"job": NAME}, and the
 * watchdog schedule's event. The *_OVERRIDE variables stand in for the stack's CloudFormation references.
 */

import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { snsClient } from "../../src/app/aws-sns.js";
import { type OslsRun, projectRoot, runOsls } from "../stack/support/package-stack.js";
import { createStateTable } from "../state/support/state-table.js";
import { createCluster, emulatorEndpoint, registerTaskDefinition } from "./support/index.js";

const workDir = mkdtempSync(join(tmpdir(), "invoke-local-"));
const TABLE = "invoke-local-state";
const INVOKE_TIMEOUT_MS = 120_000;
let topicArn: string;

/** `osls invoke local -f fn` on the private copy, against the emulator. */
function invokeLocal(fn: string, input: string[]): Promise<OslsRun> {
  const args = [
    "invoke",
    "local",
    "-f",
    fn,
    ...input,
    "--param=watchedClusters=prod",
    `--param=jobsFile=${join(workDir, "jobs.yml")}`,
    "--param=passRolePattern=ecs-sentinel-local-*",
  ];
  return runOsls(args, workDir, {
    timeoutMs: INVOKE_TIMEOUT_MS,
    env: {
      STATE_TABLE_OVERRIDE: TABLE,
      NOTIFY_TOPIC_ARN_OVERRIDE: topicArn,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      POWERTOOLS_LOG_LEVEL: "ERROR",
    },
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
