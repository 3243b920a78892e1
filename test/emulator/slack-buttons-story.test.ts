/**
 * Issue 14's check, end to end: a deployment of a service tagged ecs-sentinel:auto-rollback=manual fails; the
 * rollback decision's reply in the deployment's thread carries a "Roll back" button (strict Slack stand-in, state
 * table on moto, ECS through aws-sdk-client-mock shaped like the API reference: moto has no service deployments).
 * The button is clicked as Slack clicks it — signed block_actions to `ecs-sentinel actions serve`'s server — by a
 * stranger, by an approver with an edited value, twice, by a user-group approver, as Slack's retry, forged, with
 * an old timestamp and a tampered body. ECS mutations are counted: exactly one is right.
 */
import { ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient, dynamoDocumentClient } from "../../src/app/aws.js";
import { loadConfig } from "../../src/app/config.js";
import { flowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { configuredActionService } from "../../src/app/slack-action-service.js";
import { localSlackActions } from "../../src/app/slack-actions.js";
import { type ActionsServer, startActionsServer } from "../../src/cli/actions-server.js";
import { main } from "../../src/cli/main.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { ecsWorld, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import { deploymentEvent } from "../scenarios/support/events.js";
import { createStateTable } from "../state/support/state-table.js";
import { captureIo } from "../support/cli-io.js";
import {
  type SlackStandin,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinMessage,
  startSlackStandin,
} from "../support/slack-web-api-standin.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace(/[yz]/g, "0");
const MANUAL = [{ key: "ecs-sentinel:auto-rollback", value: "manual" }];
const APPROVER = { id: "U0APPROVER", name: "ana" };
const ONCALL = { id: "U0ONCALL", name: "omar" };
const STRANGER = { id: "U0STRANGER", name: "sam" };
const OTHER_SERVICE = "arn:aws:ecs:us-west-2:123456789012:service/example/payments";

const ecsMock = mockClient(ECSClient);
// The ECS world of the story: a service that rolls back only when a person asks, whose deployment failed.
const world = ecsWorld(ecsMock, { tags: MANUAL, rollout: "FAILED", rolloutReason: "tasks failed to start" });
ecsMock.on(ListTagsForResourceCommand).resolves({ tags: MANUAL });
let slack: SlackStandin;
let server: ActionsServer;
let endpoint = "";
const log = recordingLogger();
let table = "";

function hasButton(message: StandinMessage, actionId: string): boolean {
  return JSON.stringify(message.versions.at(-1)?.blocks ?? []).includes(`"action_id":"${actionId}"`);
}

/** Waits for the work the server does after answering (an in-process defer), by what it leaves behind. */
async function eventually<T>(read: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out waiting for the deferred action");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The ephemeral answers a click got through its response_url (sent after the HTTP answer). */
const answers = (clickId: string, count = 1) =>
  eventually(() => {
    const texts = slack.responses(clickId).map((r) => (r.json as { text?: string }).text ?? "");
    return texts.length >= count ? texts : undefined;
  });

beforeAll(async () => {
  table = "slack-buttons-story";
  await createStateTable(dynamoClient(), table);
  slack = await startSlackStandin({
    postsPerSecond: 1000,
    burst: 1000,
    usergroups: [{ id: "S0ONCALL", handle: "oncall", users: [ONCALL.id] }],
  });
  const config = loadConfig({
    SLACK_BOT_TOKEN: STANDIN_TOKEN.token,
    SLACK_CHANNEL: STANDIN_CHANNEL.id,
    SLACK_API_URL: slack.url,
    SLACK_POST_INTERVAL_MS: "0",
    SLACK_APPROVERS: `${APPROVER.id},S0ONCALL`,
    SLACK_SIGNING_SECRET: SECRET,
    STATE_TABLE: table,
    AWS_REGION: process.env.AWS_REGION,
  });
  server = await startActionsServer({
    host: "127.0.0.1",
    port: 0,
    endpoint: localSlackActions(config, configuredActionService, { log, deadline: () => 25_000 }),
    log,
  });
  endpoint = `${server.origin}/slack/actions`;
  // The deployment: events through the Lambdas' composition.
  const options = { log, deadline: () => 25_000 };
  const deps = flowDeps(config, options, buildNotifications(config, options));
  await dispatchEvent(
    deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }),
    deps,
  );
  await dispatchEvent(deploymentEvent("SERVICE_DEPLOYMENT_FAILED", { time: "2024-09-10T16:55:00Z" }), deps);
});

afterAll(async () => {
  await server?.close();
  await slack?.close();
});

