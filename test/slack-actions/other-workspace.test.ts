/**
 * Attacks on the workspace check, end to end: the stand-in clicks as Slack does — a block_actions payload signed
 * with the app's one signing secret — from the bot's workspace and from others; the slackActions Lambda's
 * handler (served over HTTP, its deferred work run in-process so each click's answer comes once all is done)
 * with the action service composed as deployed (buildActionService), the Web API adapter calling the stand-in's
 * auth.test, ECS mocked as the API reference shapes it. Then `ecs-sentinel actions serve`, composed the same way.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { buildActionService } from "../../src/app/slack-action-service.js";
import { buildSlackActionsHandler } from "../../src/app/slack-actions.js";
import { runActions } from "../../src/cli/actions.js";
import { buildSlackWebApi, staticToken } from "../../src/shared/notify/slack-app/web-api.js";
import { memoryActionStore } from "../../src/shared/slack-actions/memory-store.js";
import { buildResponder } from "../../src/shared/slack-actions/response-url.js";
import type { ActionStore } from "../../src/shared/slack-actions/store.js";
import { ACTION_IDS } from "../../src/shared/slack-actions/types.js";
import { countingMetrics } from "../metrics/support.js";
import { DEPLOYED_AT, failedManualDeployment, NEW_ID, SERVICE_ARN } from "../scenarios/support/ecs-world.js";
import { captureIo } from "../support/cli-io.js";
import {
  type SlackStandin,
  STANDIN_APP,
  STANDIN_CHANNEL,
  STANDIN_TOKEN,
  type StandinApp,
  startSlackStandin,
} from "../support/slack-web-api-standin.js";
import { recordingLog, SECRET } from "./helpers.js";

const APPROVER = { id: "U0APPROVER", name: "ana" };
const THEIR_TEAM = "T0THEIRS01";
const ORG = "E0ACMEORG1";
const NOW = DEPLOYED_AT.getTime() + 10 * 60_000;
const ROLLING_BACK = "Rolling back sd-example… the result follows in the thread.";

const ecsMock = mockClient(ECSClient);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The memory store, telling which offers were read and which claims were asked for. */
function watchedStore() {
  const store = memoryActionStore();
  const read: string[] = [];
  const claimed: string[] = [];
  const watched: ActionStore = {
    ...store,
    offer: async (channel, ts) => {
      read.push(`${channel}#${ts}`);
      return store.offer(channel, ts);
    },
    claim: async (request) => {
      claimed.push(request.kind);
      return store.claim(request);
    },
  };
  return { store: watched, read, claimed };
}

async function startStandin(app?: Partial<StandinApp>): Promise<SlackStandin> {
  const slack = await startSlackStandin({ postsPerSecond: 1000, burst: 1000, ...(app ? { app } : {}) });
  cleanups.push(() => slack.close());
  return slack;
}

/** A failed deployment's card with a Roll back button in the stand-in, and its offer in the store. */
async function postedCard(slack: SlackStandin, store: ActionStore) {
  const api = buildSlackWebApi({ baseUrl: slack.url, token: staticToken(STANDIN_TOKEN.token), fetch });
  const button = {
    type: "button",
    action_id: ACTION_IDS.rollback,
    text: { type: "plain_text", text: "Roll back" },
  };
  const posted = await api.postMessage({
    channel: STANDIN_CHANNEL.id,
    text: "Deployment of api failed",
    blocks: [{ type: "actions", elements: [{ ...button, value: "card" }] }],
  });
  await store.recordOffer({
    channel: posted.channel,
    ts: posted.ts,
    actions: [{ kind: "rollback", subject: { serviceArn: SERVICE_ARN, deploymentId: NEW_ID } }],
    at: NOW - 60_000,
  });
  return posted.ts;
}

type ClickingTeam = { teamId: string; enterpriseId?: string };

/** The approver presses Roll back on the posted card, signed with the app's secret, as `from`'s member if given. */
const clickRollback = (slack: SlackStandin, endpoint: string, ts: string, from?: ClickingTeam) =>
  slack.click({
    channel: STANDIN_CHANNEL.id,
    ts,
    actionId: ACTION_IDS.rollback,
    user: APPROVER,
    endpoint,
    signingSecret: SECRET,
    ...(from ? { from } : {}),
  });

/** App mode against the stand-in, with buttons for the approver. */
const envFor = (slack: SlackStandin) => ({
  SLACK_BOT_TOKEN: STANDIN_TOKEN.token,
  SLACK_CHANNEL: STANDIN_CHANNEL.id,
  SLACK_API_URL: slack.url,
  SLACK_POST_INTERVAL_MS: "0",
  SLACK_APPROVERS: APPROVER.id,
  SLACK_SIGNING_SECRET: SECRET,
});

