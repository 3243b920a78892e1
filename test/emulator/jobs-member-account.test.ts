/**
 * Issue 17, jobs across accounts, on the emulator (moto keeps resources per account and honours the credentials
 * AssumeRole returns): a job naming `account: 111111111111` is started by the hub (HUB_ACCOUNT_ID 123456789012)
 * through the member role, so its task runs in the member account's cluster and not in the hub's same-named one;
 * the run record stays in the hub's state table, where the member task's stop event closes it; the watchdog stops
 * the member's overdue task there; a job of an account that is not allowed starts nothing.
 */
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, ecsClient } from "../../src/app/aws.js";
import { type Config, loadConfig } from "../../src/app/config.js";
import { scopedFlowDeps } from "../../src/app/events.js";
import { configuredRunStore, jobsFlowDeps } from "../../src/app/jobs.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { handleRunJob } from "../../src/shared/flows/job-run.js";
import { handleWatchdog } from "../../src/shared/flows/job-watchdog.js";
import { parseJobsFile } from "../../src/shared/jobs/jobs-file.js";
import type { JobsFile } from "../../src/shared/jobs/types.js";
import { silentLog } from "../../src/shared/log.js";
import { createStateTable } from "../state/support/state-table.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { emulatorEndpoint } from "./support/endpoint.js";
import { createCluster, createNetwork, registerTaskDefinition } from "./support/index.js";
import {
  FROZEN_ECS_TASK_TRANSITION,
  STEPPING_ECS_TASK_TRANSITION,
  setTransition,
} from "./support/moto-api.js";
import { firstXmlText } from "./support/query-api.js";

const HUB = "123456789012";
const MEMBER = "111111111111";
const EXTERNAL_ID = "ecs-sentinel-jobs-external-id-0001";
const REGION = "us-east-1";
const CLUSTER = "batch";
const TABLE = "jobs-member-account";
const options = { log: silentLog, deadline: () => 25_000 };

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

/** Credentials of `account` on moto, the way the hub gets them: AssumeRole into the member role. */
async function memberCredentials(account: string): Promise<Credentials> {
  const out = await new STSClient({ region: REGION }).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/ecs-sentinel-member`,
      RoleSessionName: "test-setup",
      ExternalId: EXTERNAL_ID,
    }),
  );
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? "",
    secretAccessKey: c?.SecretAccessKey ?? "",
    sessionToken: c?.SessionToken ?? "",
  };
}

/**
 * A VPC, subnet and security group in the member account: moto picks the account from the access key in the
 * Authorization header (no signature is checked), and RunTask on awsvpc wants the subnet in the task's account.
 */
async function memberNetwork(credentials: Credentials) {
  const ec2 = async (action: string, params: Record<string, string>) => {
    const response = await fetch(emulatorEndpoint(), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20250101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=unsigned`,
        "x-amz-security-token": credentials.sessionToken,
      },
      body: new URLSearchParams({ Action: action, Version: "2016-11-15", ...params }).toString(),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`ec2 ${action} answered ${response.status}: ${body.slice(0, 300)}`);
    return body;
  };
  const vpcId = firstXmlText(await ec2("CreateVpc", { CidrBlock: "10.1.0.0/16" }), "vpcId");
  const subnetId = firstXmlText(
    await ec2("CreateSubnet", { VpcId: vpcId, CidrBlock: "10.1.1.0/24", AvailabilityZone: "us-east-1a" }),
    "subnetId",
  );
  const securityGroupId = firstXmlText(
    await ec2("CreateSecurityGroup", { VpcId: vpcId, GroupName: "member-jobs", GroupDescription: "jobs" }),
    "groupId",
  );
  return { subnetId, securityGroupId };
}

function jobsYaml(subnet: string, securityGroup: string): string {
  return `defaults:
  cluster: ${CLUSTER}
  taskDefinition: migrate
  capacity: { launchType: FARGATE }
  network: { subnets: [${subnet}], securityGroups: [${securityGroup}] }
jobs:
  - name: member-migrate
    schedule: cron(0 3 * * ? *)
    account: "${MEMBER}"
    maxRuntime: 1h
    notify: { on: always }
  - name: foreign-sync
    schedule: rate(1 day)
    account: "999999999999"
`;
}

let member: ECSClient;
let slack: SlackServer;
let config: Config;
let jobsFile: JobsFile;

const taskArnsIn = async (ecs: ECSClient) =>
  (await ecs.send(new ListTasksCommand({ cluster: CLUSTER }))).taskArns ?? [];

async function describeIn(ecs: ECSClient, taskArn: string): Promise<Task | undefined> {
  const { tasks = [] } = await ecs.send(
    new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn], include: ["TAGS"] }),
  );
  return tasks[0];
}

/** Steps the member's task to STOPPED (transitions are frozen by the setup file). */
async function stopInMember(taskArn: string): Promise<Task | undefined> {
  let task = await describeIn(member, taskArn);
  while (task && task.lastStatus !== "STOPPED") {
    await setTransition(emulatorEndpoint(), "ecs::task", STEPPING_ECS_TASK_TRANSITION);
    try {
      task = await describeIn(member, taskArn);
    } finally {
      await setTransition(emulatorEndpoint(), "ecs::task", FROZEN_ECS_TASK_TRANSITION);
    }
  }
  return task;
}