describe("Slack buttons, end to end", () => {
  it("rolls back exactly once, for approvers only, on the record, whatever is clicked and forged", async () => {
    // Arrange: what the failure's events left in Slack and in the state table.
    const reply = slack.messages.find((m) => m.thread_ts && hasButton(m, "ecs-sentinel.rollback"));
    expect(reply, "the rollback decision's reply carries a Roll back button").toBeDefined();
    const target = {
      channel: STANDIN_CHANNEL.id,
      ts: reply?.ts ?? "",
      actionId: "ecs-sentinel.rollback",
      endpoint,
    };
    const click = (user: { id: string; name: string }, extra: Record<string, unknown> = {}) =>
      slack.click({ ...target, user, signingSecret: SECRET, ...extra });
    const now = Math.floor(Date.now() / 1000);
    const offer = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: table,
        Key: { pk: `slack-message#${STANDIN_CHANNEL.id}#${reply?.ts}`, sk: "offer" },
      }),
    );
    const offerAt = (JSON.parse(String(offer.Item?.record)) as { at: number }).at;

    // Act
    const forged = await click(APPROVER, { signingSecret: "0".repeat(32) });
    const old = await click(APPROVER, { timestamp: now - 301 });
    const tampered = await click(APPROVER, {
      tamper: { body: (b: string) => b.replace("U0APPROVER", "U0ONCALL") },
    });
    const stranger = await click(STRANGER);
    const first = await click(APPROVER, { tamper: { value: OTHER_SERVICE } });
    const done = await eventually(() => (world.mutations().length > 0 ? world.mutations() : undefined));
    const again = await click(APPROVER);
    const oncall = await click(ONCALL);
    const retried = await slack.redeliver(first.clickId, { retry: 1 });

    // Assert: the forged, replayed and tampered requests were refused before anything happened.
    expect([forged.status, old.status, tampered.status]).toEqual([401, 401, 401]);
    expect([stranger.status, first.status, again.status, oncall.status, retried.status]).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(await answers(stranger.clickId)).toEqual([
      expect.stringMatching(/^Not allowed: <@U0STRANGER> is not an approver/),
    ]);
    expect(await answers(again.clickId)).toEqual([
      expect.stringMatching(/^Already done: .* by <@U0APPROVER>/),
    ]);
    expect(await answers(oncall.clickId)).toEqual([expect.stringMatching(/^Already done/)]);
    // Slack's retry is the very same click (same response_url): its second answer says it was done already.
    expect(await answers(retried.clickId, 2)).toEqual([
      expect.stringMatching(/^Rolling back sd-example…/),
      expect.stringMatching(/^Already done/),
    ]);
    // Exactly one ECS mutation, on the service the message was about (the edited value changed nothing).
    expect(done).toHaveLength(1);
    expect(world.mutations()).toHaveLength(1);
    expect(JSON.stringify(world.mutations()[0]?.input)).toContain(SERVICE_ARN.split("/").at(-1));
    expect(JSON.stringify(world.mutations())).not.toContain("payments");
    // On the record: the button is gone from the message, the thread says who, the log has the line.
    const edited = await eventually(() => {
      const latest = slack.messages.find((m) => m.ts === reply?.ts);
      return latest && !hasButton(latest, "ecs-sentinel.rollback") ? latest : undefined;
    });
    expect(JSON.stringify(edited.versions.at(-1)?.blocks)).toContain("<@U0APPROVER>");
    const rolledBack = slack.messages.find(
      (m) => m.thread_ts === reply?.thread_ts && /rolled back ecs-svc\/2 to large-ngingx:1/.test(m.text),
    );
    // Who asked, as inert text (mentions in reasons are neutralised with a word joiner after the @).
    expect(JSON.stringify(rolledBack?.blocks)).toMatch(
      /@\u2060?ana asked to roll back deployment ecs-svc\/2/u,
    );
    const record = log.lines.find((l) => l.message === "Slack action");
    expect(record?.extra[0]).toMatchObject({ action: "rollback", user: APPROVER.id, status: "done" });
    const claim = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: table,
        Key: { pk: `slack-action#${STANDIN_CHANNEL.id}#${reply?.ts}#rollback#${offerAt}`, sk: "claim" },
      }),
    );
    expect(JSON.parse(String(claim.Item?.record))).toMatchObject({ status: "done", by: { id: APPROVER.id } });
    const history = Object.assign(captureIo(), { env: { STATE_TABLE: table } });
    expect(await main(["history", "--cluster", "example"], history)).toBe(0);
    expect(history.out()).toMatch(
      /Actions from Slack:\n.*rollback sd-example by ana: done — rollback rollback/,
    );
  });
});
