/**
 * Issue 17 on the emulator with several accounts (moto keeps resources per account and honours the credentials
 * AssumeRole returns): the hub (moto's default account) handles stopped tasks of two member accounts, reading each
 * one's task definition and log tail in that account through the member role; the same service name in the two
 * accounts stays two incidents; an event of an account the hub does not act for is dropped; messages name the
 * account. Events adapted from examples/events/01-api-oom-killed.json (account and ids changed).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { loadConfig } from "../../src/app/config.js";
import { scopedFlowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { main } from "../../src/cli/main.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";

const HUB = "123456789012";
const PROD = "111111111111";
const STAGING = "222222222222";
const FOREIGN = "999999999999";
const EXTERNAL_ID = "ecs-sentinel-org-external-id-0001";
const REGION = "us-east-1";
/** Staging runs in another region than the hub: its clients are that region's, over its member role. */
const STAGING_REGION = "us-west-2";

const example = readFileSync(
  join(import.meta.dirname, "../../examples/events/01-api-oom-killed.json"),
  "utf8",
);

/** The example's stop, in `account`, with its own task id and the task definition registered there. */
function stopIn(account: string, taskId: string, taskDefinitionArn: string, region = REGION) {
  const event = JSON.parse(
    example
      .replaceAll("111122223333", account)
      .replaceAll("1d39aa210cd41c8d540788b34b40c11e", taskId)
      .replaceAll("us-east-1", region),
  ) as { id: string; detail: Record<string, unknown> };
  // Stopped now (the history below reads the last days).
  const now = new Date().toISOString();
  return {
    ...event,
    id: `org-${account}-${taskId}`,
    time: now,
    detail: { ...event.detail, taskDefinitionArn, stoppedAt: now, updatedAt: now },
  };
}

/** Credentials of `account` on moto, the way the hub gets them: AssumeRole into the member role. */
async function memberCredentials(account: string) {
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

/** A task definition and the container's log stream with `lines`, in `account` only. */
async function memberWorld(
  account: string,
  taskId: string,
  lines: string[],
  region = REGION,
): Promise<string> {
  const credentials = await memberCredentials(account);
  const ecs = new ECSClient({ region, credentials });
  const logs = new CloudWatchLogsClient({ region, credentials });
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "api",
      containerDefinitions: [
        {
          name: "api",
          image: "public.ecr.aws/example/api:1",
          memory: 512,
          essential: true,
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "/ecs/api",
              "awslogs-region": region,
              "awslogs-stream-prefix": "ecs",
            },
          },
        },
      ],
    }),
  );
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/ecs/api" })).catch((error: Error) => {
    if (error.name !== "ResourceAlreadyExistsException") throw error;
  });
  const stream = `ecs/api/${taskId}`;
  await logs.send(new CreateLogStreamCommand({ logGroupName: "/ecs/api", logStreamName: stream }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: "/ecs/api",
      logStreamName: stream,
      logEvents: lines.map((message, i) => ({ message, timestamp: Date.now() - 1000 + i })),
    }),
  );
  return registered.taskDefinition?.taskDefinitionArn ?? "";
}

let slack: SlackServer;
const log = recordingLogger();
let deps: ReturnType<typeof scopedFlowDeps>;
const PROD_TASK = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const STAGING_TASK = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
let prodTd = "";
let stagingTd = "";

beforeAll(async () => {
  await createStateTable(dynamoClient(), "organization-hub");
  slack = await startSlackServer();
  prodTd = await memberWorld(PROD, PROD_TASK, ["starting api", "prod: loading 2 GiB cache", "Killed"]);
  stagingTd = await memberWorld(
    STAGING,
    STAGING_TASK,
    ["starting api", "staging: replaying queue", "Killed"],
    STAGING_REGION,
  );
  const config = loadConfig({
    SLACK_WEBHOOK_URL: slack.url,
    STATE_TABLE: "organization-hub",
    AWS_REGION: REGION,
    HUB_ACCOUNT_ID: HUB,
    ALLOWED_ACCOUNTS: `${PROD},${STAGING}`,
    MEMBER_EXTERNAL_ID: EXTERNAL_ID,
    ACCOUNT_NAMES: `${PROD}=prod,${STAGING}=staging`,
    SLACK_MIN_SEVERITY: "warning",
  });
  const options = { log, deadline: () => 25_000 };
  deps = scopedFlowDeps(config, options, buildNotifications(config, options));
});

afterAll(async () => {
  await slack?.close();
});

const posted = () => slack.requests.map((r) => JSON.stringify(r.json));

describe("a hub for an AWS Organization, on the emulator", () => {
  it("diagnoses stops in two member accounts and two regions with log tails read in each, as two incidents", async () => {
    const prod = await dispatchEvent(stopIn(PROD, PROD_TASK, prodTd), deps);
    const staging = await dispatchEvent(stopIn(STAGING, STAGING_TASK, stagingTd, STAGING_REGION), deps);

    expect(prod.status).toBe("diagnosed");
    expect(staging.status).toBe("diagnosed");
    const messages = posted();
    // Same cluster, service and category in both accounts: two messages, never one throttled into the other.
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("prod: loading 2 GiB cache");
    expect(messages[0]).not.toContain("staging: replaying queue");
    expect(messages[1]).toContain("staging: replaying queue");
    expect(messages[0]).toContain(`account prod (${PROD})`);
    expect(messages[1]).toContain(`account staging (${STAGING})`);
    expect(messages[1]).toContain(STAGING_REGION);
    // Their crash-loop counts too: one failure each, though both name the same cluster, service and deployment id.
    const counts = log.lines
      .filter((l) => l.message === "crash-loop count")
      .map((l) => (l.extra[0] as { failures?: number } | undefined)?.failures);
    expect(counts).toEqual([1, 1]);
  });

  it("drops an event from an account it does not act for, with the reason, and acts on nothing", async () => {
    const before = slack.requests.length;

    const result = await dispatchEvent(
      stopIn(
        FOREIGN,
        "cccccccccccccccccccccccccccccccc",
        "arn:aws:ecs:us-east-1:999999999999:task-definition/api:1",
      ),
      deps,
    );

    expect(result).toEqual({
      status: "dropped",
      reason: `account ${FOREIGN} is not among the allowed accounts (ALLOWED_ACCOUNTS)`,
      cause: "account-not-allowed",
    });
    expect(slack.requests.length).toBe(before);
    expect(
      log.lines.some((l) => l.message === "dropping event from an account this deployment does not act for"),
    ).toBe(true);
  });

  it("keeps each account's history apart: `history --account` reads one member's, the default the hub's own", async () => {
    const history = async (...args: string[]) => {
      const io = Object.assign(captureIo(), {
        env: { STATE_TABLE: "organization-hub", HUB_ACCOUNT_ID: HUB, AWS_REGION: REGION },
      });
      const code = await main(["history", "--cluster", "prod", "--since", "7d", "--json", ...args], io);
      return { code, document: JSON.parse(io.out()) as { stops: number } };
    };

    const prod = await history("--account", PROD);
    const staging = await history("--account", STAGING, "--region", STAGING_REGION);
    const own = await history();

    expect([prod.code, staging.code, own.code]).toEqual([0, 0, 0]);
    expect([prod.document.stops, staging.document.stops, own.document.stops]).toEqual([1, 1, 0]);
  });
});
