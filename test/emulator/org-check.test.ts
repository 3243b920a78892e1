/**
 * Issue 17, item 6 on the emulator with several accounts (moto keeps resources per account and honours the
 * credentials AssumeRole returns): the hub records when each account last sent an event, `org check` assumes each
 * member role and reads the records, and `diagnose --account` reads a member's task through the member role.
 * moto lets AssumeRole into any role succeed, so a refused role is tested with STS's answer mocked (test/cli/org).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, dynamoDocumentClient, ecsClient } from "../../src/app/aws.js";
import { loadConfig } from "../../src/app/config.js";
import { scopedFlowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { main } from "../../src/cli/main.js";
import { dynamoAccountSeen } from "../../src/shared/accounts/last-seen-dynamo.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { ACCOUNT_SEEN_PK } from "../../src/shared/table.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";

const HUB = "123456789012";
const PROD = "111111111111";
const STAGING = "222222222222";
const SANDBOX = "333333333333";
const FOREIGN = "999999999999";
const EXTERNAL_ID = "ecs-sentinel-org-external-id-0002";
const REGION = "us-east-1";
const TABLE = "org-check";

const hubEnv = {
  STATE_TABLE: TABLE,
  AWS_REGION: REGION,
  HUB_ACCOUNT_ID: HUB,
  ALLOWED_ACCOUNTS: `${PROD},${STAGING},${SANDBOX}`,
  MEMBER_EXTERNAL_ID: EXTERNAL_ID,
  ACCOUNT_NAMES: `${PROD}=prod,${STAGING}=staging,${SANDBOX}=sandbox`,
};

const scaleIn = readFileSync(join(import.meta.dirname, "../../examples/events/10-web-scale-in.json"), "utf8");

/** The example's scale-in stop (info: nothing is sent), as `account` would forward it. */
function scaleInFrom(account: string, id: string) {
  return { ...JSON.parse(scaleIn.replaceAll("111122223333", account)), id, time: new Date().toISOString() };
}