/** The STOPPED event the member stack forwards to the hub bus: the member's account, as EventBridge sends it. */
function stoppedEventFor(task: Task) {
  return {
    version: "0",
    id: `member-${task.taskArn}`,
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account: MEMBER,
    time: new Date().toISOString(),
    region: REGION,
    resources: [task.taskArn],
    detail: JSON.parse(JSON.stringify(task)),
  };
}

beforeAll(async () => {
  const credentials = await memberCredentials(MEMBER);
  member = new ECSClient({ region: REGION, credentials });
  const network = await memberNetwork(credentials);
  await member.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await member.send(
    new RegisterTaskDefinitionCommand({
      family: "migrate",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: [
        { name: "app", image: "public.ecr.aws/docker/library/busybox:latest", essential: true, memory: 512 },
      ],
    }),
  );
  // The hub has a cluster and family of the same names: a job routed wrongly would start there.
  await createCluster(CLUSTER);
  await createNetwork("hub-jobs");
  await registerTaskDefinition({ family: "migrate" });
  await createStateTable(dynamoClient(), TABLE);
  slack = await startSlackServer();
  config = loadConfig({
    SLACK_WEBHOOK_URL: slack.url,
    STATE_TABLE: TABLE,
    AWS_REGION: REGION,
    HUB_ACCOUNT_ID: HUB,
    ALLOWED_ACCOUNTS: MEMBER,
    MEMBER_EXTERNAL_ID: EXTERNAL_ID,
    ACCOUNT_NAMES: `${MEMBER}=prod`,
  });
  jobsFile = parseJobsFile(jobsYaml(network.subnetId, network.securityGroupId));
});

afterAll(async () => {
  await slack?.close();
});

describe("a job in a member account, on the emulator", () => {
  let taskArn = "";

  it("starts the task in the member account's cluster through the member role, not in the hub's", async () => {
    const deps = jobsFlowDeps(config, options, jobsFile);

    const result = await handleRunJob({ job: "member-migrate", executionId: "exec-member-1" }, deps);

    expect(result).toMatchObject({ status: "done", result: { action: "run" } });
    taskArn = result.status === "done" ? (result.result.run.taskArn ?? "") : "";
    expect(taskArn).toContain(`:${MEMBER}:task/${CLUSTER}/`);
    expect(await taskArnsIn(member)).toEqual([taskArn]);
    expect(await taskArnsIn(ecsClient())).toEqual([]);
    const task = await describeIn(member, taskArn);
    expect(task?.startedBy).toBe("job/member-migrate");
    expect(task?.tags).toContainEqual({ key: "ecs-sentinel:run-id", value: "exec-member-1" });
  });

  it("keeps the run in the hub's state table, found by the member task's ARN", async () => {
    const run = await configuredRunStore(config, silentLog).findRunByTask(taskArn);

    expect(run).toMatchObject({ job: "member-migrate", runId: "exec-member-1", status: "running", taskArn });
  });

  it("skips the next run while the member's task runs (ListTasks in the member account)", async () => {
    const deps = jobsFlowDeps(config, options, jobsFile);

    const again = await handleRunJob({ job: "member-migrate" }, deps);

    expect(again).toMatchObject({ status: "done", result: { action: "skip" } });
    expect(await taskArnsIn(member)).toEqual([taskArn]);
  });

  it("lets the watchdog stop the member's overdue task in the member account", async () => {
    const deps = jobsFlowDeps(config, options, jobsFile);
    const twoHoursLater = new Date(Date.now() + 2 * 3_600_000);

    const report = await handleWatchdog({ ...deps, now: () => twoHoursLater });

    expect(report.errors).toEqual([]);
    expect(report.stopped).toEqual([expect.objectContaining({ job: "member-migrate", taskArn })]);
    expect((await describeIn(member, taskArn))?.desiredStatus).toBe("STOPPED");
  });

  it("closes the run when the member task's stop event reaches the hub, and says so naming the account", async () => {
    const stopped = await stopInMember(taskArn);
    const before = slack.requests.length;
    const deps = scopedFlowDeps(config, options, buildNotifications(config, options));

    const result = await dispatchEvent(stoppedEventFor(stopped ?? {}), deps);

    expect(result.status).toBe("diagnosed");
    const run = await configuredRunStore(config, silentLog).findRunByTask(taskArn);
    // Closed (moto describes the stopped task with exit code 0, so its outcome is moto's, not the point here).
    expect(["succeeded", "failed"]).toContain(run?.status);
    const sent = slack.requests.slice(before).map((request) => JSON.stringify(request.json));
    expect(sent.some((text) => text.includes("member-migrate") && text.includes(MEMBER))).toBe(true);
  });

  it("refuses a job of an account that is not allowed: recorded as failed to start, nothing started anywhere", async () => {
    const deps = jobsFlowDeps(config, options, jobsFile);

    const result = await handleRunJob({ job: "foreign-sync" }, deps);

    expect(result).toMatchObject({ status: "done", result: { action: "failed-to-start" } });
    const reason = result.status === "done" ? result.result.run.reason : "";
    expect(reason).toContain("account 999999999999");
    expect(await taskArnsIn(ecsClient())).toEqual([]);
    expect(await taskArnsIn(member)).toEqual([taskArn]);
  });
});
