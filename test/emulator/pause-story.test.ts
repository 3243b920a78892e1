/**
 * Issue 15's pause flow, end to end: `ECS Hook State Change` HOOK_AWAITING_ACTION (the documented event, for this
 * world's deployment) through the deployment-events Lambdas' composition shows the pause on the deployment's card
 * with Continue / Roll back (strict Slack stand-in, state table on moto); the buttons are clicked as Slack clicks
 * them (signed block_actions to `ecs-sentinel actions serve`'s server) and reach ContinueServiceDeployment with the
 * hook's id (ECS through aws-sdk-client-mock, shaped like the API reference: moto has no service deployments or
 * pause hooks). Also: a stranger and a forged click, a pause that timed out, a later hook event taking the buttons
 * away, and the same pause by email (no Slack app) naming the CLI commands.
 */
import { ECSClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecs";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoClient } from "../../src/app/aws.js";
import { loadConfig } from "../../src/app/config.js";
import { flowDeps } from "../../src/app/events.js";
import { buildNotifications } from "../../src/app/notifications.js";
import { configuredActionService } from "../../src/app/slack-action-service.js";
import { localSlackActions } from "../../src/app/slack-actions.js";
import { type ActionsServer, startActionsServer } from "../../src/cli/actions-server.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";
import { ecsWorld } from "../scenarios/support/ecs-world.js";
import { deploymentEvent } from "../scenarios/support/events.js";
import { hookStateEvent, newRevisionTask, pauseWorld } from "../scenarios/support/pause-world.js";
import { createStateTable } from "../state/support/state-table.js";
import {
  type SlackStandin,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinMessage,
  startSlackStandin,
} from "../support/slack-web-api-standin.js";
import { readPublishedSnsMessages } from "./support/index.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace(/[yz]/g, "0");
const MANUAL = [{ key: "ecs-sentinel:auto-rollback", value: "manual" }];
const APPROVER = { id: "U0APPROVER", name: "ana" };
const STRANGER = { id: "U0STRANGER", name: "sam" };
const CONTINUE = "ecs-sentinel.continue-paused";
const ROLL_BACK = "ecs-sentinel.rollback-paused";

const ecsMock = mockClient(ECSClient);
const world = ecsWorld(ecsMock, { tags: MANUAL });
const pauses = pauseWorld(ecsMock, world);
ecsMock.on(ListTagsForResourceCommand).resolves({ tags: MANUAL });
let slack: SlackStandin;
let server: ActionsServer;
let endpoint = "";
const log = recordingLogger();
let deps: ReturnType<typeof flowDeps>;

const blocksOf = (message: StandinMessage | undefined) =>
  JSON.stringify(message?.versions.at(-1)?.blocks ?? []);
const hasButton = (message: StandinMessage | undefined, actionId: string) =>
  blocksOf(message).includes(`"action_id":"${actionId}"`);
const card = () => slack.messages.find((m) => !m.thread_ts && m.text.includes("sd-example"));
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

async function eventually<T>(read: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out waiting for the deferred action");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const answers = (clickId: string) =>
  eventually(() => {
    const texts = slack.responses(clickId).map((r) => (r.json as { text?: string }).text ?? "");
    return texts.length > 0 ? texts : undefined;
  });

const click = (actionId: string, user: { id: string; name: string }, extra: Record<string, unknown> = {}) =>
  slack.click({
    channel: STANDIN_CHANNEL.id,
    ts: card()?.ts ?? "",
    actionId,
    endpoint,
    user,
    signingSecret: SECRET,
    ...extra,
  });

beforeAll(async () => {
  const table = "pause-story";
  await createStateTable(dynamoClient(), table);
  slack = await startSlackStandin({ postsPerSecond: 1000, burst: 1000 });
  const config = loadConfig({
    SLACK_BOT_TOKEN: STANDIN_TOKEN.token,
    SLACK_CHANNEL: STANDIN_CHANNEL.id,
    SLACK_API_URL: slack.url,
    SLACK_POST_INTERVAL_MS: "0",
    SLACK_APPROVERS: APPROVER.id,
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
  const options = { log, deadline: () => 25_000 };
  deps = flowDeps(config, options, buildNotifications(config, options));
  await dispatchEvent(
    deploymentEvent("SERVICE_DEPLOYMENT_IN_PROGRESS", { time: "2024-09-10T16:49:05Z" }),
    deps,
  );
});

afterAll(async () => {
  await server?.close();
  await slack?.close();
});

describe("a deployment paused by a pause hook, end to end", () => {
  it("shows the pause on the deployment's card, and an approver's Continue continues it exactly once", async () => {
    // Arrange: ECS pauses after the test traffic shift; one green task is still starting.
    pauses.tasks.push(newRevisionTask("green3", { healthStatus: "UNKNOWN", lastStatus: "PENDING" }));
    const hook = pauses.pause("ecs-pause-first", "POST_TEST_TRAFFIC_SHIFT", inMinutes(10));
    await dispatchEvent(hookStateEvent("HOOK_AWAITING_ACTION", hook, new Date()), deps);
    const paused = await eventually(() => (hasButton(card(), CONTINUE) ? card() : undefined));
    expect(blocksOf(paused)).toContain("Paused at POST_TEST_TRAFFIC_SHIFT");
    expect(blocksOf(paused)).toContain("2 running · 2 healthy (of 1)");
    expect(hasButton(paused, ROLL_BACK)).toBe(true);
    const reply = slack.messages.find((m) => m.thread_ts === paused.ts && m.text.includes("paused"));
    expect(reply, "the pause is also a reply in the thread").toBeDefined();
    expect(hasButton(reply, CONTINUE), "buttons only on the card").toBe(false);

    // Act
    const forged = await click(CONTINUE, APPROVER, { signingSecret: "0".repeat(32) });
    const stranger = await click(CONTINUE, STRANGER);
    // A double click: both reach the endpoint while the button is still there.
    const [first, again] = await Promise.all([click(CONTINUE, APPROVER), click(CONTINUE, APPROVER)]);
    await eventually(() => (pauses.continued().length > 0 ? true : undefined));

    // Assert
    expect(forged.status).toBe(401);
    expect(await answers(stranger.clickId)).toEqual([expect.stringMatching(/^Not allowed: <@U0STRANGER>/)]);
    // Either click may win the claim: one continues, the other learns it is done (or being done) already.
    const replies = [...(await answers(first.clickId)), ...(await answers(again.clickId))].sort();
    expect(replies).toEqual([
      expect.stringMatching(/^Already done: this (is being done|was done) by <@U0APPROVER>/),
      expect.stringMatching(/^Continuing the deployment of sd-example…/),
    ]);
    expect(pauses.continued()).toEqual([
      {
        serviceDeploymentArn: expect.stringContaining("service-deployment/example/sd-example/"),
        hookId: "ecs-pause-first",
        action: "CONTINUE",
      },
    ]);
    const moved = await eventually(() => (hasButton(card(), CONTINUE) ? undefined : card()));
    // The name as inert text: a word joiner after the @ keeps it from becoming a mention.
    expect(blocksOf(moved)).toMatch(/Continued by @\u2060?ana after the pause/u);
    const record = log.lines.find((l) => l.message === "Slack action");
    expect(record?.extra[0]).toMatchObject({ action: "continue-paused", user: APPROVER.id, status: "done" });
  });

  it("offers the buttons again at the next pause, and Roll back rolls the deployment back through ECS", async () => {
    const hook = pauses.pause("ecs-pause-second", "POST_PRODUCTION_TRAFFIC_SHIFT", inMinutes(30), "CONTINUE");
    await dispatchEvent(hookStateEvent("HOOK_AWAITING_ACTION", hook, new Date()), deps);
    await eventually(() => (hasButton(card(), ROLL_BACK) ? true : undefined));

    const clicked = await click(ROLL_BACK, APPROVER);
    await eventually(() => (pauses.continued().length > 1 ? true : undefined));

    expect(await answers(clicked.clickId)).toEqual([
      expect.stringMatching(/^Rolling back the paused deployment of sd-example…/),
    ]);
    expect(pauses.continued().at(-1)).toMatchObject({ hookId: "ecs-pause-second", action: "ROLLBACK" });
    const moved = await eventually(() => (hasButton(card(), ROLL_BACK) ? undefined : card()));
    expect(blocksOf(moved)).toMatch(/Rolling back \(asked by @\u2060?ana at the pause\)/u);
  });

  it("refuses a click on a pause that timed out, changes nothing, and takes the buttons away", async () => {
    const hook = pauses.pause("ecs-pause-third", "POST_TEST_TRAFFIC_SHIFT", inMinutes(5));
    await dispatchEvent(hookStateEvent("HOOK_AWAITING_ACTION", hook, new Date()), deps);
    await eventually(() => (hasButton(card(), CONTINUE) ? true : undefined));
    hook.status = "TIMED_OUT";
    const calls = pauses.continued().length;

    const clicked = await click(CONTINUE, APPROVER);
    await eventually(() => (hasButton(card(), CONTINUE) ? undefined : true));

    expect(await answers(clicked.clickId)).toEqual([expect.stringMatching(/^Continuing/)]);
    expect(pauses.continued()).toHaveLength(calls);
    const refusal = await eventually(() =>
      slack.messages.find(
        (m) => m.thread_ts === card()?.ts && /no longer waiting \(TIMED_OUT\)/.test(m.text),
      ),
    );
    expect(refusal.text).toMatch(/refused/);
  });

  it("takes the buttons away when ECS reports the pause is over, before anyone clicked", async () => {
    const hook = pauses.pause("ecs-pause-fourth", "PRODUCTION_TRAFFIC_SHIFT", inMinutes(5));
    await dispatchEvent(hookStateEvent("HOOK_AWAITING_ACTION", hook, new Date()), deps);
    await eventually(() => (hasButton(card(), CONTINUE) ? true : undefined));

    await dispatchEvent(hookStateEvent("HOOK_TIMED_OUT", hook, inMinutes(1)), deps);

    const over = await eventually(() => (hasButton(card(), CONTINUE) ? undefined : card()));
    expect(blocksOf(over)).toContain("Pause timed out: ECS took the timeout action");
  });
});

describe("the same pause without Slack app mode", () => {
  it("goes to email, whatever the email minimum, and names the CLI commands to continue or roll back", async () => {
    const sns = new SNSClient({});
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "pause-story-email" }));
    const config = loadConfig({
      NOTIFY_TOPIC_ARN: TopicArn,
      EMAIL_MIN_SEVERITY: "critical",
      STATE_TABLE: "pause-story",
      AWS_REGION: process.env.AWS_REGION,
    });
    const options = { log, deadline: () => 25_000 };
    const emailOnly = flowDeps(config, options, buildNotifications(config, options));
    const hook = pauses.pause("ecs-pause-by-email", "POST_TEST_TRAFFIC_SHIFT", inMinutes(10));

    await dispatchEvent(hookStateEvent("HOOK_AWAITING_ACTION", hook, new Date()), emailOnly);

    const published = await readPublishedSnsMessages(TopicArn);
    const email = published[0];
    expect(published, JSON.stringify(published).slice(0, 500)).toHaveLength(1);
    expect(email?.subject).toMatch(/sd-example: deployment paused at POST_TEST_TRAFFIC_SHIFT/);
    expect(email?.message).toContain(
      "ecs-sentinel deployments continue --cluster example --service sd-example",
    );
    expect(email?.message).toContain(
      "ecs-sentinel deployments rollback --cluster example --service sd-example",
    );
  });
});