const config = (slack: SlackStandin) => loadConfig(envFor(slack));

const failedDeployment = () => failedManualDeployment(ecsMock);

/** Serves a Lambda handler over HTTP as a Function URL does (payload format 2.0). */
async function functionUrl(handler: ReturnType<typeof buildSlackActionsHandler>): Promise<string> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const event = {
        rawPath: new URL(req.url ?? "/", "http://x").pathname,
        headers: req.headers,
        requestContext: { http: { method: req.method } },
        body: Buffer.concat(chunks).toString("base64"),
        isBase64Encoded: true,
      } as unknown as LambdaFunctionURLEvent;
      const result = await handler(event);
      res.writeHead(result?.statusCode ?? 500, result?.headers as Record<string, string>);
      res.end(result?.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/actions`;
}

/** The slackActions Lambda as deployed, with its deferred execution run in-process before it answers. */
async function deployedEndpoint(app?: Partial<StandinApp>) {
  const slack = await startStandin(app);
  const world = failedDeployment();
  const { store, read, claimed } = watchedStore();
  const ts = await postedCard(slack, store);
  const log = recordingLog();
  const metrics = countingMetrics();
  // The adapter as configured, but its waits between retries are not waited (no real sleeps in tests).
  const slackApi = buildSlackWebApi({
    baseUrl: slack.url,
    token: staticToken(STANDIN_TOKEN.token),
    fetch,
    postIntervalMs: 0,
    sleep: async () => {},
    random: () => 0.5,
    logger: log,
  });
  const service = buildActionService(
    config(slack),
    { log, deadline: () => 30_000, metrics },
    { ecs: new ECSClient({ region: "us-west-2" }), store, slackApi, clock: () => NOW },
  );
  const endpoint = await functionUrl(
    buildSlackActionsHandler({
      decide: service.decide,
      execute: service.execute,
      defer: service.execute,
      signingSecret: async () => SECRET,
      respond: buildResponder({ fetch, log }),
      log,
      metrics,
    }),
  );
  const click = async (from?: ClickingTeam) => {
    const sent = await clickRollback(slack, endpoint, ts, from);
    const replies = slack.responses(sent.clickId).map((r) => (r.json as { text?: string }).text);
    return { status: sent.status, replies };
  };
  const authTests = () => slack.requests.filter((r) => r.method === "auth.test").length;
  const dropped = () =>
    metrics.counted.filter((c) => c.name === "EventsDropped").map((c) => c.dimensions.reason);
  return { slack, world, read, claimed, log, click, authTests, dropped };
}

describe("a button click from another workspace of the app", () => {
  it("is refused, signed correctly or not: nothing read, claimed or rolled back, the two team ids logged", async () => {
    const { world, read, claimed, log, click, dropped } = await deployedEndpoint();

    const theirs = await click({ teamId: THEIR_TEAM });

    expect(theirs).toEqual({
      status: 200,
      replies: ["This button belongs to another Slack workspace: nothing was done."],
    });
    expect(read).toEqual([]);
    expect(claimed).toEqual([]);
    expect(world.mutations()).toEqual([]);
    const warning = log.lines.find((line) => line.message.includes("another Slack workspace"));
    expect(warning).toMatchObject({
      level: "warn",
      fields: { clickTeam: THEIR_TEAM, botTeam: STANDIN_APP.teamId, user: APPROVER.id },
    });
    expect(dropped()).toEqual(["slack-other-workspace"]);
    expect(log.text()).not.toContain(STANDIN_TOKEN.token);
    expect(log.text()).not.toContain("block_actions");
  });

  it("acts when the same click comes from the bot's own workspace", async () => {
    const { world, claimed, click, dropped } = await deployedEndpoint();

    const ours = await click();

    expect(ours.status).toBe(200);
    expect(ours.replies).toEqual([ROLLING_BACK]);
    expect(claimed).toEqual(["rollback"]);
    expect(world.mutations()).toHaveLength(1);
    expect(dropped()).toEqual([]);
  });

  it("asks auth.test once for many clicks, refused and accepted alike", async () => {
    const { click, authTests, world } = await deployedEndpoint();

    await click({ teamId: THEIR_TEAM });
    await click({ teamId: "T0THIRD001" });
    await click();
    await click();

    expect(authTests()).toBe(1);
    expect(world.mutations()).toHaveLength(1);
  });
});

describe("a button click on an Enterprise Grid install", () => {
  it("compares the organization: another workspace of the same organization acts, another organization does not", async () => {
    const { world, click, dropped, log } = await deployedEndpoint({ enterpriseId: ORG });

    const otherOrg = await click({ teamId: THEIR_TEAM, enterpriseId: "E0OTHERORG" });
    const noOrg = await click({ teamId: STANDIN_APP.teamId });
    const sameOrg = await click({ teamId: "T0ACMEUS01", enterpriseId: ORG });

    expect(otherOrg.replies).toEqual(["This button belongs to another Slack workspace: nothing was done."]);
    expect(noOrg.replies).toEqual(["This button belongs to another Slack workspace: nothing was done."]);
    expect(sameOrg.replies).toEqual([ROLLING_BACK]);
    expect(world.mutations()).toHaveLength(1);
    expect(dropped()).toEqual(["slack-other-workspace", "slack-other-workspace"]);
    const warnings = log.lines.filter((line) => line.message.includes("another Slack workspace"));
    expect(warnings.map((line) => [line.fields.clickEnterprise, line.fields.botEnterprise])).toEqual([
      ["E0OTHERORG", ORG],
      ["none", ORG],
    ]);
  });
});

describe("a button click while Slack cannot confirm the bot's workspace", () => {
  it("is refused and not acted on; once Slack answers again the next click acts (the failure was not remembered)", async () => {
    const { slack, world, claimed, click, log, dropped, authTests } = await deployedEndpoint();
    for (let attempt = 0; attempt < 5; attempt++) slack.failNext("auth.test", { status: 503 });

    const whileDown = await click();
    const afterwards = await click();

    expect(whileDown.replies).toEqual([
      "Slack could not confirm which workspace this button belongs to: nothing was done. Try again in a minute.",
    ]);
    expect(afterwards.replies).toEqual([ROLLING_BACK]);
    expect(claimed).toEqual(["rollback"]);
    expect(world.mutations()).toHaveLength(1);
    expect(authTests()).toBe(6);
    expect(dropped()).toEqual(["slack-workspace-unconfirmed"]);
    expect(log.lines.find((line) => line.message.includes("could not confirm"))).toMatchObject({
      level: "error",
      fields: { error: expect.stringMatching(/^SlackApiError: Slack auth\.test failed: http_503/) },
    });
    expect(log.text()).not.toContain(STANDIN_TOKEN.token);
  });

  it("is refused when the token is no longer valid (auth.test answers token_revoked)", async () => {
    const { slack, world, click } = await deployedEndpoint();
    slack.revoke(STANDIN_TOKEN.token);

    const refused = await click();

    expect(refused.replies[0]).toMatch(/^Slack could not confirm/);
    expect(world.mutations()).toEqual([]);
  });
});

describe("ecs-sentinel actions serve", () => {
  it("composes the same check: another workspace's click is refused, the bot's own acts, auth.test asked once", async () => {
    const slack = await startStandin();
    const world = failedDeployment();
    const { store, claimed } = watchedStore();
    const ts = await postedCard(slack, store);
    let stop: (signal: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const io = captureIo();
    io.env = envFor(slack);
    const log = recordingLog();
    const exit = runActions(["serve", "--port", "0"], io, {
      service: (serveConfig, runtime) =>
        buildActionService(serveConfig, runtime, {
          ecs: new ECSClient({ region: "us-west-2" }),
          store,
          clock: () => NOW,
        }),
      waitForStop: () => stopped,
      log: () => log,
    });
    for (let i = 0; i < 200 && !io.out().includes("Serving"); i++) await new Promise((r) => setImmediate(r));
    const endpoint = /Serving Slack actions at (\S+)/.exec(io.out())?.[1] ?? "";
    const click = (from?: ClickingTeam) => clickRollback(slack, endpoint, ts, from);

    const theirs = await click({ teamId: THEIR_TEAM });
    const claimedAfterTheirs = [...claimed];
    const ours = await click();
    stop("SIGTERM");
    const code = await exit;

    expect([theirs.status, ours.status, code]).toEqual([200, 200, 0]);
    expect(claimedAfterTheirs).toEqual([]);
    expect(slack.responses(theirs.clickId).map((r) => (r.json as { text?: string }).text)).toEqual([
      "This button belongs to another Slack workspace: nothing was done.",
    ]);
    expect(claimed).toEqual(["rollback"]);
    expect(world.mutations()).toHaveLength(1);
    expect(slack.requests.filter((r) => r.method === "auth.test")).toHaveLength(1);
  });
});