async function memberEcs(account: string): Promise<ECSClient> {
  const out = await new STSClient({ region: REGION }).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/ecs-sentinel-member`,
      RoleSessionName: "test-setup",
      ExternalId: EXTERNAL_ID,
    }),
  );
  const c = out.Credentials;
  return new ECSClient({
    region: REGION,
    credentials: {
      accessKeyId: c?.AccessKeyId ?? "",
      secretAccessKey: c?.SecretAccessKey ?? "",
      sessionToken: c?.SessionToken ?? "",
    },
  });
}

beforeAll(async () => {
  await createStateTable(dynamoClient(), TABLE);
});

describe("the account-seen records on DynamoDB", () => {
  it("only move forward and carry a TTL", async () => {
    const store = dynamoAccountSeen(dynamoDocumentClient(), TABLE);
    const later = Date.UTC(2026, 0, 2, 12, 0, 0);

    await store.record("444444444444", "eu-west-1", later);
    await store.record("444444444444", "eu-west-1", later - 60_000);

    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: TABLE, Key: { pk: ACCOUNT_SEEN_PK, sk: "444444444444#eu-west-1" } }),
    );
    expect(Item).toMatchObject({ lastEventAt: later, expiresAt: expect.any(Number) });
    expect((await store.list()).find((r) => r.account === "444444444444")).toEqual({
      account: "444444444444",
      region: "eu-west-1",
      lastEventAt: later,
    });
  });
});

describe("a hub's events and `org check`", () => {
  it("records the hub's own and the members' events, never a foreign account's", async () => {
    const config = loadConfig(hubEnv);
    const options = { log: recordingLogger(), deadline: () => 25_000 };
    const deps = scopedFlowDeps(config, options, buildNotifications(config, options));

    await dispatchEvent(scaleInFrom(PROD, "seen-prod"), deps);
    await dispatchEvent(scaleInFrom(STAGING, "seen-staging"), deps);
    await dispatchEvent(scaleInFrom(HUB, "seen-hub"), deps);
    await dispatchEvent(scaleInFrom(FOREIGN, "seen-foreign"), deps);

    const accounts = (await dynamoAccountSeen(dynamoDocumentClient(), TABLE).list()).map((r) => r.account);
    expect(accounts).toEqual(expect.arrayContaining([PROD, STAGING, HUB]));
    expect(accounts).not.toContain(FOREIGN);
  });

  it("finds both members' roles working with events seen, and flags the account that sent none (exit 1)", async () => {
    const io = Object.assign(captureIo(), { env: hubEnv });

    const code = await main(["org", "check", "--json"], io);

    expect(io.err()).toBe("");
    expect(code).toBe(1);
    const document = JSON.parse(io.out()) as {
      results: { account: string; ok: boolean; role: { ok: boolean }; events: { ok: boolean } }[];
    };
    const byAccount = Object.fromEntries(document.results.map((r) => [r.account, r]));
    expect(Object.keys(byAccount).sort()).toEqual([PROD, STAGING, SANDBOX]);
    expect(byAccount[PROD]).toMatchObject({ ok: true, role: { ok: true }, events: { ok: true } });
    expect(byAccount[STAGING]).toMatchObject({ ok: true, role: { ok: true }, events: { ok: true } });
    expect(byAccount[SANDBOX]).toMatchObject({ ok: false, role: { ok: true }, events: { ok: false } });
  });

  it("prints ✓ for the two members and exits 0 when only they are checked", async () => {
    const io = Object.assign(captureIo(), { env: { ...hubEnv, ALLOWED_ACCOUNTS: `${PROD},${STAGING}` } });

    const code = await main(["org", "check"], io);

    expect(code).toBe(0);
    const lines = io.out().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^✓ prod \\(${PROD}\\) us-east-1  role OK · last event \\d+ min ago$`),
    );
    expect(lines[1]).toMatch(new RegExp(`^✓ staging \\(${STAGING}\\) us-east-1  role OK`));
  });
});

describe("ecs-sentinel diagnose --account", () => {
  it("reads a member account's task through the member role; the hub's own account does not have it", async () => {
    const ecs = await memberEcs(PROD);
    await ecs.send(new CreateClusterCommand({ clusterName: "member-live" }));
    // The same cluster name in the hub's own account, without the task.
    await ecsClient().send(new CreateClusterCommand({ clusterName: "member-live" }));
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "member-web",
        containerDefinitions: [
          { name: "web", image: "public.ecr.aws/example/web:1", memory: 256, essential: true },
        ],
      }),
    );
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: "member-live",
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        launchType: "FARGATE",
      }),
    );
    const taskArn = run.tasks?.[0]?.taskArn ?? `no task: ${JSON.stringify(run.failures)}`;
    await ecs.send(
      new StopTaskCommand({ cluster: "member-live", task: taskArn, reason: "Task stopped by user" }),
    );
    for (let i = 0; i < 4; i++)
      await ecs.send(new DescribeTasksCommand({ cluster: "member-live", tasks: [taskArn] }));
    const member = Object.assign(captureIo(), { env: hubEnv });
    const hub = Object.assign(captureIo(), { env: hubEnv });

    const memberCode = await main(
      ["diagnose", "--json", "--cluster", "member-live", "--task", taskArn, "--account", PROD],
      member,
    );
    const hubCode = await main(["diagnose", "--json", "--cluster", "member-live", "--task", taskArn], hub);

    expect(member.err()).toBe("");
    expect(taskArn).toContain(`:${PROD}:`);
    expect(JSON.parse(member.out())).toMatchObject({ taskArn, category: "user-stopped" });
    expect(memberCode).toBe(0);
    expect(hubCode).toBe(2);
    expect(JSON.parse(hub.out())).toMatchObject({ status: "failure" });
  });
});
